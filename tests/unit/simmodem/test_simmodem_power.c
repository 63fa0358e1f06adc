/* The GPIO power hook (pwrkey / reset pulses on a fake gpio, judged on the
 * virtual clock) and the vendor PIN-attempt queries (+SPIC, +QPINC,
 * +UPINCNT). Timings and formats: see hal/sim/modem/sm_power.c and
 * sm_pinq.c for their sources. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "hal/gpio.h"

struct pfx {
	struct fx *f;
	struct hal_gpio gpio;
};

static struct pfx *pfx_new(const struct simmodem_config *cfg)
{
	struct pfx *p = test_calloc(1, sizeof(*p));
	p->f = fx_new(cfg, NULL);
	assert_int_equal(hal_gpio_sim_new(&p->gpio, &p->f->clk), 0);
	const struct hal_gpio_line lines[] = {
		{ .name = "pwrkey", .output = true }, { .name = "reset", .output = true },
		{ .name = "led", .output = true },
	};
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(hal_gpio_add_line(&p->gpio, &lines[i]), 0);
	assert_int_equal(simmodem_attach_gpio(p->f->m[0], &p->gpio, "pwrkey", "reset"), 0);
	fx_cmd(p->f, 0, "ATE0\r");
	return p;
}

static void pfx_free(struct pfx *p)
{
	/* Modems first: each detaches from the gpio on destroy. */
	fx_free(p->f);
	hal_gpio_destroy(&p->gpio);
	test_free(p);
}

/* hal_gpio_pulse as the driver does it, then let the pulse run out. */
static void pulse(struct pfx *p, const char *line, int64_t ms)
{
	assert_int_equal(hal_gpio_pulse(&p->gpio, &p->f->loop, line, ms, NULL, NULL), 0);
	fx_advance(p->f, ms);
}

static bool powered_off(struct pfx *p)
{
	struct simmodem_status st;
	simmodem_get_status(p->f->m[0], &st);
	return st.powered_off;
}

static void test_pwrkey_off_and_on(void **state)
{
	(void)state;
	struct pfx *p = pfx_new(NULL);
	assert_false(powered_off(p));
	/* 2.5 s held: SIMCom powers off and says so first */
	pulse(p, "pwrkey", 2500);
	assert_string_equal(fx_read(p->f, 0), "\r\nNORMAL POWER DOWN\r\n");
	assert_true(powered_off(p));
	assert_string_equal(fx_cmd(p->f, 0, "AT\r"), "");
	fx_advance(p->f, 60000);
	assert_string_equal(fx_cmd(p->f, 0, "AT\r"), ""); /* stays off */
	/* 500 ms held: on again, the boot burst, then it answers (echo on:
	 * power-on defaults) */
	pulse(p, "pwrkey", 500);
	assert_false(powered_off(p));
	fx_advance(p->f, 10);
	const char *r = fx_read(p->f, 0);
	assert_non_null(strstr(r, "RDY"));
	assert_non_null(strstr(r, "+CPIN: READY"));
	assert_non_null(strstr(r, "SMS Ready"));
	assert_string_equal(fx_cmd(p->f, 0, "AT\r"), "AT\r\r\nOK\r\n");
	pfx_free(p);
}

static void test_pwrkey_too_short(void **state)
{
	(void)state;
	struct pfx *p = pfx_new(NULL);
	/* 2 s < 2.5 s: still on */
	pulse(p, "pwrkey", 2000);
	assert_false(powered_off(p));
	assert_string_equal(fx_cmd(p->f, 0, "AT\r"), "\r\nOK\r\n");
	simmodem_power_off(p->f->m[0]);
	fx_read(p->f, 0);
	/* 400 ms < 500 ms: still off */
	pulse(p, "pwrkey", 400);
	assert_true(powered_off(p));
	fx_advance(p->f, 10000);
	assert_string_equal(fx_cmd(p->f, 0, "AT\r"), "");
	/* another line does nothing to the modem */
	pulse(p, "led", 3000);
	assert_true(powered_off(p));
	pfx_free(p);
}

static void test_pwrkey_ec25_timing(void **state)
{
	(void)state;
	struct simmodem_config c = { .pwrkey_on_ms = 500, .pwrkey_off_ms = 650, .boot_ms = 2000 };
	struct pfx *p = pfx_new(&c);
	pulse(p, "pwrkey", 649);
	assert_false(powered_off(p));
	pulse(p, "pwrkey", 650);
	assert_true(powered_off(p));
	fx_read(p->f, 0);
	pulse(p, "pwrkey", 500);
	/* booting: silent for boot_ms after power-on */
	assert_string_equal(fx_cmd(p->f, 0, "AT\r"), "");
	fx_advance(p->f, 1999);
	assert_null(strstr(fx_read(p->f, 0), "RDY"));
	fx_advance(p->f, 1);
	assert_non_null(strstr(fx_read(p->f, 0), "RDY"));
	pfx_free(p);
}

static void test_reset_pulse(void **state)
{
	(void)state;
	struct simmodem_config c = { .boot_ms = 1000 };
	struct pfx *p = pfx_new(&c);
	/* too short: ignored */
	pulse(p, "reset", 50);
	assert_string_equal(fx_cmd(p->f, 0, "AT\r"), "\r\nOK\r\n");
	/* 150 ms: reboots, silent until boot_ms, then the burst; E1 again */
	pulse(p, "reset", 150);
	assert_string_equal(fx_cmd(p->f, 0, "AT\r"), "");
	fx_advance(p->f, 1000);
	assert_non_null(strstr(fx_read(p->f, 0), "RDY"));
	assert_string_equal(fx_cmd(p->f, 0, "AT\r"), "AT\r\r\nOK\r\n");
	/* reset does not power on a modem that is off */
	simmodem_power_off(p->f->m[0]);
	fx_read(p->f, 0);
	pulse(p, "reset", 200);
	fx_advance(p->f, 5000);
	assert_true(powered_off(p));
	assert_string_equal(fx_read(p->f, 0), "");
	pfx_free(p);
}

/* A destroyed modem no longer watches the gpio: pulsing it afterwards must
 * not touch freed memory (ASan) and must not reach the other modem. */
static void test_destroy_detaches_gpio(void **state)
{
	(void)state;
	struct pfx *p = pfx_new(NULL);
	simmodem_destroy(p->f->m[0]);
	p->f->m[0] = NULL;
	pulse(p, "pwrkey", 3000);
	pulse(p, "reset", 200);
	struct simmodem_status st;
	simmodem_get_status(p->f->m[1], &st);
	assert_false(st.powered_off);
	pfx_free(p);
}

static void test_attach_gpio_errors(void **state)
{
	(void)state;
	struct pfx *p = pfx_new(NULL);
	struct simmodem *m = p->f->m[1];
	assert_int_equal(simmodem_attach_gpio(m, NULL, "pwrkey", "reset"), -EINVAL);
	assert_int_equal(simmodem_attach_gpio(m, &p->gpio, NULL, NULL), -EINVAL);
	assert_int_equal(simmodem_attach_gpio(m, &p->gpio, "", NULL), -EINVAL);
	assert_int_equal(simmodem_attach_gpio(m, &p->gpio, "a-name-that-is-far-too-long-for-a-line",
					      NULL),
			 -EINVAL);
	assert_int_equal(simmodem_attach_gpio(p->f->m[0], &p->gpio, "pwrkey", NULL), -EBUSY);
	/* modem 1 wired to reset only: the pwrkey does not touch it */
	assert_int_equal(simmodem_attach_gpio(m, &p->gpio, NULL, "reset"), 0);
	pulse(p, "pwrkey", 3000);
	assert_true(powered_off(p));
	struct simmodem_status st;
	simmodem_get_status(m, &st);
	assert_false(st.powered_off);
	pfx_free(p);
}

static void test_vendor_pin_queries(void **state)
{
	(void)state;
	struct simmodem_config c = { .pin = "1234" };
	struct fx *f = fx_new(&c, NULL);
	fx_cmd(f, 0, "ATE0;+CMEE=1\r");
	assert_string_equal(fx_cmd(f, 0, "AT+SPIC\r"), "\r\n+SPIC: 3,10,3,10\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CPIN=\"0000\"\r"), "\r\n+CME ERROR: 16\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+SPIC\r"), "\r\n+SPIC: 2,10,3,10\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+QPINC=\"SC\"\r"),
			    "\r\n+QPINC: \"SC\",2,10\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+QPINC?\r"),
			    "\r\n+QPINC: \"SC\",2,10\r\n+QPINC: \"P2\",3,10\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+QPINC=?\r"),
			    "\r\n+QPINC: (\"SC\",\"P2\")\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+QPINC=\"P2\"\r"),
			    "\r\n+QPINC: \"P2\",3,10\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+QPINC=\"XX\"\r"), "\r\n+CME ERROR: 50\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+QPINC=SC\r"), "\r\n+CME ERROR: 50\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+QPINC\r"), "\r\nERROR\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+UPINCNT\r"),
			    "\r\n+UPINCNT: 2,3,10,10\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+UPINCNT=1\r"), "\r\nERROR\r\n");
	/* the same counters +CPINR reports */
	assert_string_equal(fx_cmd(f, 0, "AT+CPINR=\"SIM PIN\"\r"),
			    "\r\n+CPINR: SIM PIN,2,3\r\n+CPINR: SIM PUK,10,10\r\n\r\nOK\r\n");
	/* no SIM: +CME ERROR: 10 */
	simmodem_fault_sim(f->m[0], true);
	fx_read(f, 0);
	assert_string_equal(fx_cmd(f, 0, "AT+SPIC\r"), "\r\n+CME ERROR: 10\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+QPINC=\"SC\"\r"), "\r\n+CME ERROR: 10\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+UPINCNT\r"), "\r\n+CME ERROR: 10\r\n");
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pwrkey_off_and_on),
		cmocka_unit_test(test_pwrkey_too_short),
		cmocka_unit_test(test_pwrkey_ec25_timing),
		cmocka_unit_test(test_reset_pulse),
		cmocka_unit_test(test_attach_gpio_errors),
		cmocka_unit_test(test_destroy_detaches_gpio),
		cmocka_unit_test(test_vendor_pin_queries),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
