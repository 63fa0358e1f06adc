/* The modem driver under the simulated modem's faults. Each test ends in
 * READY with every message accounted for: none lost, none read twice. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "at/at_errors.h"
#include "hal/log.h"
#include "modem_harness.h"

static struct h H;

static int setup(void **state)
{
	assert_int_equal(h_setup(&H, NULL), 0);
	assert_true(h_until(&H, MODEM_ST_READY, 30000));
	h_run(&H, 1000);
	*state = &H;
	return 0;
}

static int teardown(void **state)
{
	h_teardown(*state);
	return 0;
}

/* A message from outside must arrive exactly once, and a send must work. */
static void check_alive(struct h *h, const char *text)
{
	unsigned n_in = h->n_in, n_done = h->n_done;
	size_t sent = simnet_sent_count(h->net);
	assert_int_equal(modem_get_state(h->m), MODEM_ST_READY);
	assert_true(h->health.can_send);
	assert_int_equal(simnet_inject_text(h->net, h->sm, "+4917611111111", text, NULL), 1);
	assert_int_equal(h_send(h, 900 + n_done, "+4917622222222", "still here", false), 0);
	h_run(h, 3000);
	assert_int_equal(h->n_in, n_in + 1);
	assert_string_equal(h->in[n_in].text, text);
	assert_int_equal(h->n_done, n_done + 1);
	assert_int_equal(h->done[n_done].status, 0);
	assert_int_equal(simnet_sent_count(h->net), sent + 1);
	h_run(h, 400000); /* sweeps and polls go by */
	assert_int_equal(h->n_in, n_in + 1);
	struct simmodem_status st;
	simmodem_get_status(h->sm, &st);
	assert_int_equal(st.used[0], 0);
}

static void no_response_resync(void **state)
{
	struct h *h = *state;
	assert_int_equal(simnet_inject_text(h->net, h->sm, "+4917633333333", "during", NULL), 1);
	simmodem_fault_silent(h->sm, 2);
	h_run(h, 6000);
	/* the read of that message got no answer: resync, re-init, read it */
	assert_true(h_until(h, MODEM_ST_READY, 60000));
	h_run(h, 3000);
	struct modem_stats s;
	modem_get_stats(h->m, &s);
	assert_true(s.timeouts >= 1);
	assert_int_equal(s.recoveries[MODEM_RUNG_RESYNC], 1);
	assert_int_equal(h->n_in, 1);
	assert_string_equal(h->in[0].text, "during");
	check_alive(h, "after silence");
}

static void wedged_until_power_cycle(void **state)
{
	struct h *h = *state;
	h->clear_faults_on_pulse = true;
	simmodem_fault_silent(h->sm, UINT_MAX);
	/* the next status poll finds it */
	assert_true(h_until(h, MODEM_ST_RECOVERING, 40000));
	assert_false(h->health.can_send);
	assert_true(h_until(h, MODEM_ST_READY, 120000));
	struct modem_stats s;
	modem_get_stats(h->m, &s);
	assert_int_equal(s.recoveries[MODEM_RUNG_POWER], 1);
	assert_true(h->pulses >= 1);
	struct hal_gpio_sim_event ev[4];
	assert_true(hal_gpio_sim_events(&h->gpio, ev, 4) >= 2);
	assert_string_equal(ev[0].name, "reset");
	assert_int_equal(ev[1].at_ms - ev[0].at_ms, 500); /* the profile's pulse */
	h_run(h, 2000);
	check_alive(h, "after power cycle");
}

static void garbage(void **state)
{
	struct h *h = *state;
	static const char junk[] = "\x00\xff\x13\r\nline noise\r\n+CM\x80\r\n\r\n";
	assert_int_equal(simmodem_fault_garbage(h->sm, junk, sizeof(junk) - 1), 0);
	h_run(h, 100);
	assert_int_equal(h_send(h, 1, "+4917622222222", "through noise", false), 0);
	assert_int_equal(simmodem_fault_garbage(h->sm, junk, sizeof(junk) - 1), 0);
	h_run(h, 3000);
	assert_true(h_until(h, MODEM_ST_READY, 60000));
	assert_int_equal(h->n_done, 1);
	check_alive(h, "after garbage");
}

static void cms_errors(void **state)
{
	struct h *h = *state;
	static const int codes[] = { 500, 321, 322 };
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(simmodem_fault_cms(h->sm, codes[i]), 0);
		assert_int_equal(h_send(h, 50 + i, "+4917622222222", "cms", false), 0);
		h_run(h, 1000);
		assert_int_equal(h->n_done, i + 1);
		assert_int_equal(h->done[i].status, -EIO);
		assert_int_equal(h->done[i].code, codes[i]);
		assert_int_equal(h->done[i].parts_sent, 0);
		assert_int_equal(h->done[i].retryable, at_cms_retryable(codes[i]));
		assert_non_null(strstr(h->done[i].text, "+CMS ERROR"));
		assert_int_equal(modem_get_state(h->m), MODEM_ST_READY);
	}
	assert_true(h->done[0].retryable); /* 500: unknown, try again */
	check_alive(h, "after cms");
}

static void network_loss(void **state)
{
	struct h *h = *state;
	unsigned health_before = h->n_health;
	simmodem_fault_netloss(h->sm, 20000);
	h_run(h, 500);
	assert_int_equal(modem_get_state(h->m), MODEM_ST_REGISTERING);
	assert_false(h->health.can_send);
	assert_false(h->health.registered);
	assert_true(h->n_health > health_before);
	assert_int_equal(h_send(h, 1, "+4917622222222", "x", false), -ENOTCONN);
	/* a message for us waits in the network meanwhile */
	assert_int_equal(simnet_inject_text(h->net, h->sm, "+4917633333333", "queued", NULL), 1);
	h_run(h, 10000);
	assert_int_equal(modem_get_state(h->m), MODEM_ST_REGISTERING);
	assert_true(h_until(h, MODEM_ST_READY, 30000));
	assert_true(h->health.can_send);
	h_run(h, 3000);
	assert_int_equal(h->n_in, 1);
	assert_string_equal(h->in[0].text, "queued");
	check_alive(h, "after netloss");
}

static void sim_removed(void **state)
{
	struct h *h = *state;
	simmodem_fault_sim(h->sm, true);
	h_run(h, 500);
	assert_int_equal(modem_get_state(h->m), MODEM_ST_SIM);
	assert_false(h->health.can_send);
	h_run(h, 60000); /* waits, polling: no error state, no recovery loop */
	assert_int_equal(modem_get_state(h->m), MODEM_ST_SIM);
	struct modem_info info;
	modem_get_info(h->m, &info);
	assert_string_equal(info.error, "SIM not inserted");
	simmodem_fault_sim(h->sm, false);
	assert_true(h_until(h, MODEM_ST_READY, 30000));
	check_alive(h, "after SIM");
}

static void reboot_burst(void **state)
{
	struct h *h = *state;
	assert_int_equal(simnet_inject_text(h->net, h->sm, "+4917633333333", "around boot", NULL), 1);
	assert_int_equal(h_send(h, 3, "+4917622222222", "mid reboot", false), 0);
	simmodem_reboot(h->sm);
	assert_true(h_until(h, MODEM_ST_READY, 60000));
	h_run(h, 5000); /* the ^BOOT repeats go by */
	assert_int_equal(modem_get_state(h->m), MODEM_ST_READY);
	struct modem_stats s;
	modem_get_stats(h->m, &s);
	assert_int_equal(s.reboots_seen, 1);
	/* the message in flight got exactly one outcome; failures say retry */
	assert_int_equal(h->n_done, 1);
	assert_true(h->done[0].status == 0 || h->done[0].retryable);
	assert_int_equal(h->n_in, 1);
	assert_string_equal(h->in[0].text, "around boot");
	check_alive(h, "after reboot");
}

static void port_vanishes(void **state)
{
	struct h *h = *state;
	assert_int_equal(simmodem_fault_vanish(h->sm, 8000), 0);
	h_run(h, 200);
	assert_int_equal(modem_get_state(h->m), MODEM_ST_REOPEN);
	assert_false(h->health.can_send);
	assert_int_equal(simnet_inject_text(h->net, h->sm, "+4917633333333", "while gone", NULL), 1);
	assert_true(h_until(h, MODEM_ST_READY, 60000));
	struct modem_stats s;
	modem_get_stats(h->m, &s);
	assert_int_equal(s.reopens, 1);
	h_run(h, 3000);
	assert_int_equal(h->n_in, 1);
	assert_string_equal(h->in[0].text, "while gone");
	check_alive(h, "after vanish");
}

static int64_t csq_sent_at = -1;

static void csq_sink(void *arg, int level, const char *module, const char *instance,
		     const char *msg)
{
	(void)level;
	(void)instance;
	if (csq_sent_at < 0 && !strcmp(module, "at") && !strncmp(msg, "tx AT+CSQ", 9))
		csq_sent_at = hal_clock_mono_ms(&((struct h *)arg)->clock);
}

static void urc_flood_keeps_deadline(void **state)
{
	struct h *h = *state;
	struct modem_stats s;
	static const char urc[] = "\r\n^RSSI: 12\r\n";
	csq_sent_at = -1;
	log_set_levels("at=debug");
	log_set_sink(csq_sink, h);
	simmodem_fault_silent(h->sm, 1);
	int64_t t1 = -1, start = hal_clock_mono_ms(&h->clock);
	/* URCs every 100 ms; the silent command is the next status poll */
	for (int64_t now = 0; now < 60000 && t1 < 0; now += 100) {
		simmodem_fault_garbage(h->sm, urc, sizeof(urc) - 1);
		h_run(h, 100);
		modem_get_stats(h->m, &s);
		if (s.timeouts > 0)
			t1 = hal_clock_mono_ms(&h->clock);
	}
	log_set_sink(NULL, NULL);
	log_set_levels("at=info");
	int64_t t0 = csq_sent_at;
	assert_true(t0 >= start);
	assert_true(t0 >= 0);
	assert_true(t1 >= 0);
	assert_in_range(t1 - t0, 4900, 5100); /* the 5 s command timeout, not more */
	assert_true(h_until(h, MODEM_ST_READY, 60000));
	check_alive(h, "after flood");
}

static void short_reads(void **state)
{
	(void)state;
	static struct h h;
	struct hal_serial_sim_faults f = { .read_cap_min = 1, .read_cap_max = 8, .seed = 42 };
	assert_int_equal(h_setup(&h, NULL), 0);
	assert_int_equal(hal_serial_sim_set_faults(&h.host, &f), 0);
	assert_int_equal(hal_serial_sim_set_faults(&h.dev, &f), 0);
	assert_true(h_until(&h, MODEM_ST_READY, 30000));
	char text[301];
	memset(text, 'k', 300);
	text[300] = '\0';
	simnet_set_report(h.net, 100, 0);
	assert_int_equal(h_send(&h, 1, "+4917622222222", text, true), 0);
	assert_true(simnet_inject_text(h.net, h.sm, "+4917633333333", text, NULL) == 2);
	h_run(&h, 5000);
	assert_int_equal(h.n_done, 1);
	assert_int_equal(h.done[0].status, 0);
	assert_int_equal(h.n_parts, 2);
	assert_int_equal(h.n_reports, 2);
	assert_int_equal(h.n_in, 2);
	check_alive(&h, "in pieces");
	h_teardown(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_response_resync, setup, teardown),
		cmocka_unit_test_setup_teardown(wedged_until_power_cycle, setup, teardown),
		cmocka_unit_test_setup_teardown(garbage, setup, teardown),
		cmocka_unit_test_setup_teardown(cms_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(network_loss, setup, teardown),
		cmocka_unit_test_setup_teardown(sim_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(reboot_burst, setup, teardown),
		cmocka_unit_test_setup_teardown(port_vanishes, setup, teardown),
		cmocka_unit_test_setup_teardown(urc_flood_keeps_deadline, setup, teardown),
		cmocka_unit_test(short_reads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
