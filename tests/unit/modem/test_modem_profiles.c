/* PIN safety and the per-model profiles, on the simulated modem. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "hal/board.h"
#include "modem_harness.h"

static struct h H;

static int teardown(void **state)
{
	(void)state;
	h_teardown(&H);
	return 0;
}

static void pin_correct(void **state)
{
	(void)state;
	assert_int_equal(h_setup(&H, &(struct h_opts){ .pin = "1234", .sim_pin = "1234" }), 0);
	assert_true(h_until(&H, MODEM_ST_READY, 30000));
	struct simmodem_status st;
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.pin_tries, 3);
	/* after a reboot the SIM asks again: the accepted PIN is sent again */
	simmodem_reboot(H.sm);
	h_run(&H, 500);
	assert_true(h_until(&H, MODEM_ST_READY, 60000));
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.sim, SIMMODEM_SIM_READY);
}

static void pin_wrong_stops_with_attempts_left(void **state)
{
	(void)state;
	struct simmodem_status st;
	struct modem_info info;
	assert_int_equal(h_setup(&H, &(struct h_opts){ .pin = "0000", .sim_pin = "1234" }), 0);
	assert_true(h_until(&H, MODEM_ST_ERROR, 30000));
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.pin_tries, 2);
	assert_false(H.health.can_send);
	modem_get_info(H.m, &info);
	assert_non_null(strstr(info.error, "PIN rejected"));
	h_run(&H, 600000); /* no retry, ever */
	assert_int_equal(modem_get_state(H.m), MODEM_ST_ERROR);
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.pin_tries, 2);
	/* an operator restarts with the same wrong PIN: one more try (2 left) */
	assert_int_equal(modem_restart(H.m, "0000"), 0);
	assert_true(h_until(&H, MODEM_ST_ERROR, 30000));
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.pin_tries, 1);
	/* one attempt left: never used automatically, not even the right PIN */
	assert_int_equal(modem_restart(H.m, "1234"), 0);
	assert_true(h_until(&H, MODEM_ST_ERROR, 30000));
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.pin_tries, 1);
	assert_int_equal(st.sim, SIMMODEM_SIM_PIN);
	modem_get_info(H.m, &info);
	assert_int_equal(info.pin_attempts, 1);
	assert_non_null(strstr(info.error, "1 attempt left"));
}

static void puk_required(void **state)
{
	(void)state;
	struct simmodem_status st;
	assert_int_equal(h_setup(&H, &(struct h_opts){ .pin = "1234", .sim_pin = "1234" }), 0);
	modem_stop(H.m);
	hal_loop_sim_run_until_idle(&H.loop); /* the simulated modem boots */
	/* Someone else burnt the PIN: three wrong tries on the raw port. */
	struct hal_serial_config cfg = HAL_SERIAL_CONFIG_DEFAULT;
	assert_int_equal(hal_serial_open(&H.host, "x", &cfg), 0);
	for (int i = 0; i < 3; i++) {
		static const char cmd[] = "AT+CPIN=\"9999\"\r";
		assert_int_equal(hal_serial_write(&H.host, cmd, sizeof(cmd) - 1),
				 (ssize_t)sizeof(cmd) - 1);
		hal_loop_sim_run_until_idle(&H.loop);
	}
	hal_serial_close(&H.host);
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.sim, SIMMODEM_SIM_PUK);
	int puk_before = st.puk_tries;
	uint64_t cmds_before = st.commands;
	assert_int_equal(modem_start(H.m), 0);
	assert_true(h_until(&H, MODEM_ST_ERROR, 30000));
	struct modem_info info;
	modem_get_info(H.m, &info);
	assert_string_equal(info.error, "SIM PUK required");
	h_run(&H, 600000);
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.puk_tries, puk_before);
	assert_int_equal(st.sim, SIMMODEM_SIM_PUK);
	assert_int_equal(modem_get_state(H.m), MODEM_ST_ERROR);
	/* the driver said a handful of commands, then nothing more */
	assert_true(st.commands - cmds_before < 20);
}

static void pin_missing(void **state)
{
	(void)state;
	assert_int_equal(h_setup(&H, &(struct h_opts){ .sim_pin = "1234" }), 0);
	assert_true(h_until(&H, MODEM_ST_ERROR, 30000));
	struct simmodem_status st;
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.pin_tries, 3);
}

static void profile_table(void **state)
{
	(void)state;
	static const enum hal_board_profile bp[] = {
		HAL_BOARD_PROFILE_GENERIC, HAL_BOARD_PROFILE_SIM800, HAL_BOARD_PROFILE_SIM7600,
		HAL_BOARD_PROFILE_EC25,    HAL_BOARD_PROFILE_E3372,  HAL_BOARD_PROFILE_UBLOX,
	};
	for (unsigned i = 0; i < sizeof(bp) / sizeof(bp[0]); i++) {
		const struct modem_profile *p = modem_profile_find(hal_board_profile_str(bp[i]));
		assert_non_null(p);
		assert_ptr_equal(modem_profile_at(i), p);
		assert_non_null(p->init);
		assert_non_null(p->sms_setup);
		assert_non_null(p->iccid_cmd);
		assert_true(!strcmp(p->storage, "SM") || !strcmp(p->storage, "ME") ||
			    !strcmp(p->storage, "MT"));
		assert_true(p->t.boot_ms > 0 && p->t.cmd_ms > 0 && p->t.sync_tries > 0);
		/* direct routes need the CNMA quirk only with +CSMS=1 */
		if (p->quirks & MODEM_Q_CNMA)
			assert_int_equal(p->sms_route, MODEM_ROUTE_DIRECT);
	}
	assert_null(modem_profile_at(6));
	assert_ptr_equal(modem_profile_find("EC25"), &modem_profile_ec25);
	assert_null(modem_profile_find("nokia3310"));
	char q[64];
	assert_string_equal(modem_quirks_format(MODEM_Q_CNMA | MODEM_Q_CEREG, q, sizeof(q)),
			    "cnma,cereg");
	assert_string_equal(modem_quirk_str(MODEM_Q_USB_STICK), "usb-stick");
	assert_null(modem_quirk_str(1u << 20));
	assert_string_equal(modem_pinq_str(MODEM_PINQ_QPINC), "qpinc");
	assert_string_equal(modem_route_str(MODEM_ROUTE_DIRECT), "direct");
}

/* Quectel: +CMT/+CDS shown directly, acknowledged with +CNMA; a refused
 * inbound() gets +CNMA=2 and the network delivers it again. */
static void ec25_cnma(void **state)
{
	(void)state;
	assert_int_equal(h_setup(&H, &(struct h_opts){ .profile = "ec25" }), 0);
	assert_true(h_until(&H, MODEM_ST_READY, 30000));
	struct simmodem_status st;
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.csms, 1);
	assert_int_equal(st.cnmi[1], 2);
	H.inbound_fail = 1;
	assert_int_equal(simnet_inject_text(H.net, H.sm, "+4917611111111", "direct", NULL), 1);
	h_run(&H, 500);
	assert_int_equal(H.n_in, 0);
	simmodem_get_status(H.sm, &st);
	assert_false(st.cnma_pending);
	h_run(&H, 3000); /* the network's retry */
	assert_int_equal(H.n_in, 1);
	assert_string_equal(H.in[0].text, "direct");
	assert_string_equal(H.in[0].src, "CMT");
	simmodem_get_status(H.sm, &st);
	assert_int_equal(st.used[1], 0); /* nothing left in ME */
	simnet_set_report(H.net, 500, 0);
	assert_int_equal(h_send(&H, 5, "+4917622222222", "report me", true), 0);
	h_run(&H, 3000);
	assert_int_equal(H.n_reports, 1);
	assert_int_equal(H.reports[0].state, CHANNEL_DELIVERED);
	simmodem_get_status(H.sm, &st);
	assert_false(st.cnma_pending);
	assert_int_equal(st.cnmi[1], 2); /* still routed: every +CMT was acked */
	h_run(&H, 60000);
	assert_int_equal(H.n_in, 1);
}

static void sim800_cds(void **state)
{
	(void)state;
	assert_int_equal(h_setup(&H, &(struct h_opts){ .profile = "sim800" }), 0);
	assert_true(h_until(&H, MODEM_ST_READY, 30000));
	simnet_set_report(H.net, 500, 0x46);
	assert_int_equal(h_send(&H, 5, "+4917622222222", "report me", true), 0);
	h_run(&H, 3000);
	assert_int_equal(H.n_reports, 1);
	assert_int_equal(H.reports[0].state, CHANNEL_UNDELIVERED);
	assert_string_equal(H.reports[0].ref, H.parts[0].ref);
}

static void sim7600_me_storage(void **state)
{
	(void)state;
	assert_int_equal(h_setup(&H, &(struct h_opts){ .profile = "sim7600" }), 0);
	assert_true(h_until(&H, MODEM_ST_READY, 30000));
	assert_int_equal(simnet_inject_text(H.net, H.sm, "+4917611111111", "in ME", NULL), 1);
	h_run(&H, 2000);
	assert_int_equal(H.n_in, 1);
	assert_memory_equal(H.in[0].src, "ME:", 3);
}

/* A USB stick without power lines and without CFUN reset: the ladder goes
 * resync -> reopen, then backs off and starts again, never wedged. */
static void e3372_stick_ladder(void **state)
{
	(void)state;
	assert_int_equal(h_setup(&H, &(struct h_opts){ .profile = "e3372", .no_gpio = true }), 0);
	assert_true(h_until(&H, MODEM_ST_READY, 30000));
	simmodem_fault_silent(H.sm, UINT_MAX);
	assert_true(h_until(&H, MODEM_ST_RECOVERING, 40000));
	h_run(&H, 40000);
	struct modem_info info;
	modem_get_info(H.m, &info);
	assert_int_equal(modem_get_state(H.m), MODEM_ST_RECOVERING);
	simmodem_fault_clear(H.sm);
	assert_true(h_until(&H, MODEM_ST_READY, 700000));
	assert_int_equal(simnet_inject_text(H.net, H.sm, "+4917611111111", "back", NULL), 1);
	h_run(&H, 2000);
	assert_int_equal(H.n_in, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(pin_correct, teardown),
		cmocka_unit_test_teardown(pin_wrong_stops_with_attempts_left, teardown),
		cmocka_unit_test_teardown(puk_required, teardown),
		cmocka_unit_test_teardown(pin_missing, teardown),
		cmocka_unit_test(profile_table),
		cmocka_unit_test_teardown(ec25_cnma, teardown),
		cmocka_unit_test_teardown(sim800_cds, teardown),
		cmocka_unit_test_teardown(sim7600_me_storage, teardown),
		cmocka_unit_test_teardown(e3372_stick_ladder, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
