/* Scripted serial peer: expect -> reply on the virtual clock with the host
 * writing in 1-byte pieces and reading in 1..8-byte pieces, URCs injected
 * mid-exchange, dropped replies, unexpected bytes, a broken connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include "hal/sim.h"

struct fx {
	struct hal_clock clock;
	struct hal_loop loop;
	struct hal_serial host, dev;
	struct hal_serial_script *script;
	char rx[1024];
	size_t rx_len;
	int64_t rx_at; /* virtual time of the last byte */
	int rx_err;
};

static void host_rx(void *arg, int fd, unsigned events)
{
	struct fx *f = arg;
	(void)fd;
	for (;;) {
		ssize_t n =
		    hal_serial_read(&f->host, f->rx + f->rx_len, sizeof(f->rx) - 1 - f->rx_len);
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			f->rx_err = (int)n;
			break;
		}
		assert_true(n >= 1 && n <= 8); /* the read caps below */
		f->rx_len += (size_t)n;
		f->rx[f->rx_len] = '\0';
		f->rx_at = hal_loop_now_ms(&f->loop);
	}
	if (f->rx_err || (events & HAL_IO_ERR))
		hal_loop_unwatch_fd(&f->loop, fd);
}

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(hal_vclock_new(&f->clock, 0), 0);
	assert_int_equal(hal_loop_sim_new(&f->loop, &f->clock), 0);
	assert_int_equal(hal_serial_sim_pair_new(&f->host, &f->dev), 0);
	struct hal_serial_sim_faults faults = {.read_cap_min = 1, .read_cap_max = 8, .seed = 3};
	assert_int_equal(hal_serial_sim_set_faults(&f->host, &faults), 0);
	assert_int_equal(
	    hal_loop_watch_fd(&f->loop, hal_serial_fd(&f->host), HAL_IO_READ, host_rx, f), 0);
	assert_int_equal(hal_serial_script_new(&f->script, &f->loop, &f->dev), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	hal_loop_unwatch_fd(&f->loop, hal_serial_fd(&f->host));
	hal_serial_script_destroy(f->script);
	hal_serial_destroy(&f->host);
	hal_serial_destroy(&f->dev);
	hal_loop_destroy(&f->loop);
	hal_vclock_destroy(&f->clock);
	test_free(f);
	return 0;
}

static void push(struct fx *f, const char *expect, const char *reply, int64_t delay)
{
	struct hal_serial_script_step st = {.expect = expect, .reply = reply, .delay_ms = delay};
	assert_int_equal(hal_serial_script_push(f->script, &st), 0);
}

/* The host sends one byte per loop turn, like a slow UART. */
static void send_bytewise(struct fx *f, const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		assert_int_equal(hal_serial_write(&f->host, &s[i], 1), 1);
		assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 0);
	}
}

/* +CSQ reply format: 3GPP TS 27.007 section 8.5. */
static void expect_reply_with_bytewise_host(void **state)
{
	struct fx *f = *state;
	const char *reply = "\r\n+CSQ: 20,99\r\n\r\nOK\r\n";
	push(f, "AT+CSQ\r", reply, 100);
	assert_false(hal_serial_script_done(f->script));
	assert_int_equal(hal_loop_sim_advance(&f->loop, 50), 0);
	send_bytewise(f, "AT+CSQ\r");
	assert_int_equal(f->rx_len, 0);
	assert_true(hal_loop_sim_advance(&f->loop, 99) >= 0);
	assert_int_equal(f->rx_len, 0); /* not before its delay */
	assert_true(hal_loop_sim_advance(&f->loop, 1) > 0);
	assert_string_equal(f->rx, reply);
	assert_int_equal(f->rx_at, 150);
	assert_true(hal_serial_script_done(f->script));
	assert_string_equal(hal_serial_script_unexpected(f->script), "");
	assert_int_equal(hal_serial_script_error(f->script), 0);
}

/* +CMTI URC: 3GPP TS 27.005 section 3.4.1. */
static void inject_mid_exchange(void **state)
{
	struct fx *f = *state;
	const char *urc = "\r\n+CMTI: \"SM\",3\r\n";
	const char *reply = "\r\n+COPS: 0,0,\"Operator\"\r\n\r\nOK\r\n";
	push(f, "AT+COPS?\r", reply, 500);
	send_bytewise(f, "AT+COPS?\r");
	assert_true(hal_loop_sim_advance(&f->loop, 200) >= 0);
	assert_int_equal(hal_serial_script_inject(f->script, urc), 0);
	assert_true(hal_loop_sim_run_until_idle(&f->loop) > 0);
	assert_string_equal(f->rx, urc);
	assert_true(hal_loop_sim_advance(&f->loop, 300) > 0);
	char want[256];
	strcpy(want, urc);
	strcat(want, reply);
	assert_string_equal(f->rx, want);
	assert_true(hal_serial_script_done(f->script));
}

static void dropped_reply_then_retry(void **state)
{
	struct fx *f = *state;
	push(f, "AT\r", NULL, 0); /* the modem says nothing */
	push(f, "AT\r", "\r\nOK\r\n", 10);
	send_bytewise(f, "AT\r");
	assert_true(hal_loop_sim_advance(&f->loop, 5000) >= 0);
	assert_int_equal(f->rx_len, 0);
	assert_false(hal_serial_script_done(f->script));
	send_bytewise(f, "AT\r");
	assert_true(hal_loop_sim_advance(&f->loop, 10) > 0);
	assert_string_equal(f->rx, "\r\nOK\r\n");
	assert_true(hal_serial_script_done(f->script));
	assert_string_equal(hal_serial_script_unexpected(f->script), "");
}

static void unexpected_bytes_are_reported(void **state)
{
	struct fx *f = *state;
	push(f, "AT\r", "\r\nOK\r\n", 0);
	send_bytewise(f, "ATZ\r");
	assert_int_equal(f->rx_len, 0);
	assert_string_equal(hal_serial_script_unexpected(f->script), "ATZ\r");
	send_bytewise(f, "AT\r");
	assert_string_equal(f->rx, "\r\nOK\r\n");
	assert_true(hal_serial_script_done(f->script));
	/* After the last step everything is unexpected. */
	send_bytewise(f, "AT+CSQ\r");
	assert_string_equal(hal_serial_script_unexpected(f->script), "ATZ\rAT+CSQ\r");
}

static void resynchronises_inside_one_write(void **state)
{
	struct fx *f = *state;
	push(f, "AT\r", "\r\nOK\r\n", 0);
	/* Line noise and the command in one write: only the noise is unexpected. */
	assert_int_equal(hal_serial_write(&f->host, "!ZAT\r", 5), 5);
	assert_true(hal_loop_sim_run_until_idle(&f->loop) > 0);
	assert_string_equal(f->rx, "\r\nOK\r\n");
	assert_true(hal_serial_script_done(f->script));
	assert_string_equal(hal_serial_script_unexpected(f->script), "!Z");
}

static void steps_without_expect_follow_in_order(void **state)
{
	struct fx *f = *state;
	push(f, NULL, "\r\nRDY\r\n", 1000); /* a boot banner */
	push(f, NULL, "\r\n+CPIN: READY\r\n", 200);
	push(f, "AT\r", "\r\nOK\r\n", 0);
	assert_true(hal_loop_sim_advance(&f->loop, 999) >= 0);
	assert_int_equal(f->rx_len, 0);
	assert_true(hal_loop_sim_advance(&f->loop, 1) > 0);
	assert_string_equal(f->rx, "\r\nRDY\r\n");
	assert_true(hal_loop_sim_advance(&f->loop, 200) > 0);
	assert_string_equal(f->rx, "\r\nRDY\r\n\r\n+CPIN: READY\r\n");
	assert_int_equal(f->rx_at, 1200);
	assert_false(hal_serial_script_done(f->script));
	send_bytewise(f, "AT\r");
	assert_true(hal_serial_script_done(f->script));
}

static void broken_connection_stops_the_script(void **state)
{
	struct fx *f = *state;
	push(f, "AT\r", "\r\nOK\r\n", 0);
	assert_int_equal(hal_serial_sim_gone(&f->host), 0);
	/* Both sides notice within one run and stop watching: no livelock. */
	assert_true(hal_loop_sim_run_until_idle(&f->loop) > 0);
	assert_int_equal(hal_serial_script_error(f->script), -EIO);
	assert_int_equal(f->rx_err, -ENODEV);
	assert_int_equal(hal_serial_script_inject(f->script, "x"), -EIO);
	assert_false(hal_serial_script_done(f->script));
	struct hal_serial_script_step bad = {.expect = "AT\r", .delay_ms = -1};
	assert_int_equal(hal_serial_script_push(f->script, &bad), -EINVAL);
}

static void script_needs_an_open_end(void **state)
{
	struct fx *f = *state;
	struct hal_serial a, b;
	assert_int_equal(hal_serial_sim_pair_new(&a, &b), 0);
	hal_serial_close(&b);
	struct hal_serial_script *s = NULL;
	assert_int_equal(hal_serial_script_new(&s, &f->loop, &b), -EBADF);
	assert_null(s);
	hal_serial_destroy(&a);
	hal_serial_destroy(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(expect_reply_with_bytewise_host, setup, teardown),
	    cmocka_unit_test_setup_teardown(inject_mid_exchange, setup, teardown),
	    cmocka_unit_test_setup_teardown(dropped_reply_then_retry, setup, teardown),
	    cmocka_unit_test_setup_teardown(unexpected_bytes_are_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(resynchronises_inside_one_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(steps_without_expect_follow_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(broken_connection_stops_the_script, setup, teardown),
	    cmocka_unit_test_setup_teardown(script_needs_an_open_end, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
