/* The simulated modem's V.250 framing, 27.007 general commands, PIN/PUK,
 * registration over time and faults, on the sim serial pair and the
 * virtual clock. Expected bytes follow V.250 6.2 (verbose result codes
 * framed by CR LF) and 27.007. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

static void fx_clear(struct fx *f)
{
	f->rx_len = 0;
	f->rx[0] = '\0';
}

static void test_echo_and_ok(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "AT\r\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "ATE0\r"), "ATE0\r\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "\r\nOK\r\n");
	/* case-insensitive, garbage before AT ignored, leading ESC tolerated */
	assert_string_equal(fx_cmd(f, 0, "at\r"), "\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "\x1b" "AT\r"), "\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "xyzAT\r"), "\r\nOK\r\n");
	/* a line that never says AT gets no answer */
	assert_string_equal(fx_cmd(f, 0, "hello\r"), "");
	fx_free(f);
}

static void test_multi_command_line(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGF=0;+CNMI=2,1,0,2,0\r"), "\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CNMI?;+CMGF?\r"),
			    "\r\n+CNMI: 2,1,0,2,0\r\n+CMGF: 0\r\n\r\nOK\r\n");
	/* basic commands run together, V0 gives numeric codes */
	assert_string_equal(fx_cmd(f, 0, "ATE0V0\r"), "0\r");
	assert_string_equal(fx_cmd(f, 0, "AT+FOO\r"), "4\r");
	assert_string_equal(fx_cmd(f, 0, "ATV1\r"), "\r\nOK\r\n");
	/* the first failing command ends the line: +CMGF=1 never runs */
	assert_string_equal(fx_cmd(f, 0, "AT+BAD;+CMGF=1\r"), "\r\nERROR\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGF?\r"), "\r\n+CMGF: 0\r\n\r\nOK\r\n");
	fx_free(f);
}

static void test_repeat_and_sregs(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CSQ\r"), "\r\n+CSQ: 20,0\r\n\r\nOK\r\n");
	assert_int_equal(simmodem_set_rssi(f->m[0], 7), 0);
	assert_string_equal(fx_cmd(f, 0, "A/"), "\r\n+CSQ: 7,0\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "ATS3?\r"), "\r\n013\r\n\r\nOK\r\n");
	/* S3 = 36 ('$') ends lines and frames results from now on */
	assert_string_equal(fx_cmd(f, 0, "ATS3=36\r"), "$\nOK$\n");
	assert_string_equal(fx_cmd(f, 0, "AT$"), "$\nOK$\n");
	assert_string_equal(fx_cmd(f, 0, "ATS3=13$"), "\r\nOK\r\n");
	/* S5 backspace edits the line */
	assert_string_equal(fx_cmd(f, 0, "ATX\bI\b\r"), "\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "ATZ\r"), "\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "AT\r\r\nOK\r\n"); /* Z: echo on again */
	fx_free(f);
}

static void test_errors_cmee(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0\r");
	assert_string_equal(fx_cmd(f, 0, "AT+NOPE\r"), "\r\nERROR\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMEE=1\r"), "\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+NOPE\r"), "\r\n+CME ERROR: 4\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMEE=2;+CPIN=\"0000\"\r"),
			    "\r\n+CME ERROR: operation not allowed\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMEE=?\r"), "\r\n+CMEE: (0-2)\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMEE=7\r"), "\r\n+CME ERROR: incorrect parameters\r\n");
	fx_free(f);
}

static void test_identity(void **state)
{
	(void)state;
	struct simmodem_config c = { .manufacturer = "ACME", .model = "M1", .revision = "R9",
				     .imei = "490154203237518", .imsi = "262011234567890",
				     .iccid = "89490200001234567890" };
	struct fx *f = fx_new(&c, NULL);
	fx_cmd(f, 0, "ATE0\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CGMI\r"), "\r\nACME\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CGMM\r"), "\r\nM1\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CGMR\r"), "\r\nR9\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CGSN\r"), "\r\n490154203237518\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CIMI\r"), "\r\n262011234567890\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CCID\r"),
			    "\r\n+CCID: 89490200001234567890\r\n\r\nOK\r\n");
	assert_non_null(strstr(fx_cmd(f, 0, "ATI\r"), "Manufacturer: ACME\r\nModel: M1\r\n"));
	assert_string_equal(fx_cmd(f, 0, "AT+CSCS=\"UCS2\";+CSCS?\r"),
			    "\r\n+CSCS: \"UCS2\"\r\n\r\nOK\r\n");
	/* in UCS2 the operator name is hex of UTF-16 */
	assert_string_equal(fx_cmd(f, 0, "AT+COPS?\r"),
			    "\r\n+COPS: 0,0,\"00530049004D004E00450054\",7\r\n\r\nOK\r\n");
	fx_free(f);
}

static void test_pin_countdown_to_puk(void **state)
{
	(void)state;
	struct simmodem_config c = { .pin = "1234", .puk = "87654321" };
	struct fx *f = fx_new(&c, NULL);
	fx_cmd(f, 0, "ATE0;+CMEE=1\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CPIN?\r"), "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CIMI\r"), "\r\n+CME ERROR: 11\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGL=4\r"), "\r\n+CMS ERROR: 311\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CREG?\r"), "\r\n+CREG: 0,0\r\n\r\nOK\r\n");
	for (int i = 0; i < 3; i++)
		assert_string_equal(fx_cmd(f, 0, "AT+CPIN=\"0000\"\r"), "\r\n+CME ERROR: 16\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CPIN?\r"), "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n");
	/* the right PIN no longer helps */
	assert_string_equal(fx_cmd(f, 0, "AT+CPIN=\"1234\"\r"), "\r\n+CME ERROR: 12\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CPIN=\"11111111\",\"4321\"\r"),
			    "\r\n+CME ERROR: 16\r\n");
	struct simmodem_status st;
	simmodem_get_status(f->m[0], &st);
	assert_int_equal(st.puk_tries, 9);
	const char *r = fx_cmd(f, 0, "AT+CPIN=\"87654321\",\"4321\"\r");
	assert_non_null(strstr(r, "\r\nOK\r\n"));
	assert_non_null(strstr(r, "+CPIN: READY"));
	assert_string_equal(fx_cmd(f, 0, "AT+CPIN?\r"), "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	/* the new PIN is asked after a reboot */
	simmodem_reboot(f->m[0]);
	fx_advance(f, 10);
	fx_cmd(f, 0, "ATE0\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CPIN=\"4321\"\r"), "\r\nOK\r\n\r\n+CPIN: READY\r\n\r\nSMS Ready\r\n");
	fx_free(f);
}

static void test_registration_over_time(void **state)
{
	(void)state;
	struct simmodem_config c = { .register_ms = 5000 };
	struct fx *f = fx_new(&c, NULL);
	fx_cmd(f, 0, "ATE0\r");
	simmodem_reboot(f->m[0]);
	fx_advance(f, 1);
	fx_clear(f);
	fx_read(f, 0);
	assert_non_null(strstr(f->rx, "\r\nRDY\r\n"));
	assert_non_null(strstr(f->rx, "\r\n+CPIN: READY\r\n"));
	assert_non_null(strstr(f->rx, "^BOOT:"));
	fx_cmd(f, 0, "ATE0\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CREG=2;+CGREG=1;+CEREG=1\r"), "\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CREG?\r"), "\r\n+CREG: 2,2\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+COPS?\r"), "\r\n+COPS: 0\r\n\r\nOK\r\n");
	fx_clear(f);
	fx_advance(f, 4000);
	assert_null(strstr(fx_read(f, 0), "+CREG"));
	fx_advance(f, 1000);
	assert_non_null(strstr(fx_read(f, 0), "\r\n+CREG: 1,\"00A1\",\"0001B2C3\",7\r\n"));
	assert_non_null(strstr(f->rx, "\r\n+CGREG: 1\r\n"));
	assert_non_null(strstr(f->rx, "\r\n+CEREG: 1\r\n"));
	assert_string_equal(fx_cmd(f, 0, "AT+COPS=3,2;+COPS?\r"),
			    "\r\n+COPS: 0,2,\"26299\",7\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CGATT?\r"), "\r\n+CGATT: 1\r\n\r\nOK\r\n");
	/* network loss for 3 s */
	simmodem_fault_netloss(f->m[0], 3000);
	assert_non_null(strstr(fx_cmd(f, 0, ""), "+CREG: 0\r\n"));
	assert_string_equal(fx_cmd(f, 0, "AT+CSQ\r"), "\r\n+CSQ: 99,99\r\n\r\nOK\r\n");
	fx_clear(f);
	fx_advance(f, 3000);
	assert_non_null(strstr(fx_read(f, 0), "+CREG: 2\r\n"));
	fx_advance(f, 5000);
	assert_non_null(strstr(fx_read(f, 0), "+CREG: 1,"));
	fx_free(f);
}

static void test_cfun(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0;+CREG=1\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CFUN=4\r"), "\r\nOK\r\n\r\n+CREG: 0\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CFUN?\r"), "\r\n+CFUN: 4\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CFUN=1\r"), "\r\nOK\r\n\r\n+CREG: 2\r\n\r\n+CREG: 1\r\n");
	/* CFUN=1,1: OK first, then the reboot burst */
	/* CFUN=1,1: OK first, then (boot_ms 0) the reboot burst */
	const char *r = fx_cmd(f, 0, "AT+CFUN=1,1\r");
	assert_memory_equal(r, "\r\nOK\r\n\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n", 41);
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "AT\r\r\nOK\r\n"); /* echo back on */
	fx_free(f);
}

static void test_fault_latency_and_silence(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0\r");
	simmodem_set_latency(f->m[0], 2000);
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "");
	fx_advance(f, 1999);
	assert_string_equal(fx_read(f, 0), "");
	fx_advance(f, 1);
	assert_string_equal(fx_read(f, 0), "\r\nOK\r\n");
	simmodem_set_latency(f->m[0], 0);
	simmodem_fault_silent(f->m[0], 2);
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "");
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "");
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "\r\nOK\r\n");
	assert_int_equal(simmodem_fault_garbage(f->m[0], "\xff\x00zz", 4), 0);
	fx_clear(f);
	fx_read(f, 0);
	assert_int_equal(f->rx_len, 4);
	assert_memory_equal(f->rx, "\xff\x00zz", 4);
	fx_free(f);
}

static void test_fault_sim_removed(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0;+CMEE=1\r");
	fx_clear(f);
	simmodem_fault_sim(f->m[0], true);
	assert_string_equal(fx_read(f, 0), "\r\n+CPIN: NOT INSERTED\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CPIN?\r"), "\r\n+CME ERROR: 10\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CIMI\r"), "\r\n+CME ERROR: 10\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGS=23\r"), "\r\n+CMS ERROR: 310\r\n");
	simmodem_fault_sim(f->m[0], false);
	fx_advance(f, 10);
	fx_clear(f);
	assert_non_null(strstr(fx_read(f, 0), "\r\n+CPIN: READY\r\n"));
	assert_string_equal(fx_cmd(f, 0, "AT+CPIN?\r"), "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	fx_free(f);
}

static void test_fault_vanish(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	assert_int_equal(simmodem_fault_vanish(f->m[0], 3000), 0);
	assert_int_equal(f->port_events, 1);
	char b[4];
	assert_true(hal_serial_write(&f->host[0], "AT\r", 3) < 0); /* device gone */
	assert_true(hal_serial_read(&f->host[0], b, sizeof(b)) < 0);
	fx_advance(f, 3000);
	assert_int_equal(f->port_events, 2);
	fx_clear(f);
	fx_advance(f, 10);
	assert_non_null(strstr(fx_read(f, 0), "RDY"));
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "AT\r\r\nOK\r\n");
	fx_free(f);
}

/* `fault MODEM clear` ends a vanish early: the port is back at once (one
 * port event), the modem boots, and the old vanish end never fires. */
static void test_fault_clear_ends_vanish(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);

	assert_int_equal(simmodem_fault_vanish(f->m[0], 60000), 0);
	assert_int_equal(f->port_events, 1);
	assert_true(hal_serial_write(&f->host[0], "AT\r", 3) < 0); /* device gone */
	fx_advance(f, 100);
	simmodem_fault_clear(f->m[0]);
	assert_int_equal(f->port_events, 2); /* back now, not after 60 s */
	fx_clear(f);
	fx_advance(f, 10);
	assert_non_null(strstr(fx_read(f, 0), "RDY"));
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "AT\r\r\nOK\r\n");
	fx_advance(f, 60000);
	assert_int_equal(f->port_events, 2); /* the vanish's end was canceled */
	assert_non_null(strstr(fx_cmd(f, 0, "AT\r"), "\r\nOK\r\n"));
	/* Clearing with no fault leaves the port alone. */
	simmodem_fault_clear(f->m[0]);
	assert_int_equal(f->port_events, 2);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_echo_and_ok),
		cmocka_unit_test(test_multi_command_line),
		cmocka_unit_test(test_repeat_and_sregs),
		cmocka_unit_test(test_errors_cmee),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_pin_countdown_to_puk),
		cmocka_unit_test(test_registration_over_time),
		cmocka_unit_test(test_cfun),
		cmocka_unit_test(test_fault_latency_and_silence),
		cmocka_unit_test(test_fault_sim_removed),
		cmocka_unit_test(test_fault_vanish),
		cmocka_unit_test(test_fault_clear_ends_vanish),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
