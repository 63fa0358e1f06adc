/* The simulated modem's AT interpreter fed arbitrary bytes as a host would
 * write them, on the sim serial pair, sim loop and virtual clock. The input
 * is split into chunks at 0xFF bytes; after each chunk the virtual clock
 * moves 250 ms (bounded: at most 64 chunks) so timers (latency, boot,
 * registration, +CNMA timeouts, deliveries between the two modems) fire.
 * Afterwards the modem must still answer: a line typed but not ended, or a
 * "> " prompt, is cancelled with ESC, Q1/V0 are undone, then "AT" + S3 must
 * get "OK". Settings that make "AT" untypeable (S3 or S5 set to one of the
 * characters we need to type) are legal V.250 and skip that check. An odd
 * first byte gives modem 0 a 40 ms response latency. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/log.h"
#include "hal/sim.h"
#include "simmodem/simmodem.h"
#include "simmodem/simnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
	struct hal_clock clk;
	struct hal_loop loop;
	struct simnet *net;
	struct hal_serial host[2], dev[2];
	struct simmodem *m[2];
	char rx[8192];
	size_t rx_len;
};

static void fz_drain(struct fz *z, int i)
{
	if (hal_loop_sim_run_until_idle(&z->loop) < 0)
		abort();
	for (;;) {
		char b[4096];
		ssize_t n = hal_serial_read(&z->host[i], b, sizeof(b));
		if (n <= 0)
			break;
		size_t k = (size_t)n;
		if (k > sizeof(z->rx) - 1 - z->rx_len)
			k = sizeof(z->rx) - 1 - z->rx_len;
		memcpy(z->rx + z->rx_len, b, k);
		z->rx_len += k;
	}
	z->rx[z->rx_len] = '\0';
}

static void fz_write(struct fz *z, const void *d, size_t n)
{
	const uint8_t *p = d;
	while (n) {
		ssize_t w = hal_serial_write(&z->host[0], p, n);
		if (w <= 0) {
			/* pipe full: let the modem read */
			fz_drain(z, 0);
			z->rx_len = 0;
			if (hal_loop_sim_run_until_idle(&z->loop) < 0)
				abort();
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
}

static void fz_advance(struct fz *z, int64_t ms)
{
	if (hal_loop_sim_advance(&z->loop, ms) < 0)
		abort();
	z->rx_len = 0;
	fz_drain(z, 0);
	fz_drain(z, 1);
	z->rx_len = 0;
}

static bool fz_typeable(int c)
{
	return !strchr("ATatQqVv01", c) && c != 0x1B && c != 0;
}

/* The modem answers "AT" (after ESC and undoing Q1/V0) with OK. */
static void fz_check_alive(struct fz *z)
{
	struct simmodem_status st;
	simmodem_get_status(z->m[0], &st);
	if (st.booting || st.port_gone)
		abort(); /* 20 s of virtual time is enough for any boot */
	if (!fz_typeable(st.s3) || !fz_typeable(st.s5) || st.s3 == st.s5)
		return;
	/* ESC: leaves a prompt, or drops a line typed but never ended */
	fz_write(z, "\x1b", 1);
	fz_advance(z, 1000);
	simmodem_get_status(z->m[0], &st);
	if (st.prompt)
		abort();
	char line[16];
	if (st.quiet || !st.verbose) {
		snprintf(line, sizeof(line), "ATQ0V1%c", st.s3);
		fz_write(z, line, strlen(line));
		fz_advance(z, 1000);
	}
	snprintf(line, sizeof(line), "AT%c", st.s3);
	fz_write(z, line, strlen(line));
	if (hal_loop_sim_advance(&z->loop, 1000) < 0)
		abort();
	z->rx_len = 0;
	fz_drain(z, 0);
	if (!strstr(z->rx, "OK"))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool once;
	if (!once) {
		log_set_levels("none");
		once = true;
	}
	struct fz *z = calloc(1, sizeof(*z));
	if (!z || hal_vclock_new(&z->clk, 1700000000000LL) || hal_loop_sim_new(&z->loop, &z->clk))
		abort();
	struct simnet_config nc = SIMNET_CONFIG_DEFAULT;
	if (simnet_new(&z->net, &z->loop, &nc))
		abort();
	for (int i = 0; i < 2; i++) {
		char number[32];
		snprintf(number, sizeof(number), "+491510000000%d", i + 1);
		struct simmodem_config mc = { .number = number, .cnma_timeout_ms = 2000 };
		/* An odd first byte adds response latency: input then arrives
		 * while the modem is busy and waits in its pending buffer. */
		if (i == 0 && size && (data[0] & 1))
			mc.latency_ms = 40;
		if (hal_serial_sim_pair_new(&z->host[i], &z->dev[i]) ||
		    simmodem_new(&z->m[i], z->net, &z->loop, &z->dev[i], &mc))
			abort();
	}
	fz_advance(z, 5000); /* booted and registered */

	size_t start = 0;
	int chunks = 0;
	for (size_t i = 0; i <= size && chunks < 64; i++) {
		if (i < size && data[i] != 0xFF)
			continue;
		fz_write(z, data + start, i - start);
		fz_advance(z, 250);
		start = i + 1;
		chunks++;
	}
	fz_advance(z, 20000);
	fz_check_alive(z);

	for (int i = 0; i < 2; i++) {
		simmodem_destroy(z->m[i]);
		hal_serial_destroy(&z->host[i]);
		hal_serial_destroy(&z->dev[i]);
	}
	simnet_destroy(z->net);
	hal_loop_destroy(&z->loop);
	hal_vclock_destroy(&z->clk);
	free(z);
	return 0;
}
