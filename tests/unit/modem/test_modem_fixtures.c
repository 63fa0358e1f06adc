/* The modem driver fed with bytes captured from real modems and networks
 * (tests/fixtures/modem/real_modem.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "modem_harness.h"
#include "real_modem.h"

static struct h H;

static int setup(void **state)
{
	(void)state;
	assert_int_equal(h_setup(&H, NULL), 0);
	assert_true(h_until(&H, MODEM_ST_READY, 30000));
	h_run(&H, 1000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	h_teardown(&H);
	return 0;
}

static void carrier_multipart(void **state)
{
	(void)state;
	assert_int_equal(simnet_inject_pdu(H.net, H.sm, FX_MM_MULTI2), 0);
	assert_int_equal(simnet_inject_pdu(H.net, H.sm, FX_MM_MULTI1), 0);
	h_run(&H, 2000);
	assert_int_equal(H.n_in, 2);
	assert_int_equal(H.in[0].seq, 2);
	assert_int_equal(H.in[1].seq, 1);
	for (unsigned i = 0; i < 2; i++) {
		assert_string_equal(H.in[i].from, FX_MM_MULTI_FROM);
		assert_int_equal(H.in[i].total, 2);
		assert_int_equal(H.in[i].ref, 0x4C);
	}
	char text[1700];
	snprintf(text, sizeof(text), "%s%s", H.in[1].text, H.in[0].text);
	assert_string_equal(text, FX_MM_MULTI_TEXT);
	struct simmodem_status st;
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.used[0], 0);
}

static void carrier_report_unmatched(void **state)
{
	(void)state;
	/* A report for a part this run of the driver did not send (sent
	 * before a restart, or never): counted, handed on by TP-MR prefix and
	 * window for the store to match, and deleted from SR so storage does
	 * not fill up. */
	assert_int_equal(simnet_inject_pdu(H.net, H.sm, FX_MM_CDS_PDU), 0);
	h_run(&H, 2000);
	assert_int_equal(H.n_reports, 1);
	assert_true(H.reports[0].ref_prefix);
	assert_string_equal(H.reports[0].ref, "89@"); /* TP-MR 0x59 */
	assert_string_equal(H.reports[0].recipient, "639335936");
	assert_int_equal(H.reports[0].code, 0x30); /* TP-ST: still trying */
	assert_int_equal(H.reports[0].state, CHANNEL_PENDING);
	assert_true(H.reports[0].sent_after_ms < hal_clock_wall_ms(&H.clock));
	struct modem_stats s;
	modem_get_stats(H.m, &s);
	assert_int_equal(s.reports, 1);
	assert_int_equal(s.reports_unmatched, 1);
	struct simmodem_status st;
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.used[2], 0);
}

static void sim800_boot_lines(void **state)
{
	(void)state;
	/* RDY while running means the modem rebooted: settings are gone, so
	 * the driver brings it up again. */
	assert_int_equal(simmodem_fault_garbage(H.sm, FX_SIM800_BOOT, strlen(FX_SIM800_BOOT)), 0);
	h_run(&H, 100);
	struct modem_stats s;
	modem_get_stats(H.m, &s);
	assert_int_equal(s.reboots_seen, 1);
	assert_true(h_until(&H, MODEM_ST_READY, 30000));
}

static void huawei_noise_ignored(void **state)
{
	(void)state;
	unsigned long t0;
	struct modem_stats s;
	modem_get_stats(H.m, &s);
	t0 = s.transitions;
	for (int i = 0; i < 20; i++) {
		assert_int_equal(simmodem_fault_garbage(H.sm, FX_HUAWEI_NOISE,
							strlen(FX_HUAWEI_NOISE)),
				 0);
		h_run(&H, 1000);
	}
	modem_get_stats(H.m, &s);
	assert_int_equal(s.transitions, t0);
	assert_int_equal(s.reboots_seen, 0);
	assert_int_equal(h_send(&H, 1, "+4917622222222", "fine", false), 0);
	h_run(&H, 1000);
	assert_int_equal(H.n_done, 1);
	assert_int_equal(H.done[0].status, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(carrier_multipart, setup, teardown),
		cmocka_unit_test_setup_teardown(carrier_report_unmatched, setup, teardown),
		cmocka_unit_test_setup_teardown(sim800_boot_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(huawei_noise_ignored, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
