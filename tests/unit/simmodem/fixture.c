#include "fixture.h"
#include "hal/log.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void fx_port_event(void *arg, struct simmodem *m, bool gone)
{
	struct fx *f = arg;
	f->port_events++;
	size_t i = simmodem_index(m);
	if (gone)
		hal_serial_sim_gone(&f->host[i]);
	else
		hal_serial_sim_back(&f->host[i]);
	if (!gone) {
		hal_serial_open(&f->host[i], "sim", NULL);
		hal_serial_open(&f->dev[i], "sim", NULL);
		simmodem_attach_port(m, &f->dev[i]);
	}
}

struct fx *fx_new(const struct simmodem_config *cfg, const struct simnet_config *ncfg)
{
	log_set_levels("warn");
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	assert_int_equal(hal_vclock_new(&f->clk, 1700000000000LL), 0);
	assert_int_equal(hal_loop_sim_new(&f->loop, &f->clk), 0);
	struct simnet_config nc = ncfg ? *ncfg : SIMNET_CONFIG_DEFAULT;
	assert_int_equal(simnet_new(&f->net, &f->loop, &nc), 0);
	for (int i = 0; i < FX_MODEMS; i++) {
		assert_int_equal(hal_serial_sim_pair_new(&f->host[i], &f->dev[i]), 0);
		struct simmodem_config mc = { 0 };
		if (i == 0 && cfg)
			mc = *cfg;
		char number[32];
		snprintf(number, sizeof(number), "+491510000000%d", i + 1);
		if (!mc.number)
			mc.number = number;
		mc.port_event = fx_port_event;
		mc.port_arg = f;
		assert_int_equal(simmodem_new(&f->m[i], f->net, &f->loop, &f->dev[i], &mc), 0);
	}
	/* Boot URCs and the ^BOOT repeats, then registration. */
	fx_advance(f, 10000);
	for (int i = 0; i < FX_MODEMS; i++)
		fx_read(f, i);
	return f;
}

void fx_free(struct fx *f)
{
	for (int i = 0; i < FX_MODEMS; i++) {
		simmodem_destroy(f->m[i]);
		hal_serial_destroy(&f->host[i]);
		hal_serial_destroy(&f->dev[i]);
	}
	simnet_destroy(f->net);
	hal_loop_destroy(&f->loop);
	hal_vclock_destroy(&f->clk);
	free(f);
}

const char *fx_read(struct fx *f, int i)
{
	assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 0);
	f->rx_len = 0;
	for (;;) {
		if (f->rx_len + 1 >= sizeof(f->rx))
			break;
		ssize_t n = hal_serial_read(&f->host[i], f->rx + f->rx_len, sizeof(f->rx) - 1 - f->rx_len);
		if (n <= 0)
			break;
		f->rx_len += (size_t)n;
	}
	f->rx[f->rx_len] = '\0';
	return f->rx;
}

const char *fx_cmd(struct fx *f, int i, const char *bytes)
{
	f->rx_len = 0;
	f->rx[0] = '\0';
	size_t len = strlen(bytes);
	assert_int_equal(hal_serial_write(&f->host[i], bytes, len), (ssize_t)len);
	return fx_read(f, i);
}

void fx_advance(struct fx *f, int64_t ms)
{
	assert_true(hal_loop_sim_advance(&f->loop, ms) >= 0);
}
