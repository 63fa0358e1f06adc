/* Sim serial pair: data both ways through the sim loop, read caps, partial
 * and failing writes, device gone and back, close/open, lines and flush. */
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
};

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(hal_vclock_new(&f->clock, 0), 0);
	assert_int_equal(hal_loop_sim_new(&f->loop, &f->clock), 0);
	assert_int_equal(hal_serial_sim_pair_new(&f->host, &f->dev), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	hal_serial_destroy(&f->host);
	hal_serial_destroy(&f->dev);
	hal_loop_destroy(&f->loop);
	hal_vclock_destroy(&f->clock);
	test_free(f);
	return 0;
}

/* A reader on the loop: reads until -EAGAIN, keeps every byte and the
 * size of each read; on an error or HAL_IO_ERR it unwatches (as a driver
 * must) and records what it saw. */
struct reader {
	struct hal_loop *loop;
	struct hal_serial *s;
	char buf[8192];
	size_t len;
	unsigned reads;
	size_t min_read, max_read;
	unsigned err_events;
	ssize_t last_err;
	/* echo: answer "OK\r\n" to every '\r' */
	bool echo_ok;
};

static void reader_cb(void *arg, int fd, unsigned events)
{
	struct reader *r = arg;
	(void)fd;
	for (;;) {
		char tmp[64];
		ssize_t n = hal_serial_read(r->s, tmp, sizeof(tmp));
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			r->last_err = n;
			break;
		}
		assert_true(n > 0);
		assert_true(r->len + (size_t)n <= sizeof(r->buf));
		memcpy(r->buf + r->len, tmp, (size_t)n);
		r->len += (size_t)n;
		r->reads++;
		if (r->min_read == 0 || (size_t)n < r->min_read)
			r->min_read = (size_t)n;
		if ((size_t)n > r->max_read)
			r->max_read = (size_t)n;
		if (r->echo_ok && memchr(tmp, '\r', (size_t)n))
			assert_int_equal(hal_serial_write(r->s, "OK\r\n", 4), 4);
	}
	if (events & HAL_IO_ERR || r->last_err) {
		r->err_events++;
		hal_loop_unwatch_fd(r->loop, hal_serial_fd(r->s));
	}
}

static void watch(struct fx *f, struct reader *r, struct hal_serial *s)
{
	r->loop = &f->loop;
	r->s = s;
	assert_true(hal_serial_fd(s) >= 0);
	assert_int_equal(hal_loop_watch_fd(&f->loop, hal_serial_fd(s), HAL_IO_READ, reader_cb, r),
			 0);
}

static void data_both_ways_through_the_loop(void **state)
{
	struct fx *f = *state;
	struct reader host = {0}, dev = {.echo_ok = true};
	watch(f, &host, &f->host);
	watch(f, &dev, &f->dev);
	assert_int_equal(hal_serial_open(&f->host, "/dev/whatever", NULL), 0);
	assert_int_equal(hal_serial_write(&f->host, "AT\r", 3), 3);
	assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 2);
	assert_int_equal(dev.len, 3);
	assert_memory_equal(dev.buf, "AT\r", 3);
	assert_int_equal(host.len, 4);
	assert_memory_equal(host.buf, "OK\r\n", 4);
	assert_int_equal(hal_serial_read(&f->host, host.buf, 0), 0);
	assert_int_equal(hal_serial_read(&f->host, host.buf, 1), -EAGAIN);
	hal_loop_unwatch_fd(&f->loop, hal_serial_fd(&f->host));
	hal_loop_unwatch_fd(&f->loop, hal_serial_fd(&f->dev));
}

static void read_caps_deliver_every_byte_in_order(void **state)
{
	struct fx *f = *state;
	struct hal_serial_sim_faults faults = {.read_cap_min = 1, .read_cap_max = 8, .seed = 42};
	assert_int_equal(hal_serial_sim_set_faults(&f->host, &faults), 0);
	struct reader host = {0};
	watch(f, &host, &f->host);
	char pattern[4000];
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)(i * 7 + i / 256);
	size_t off = 0;
	/* Write in the background of the loop, as a modem would. */
	while (off < sizeof(pattern)) {
		ssize_t n = hal_serial_write(&f->dev, pattern + off, sizeof(pattern) - off);
		if (n > 0)
			off += (size_t)n;
		assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 0);
	}
	assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 0);
	assert_int_equal(host.len, sizeof(pattern));
	assert_memory_equal(host.buf, pattern, sizeof(pattern));
	assert_int_equal(host.min_read, 1);
	assert_int_equal(host.max_read, 8);
	assert_true(host.reads >= sizeof(pattern) / 8);
	hal_loop_unwatch_fd(&f->loop, hal_serial_fd(&f->host));
}

static void read_caps_are_deterministic(void **state)
{
	struct fx *f = *state;
	struct hal_serial_sim_faults faults = {.read_cap_min = 2, .read_cap_max = 5, .seed = 7};
	ssize_t first[20], second[20];
	char buf[64];
	for (int round = 0; round < 2; round++) {
		assert_int_equal(hal_serial_sim_set_faults(&f->host, &faults), 0);
		char data[200];
		memset(data, 'x', sizeof(data));
		assert_int_equal(hal_serial_write(&f->dev, data, sizeof(data)), sizeof(data));
		ssize_t *out = round ? second : first;
		for (int i = 0; i < 20; i++) {
			out[i] = hal_serial_read(&f->host, buf, sizeof(buf));
			assert_true(out[i] >= 2 && out[i] <= 5);
		}
		assert_int_equal(hal_serial_flush(&f->host), 0);
	}
	assert_memory_equal(first, second, sizeof(first));
}

static void partial_writes(void **state)
{
	struct fx *f = *state;
	struct hal_serial_sim_faults faults = {.write_cap = 3};
	assert_int_equal(hal_serial_sim_set_faults(&f->host, &faults), 0);
	const char *msg = "AT+CMGS=23\r";
	size_t off = 0;
	unsigned writes = 0;
	while (off < strlen(msg)) {
		ssize_t n = hal_serial_write(&f->host, msg + off, strlen(msg) - off);
		assert_true(n > 0 && n <= 3);
		off += (size_t)n;
		writes++;
	}
	assert_int_equal(writes, 4);
	char buf[32];
	assert_int_equal(hal_serial_read(&f->dev, buf, sizeof(buf)), strlen(msg));
	assert_memory_equal(buf, msg, strlen(msg));
}

static void fail_nth_write(void **state)
{
	struct fx *f = *state;
	struct hal_serial_sim_faults faults = {.fail_write_nth = 2, .fail_write_errno = EIO};
	assert_int_equal(hal_serial_sim_set_faults(&f->host, &faults), 0);
	assert_int_equal(hal_serial_write(&f->host, "A", 1), 1);
	assert_int_equal(hal_serial_write(&f->host, "B", 1), -EIO);
	assert_int_equal(hal_serial_write(&f->host, "C", 1), 1);
	assert_int_equal(hal_serial_write(&f->host, "D", 1), 1); /* once only */
	char buf[8];
	assert_int_equal(hal_serial_read(&f->dev, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "ACD", 3);

	/* Bad fault sets are refused and change nothing. */
	struct hal_serial_sim_faults bad[] = {
	    {.read_cap_min = 5, .read_cap_max = 2},
	    {.read_cap_min = 0, .read_cap_max = 8},
	    {.fail_write_nth = 1, .fail_write_errno = 0},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hal_serial_sim_set_faults(&f->host, &bad[i]), -EINVAL);
	assert_int_equal(hal_serial_write(&f->host, "E", 1), 1);
}

static void gone_then_back(void **state)
{
	struct fx *f = *state;
	struct reader host = {0}, dev = {0};
	watch(f, &host, &f->host);
	watch(f, &dev, &f->dev);
	int old_fd = hal_serial_fd(&f->host);

	assert_int_equal(hal_serial_sim_gone(&f->host), 0);
	assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 1);
	/* Within one run_until_idle both ends saw the error and unwatched. */
	assert_int_equal(host.err_events, 1);
	assert_int_equal(dev.err_events, 1);
	assert_int_equal(host.last_err, -ENODEV);
	assert_int_equal(dev.last_err, -EIO);
	char buf[8];
	assert_int_equal(hal_serial_read(&f->host, buf, sizeof(buf)), -ENODEV);
	assert_int_equal(hal_serial_write(&f->host, "AT\r", 3), -ENODEV);
	assert_int_equal(hal_serial_write(&f->dev, "OK", 2), -EIO);
	hal_serial_close(&f->host);
	assert_int_equal(hal_serial_fd(&f->host), -1);
	assert_int_equal(hal_serial_open(&f->host, "/dev/ttyUSB2", NULL), -ENOENT);

	assert_int_equal(hal_serial_sim_back(&f->host), 0);
	assert_int_equal(hal_serial_open(&f->host, "/dev/ttyUSB2", NULL), 0);
	assert_int_equal(hal_serial_open(&f->dev, NULL, NULL), 0);
	assert_true(hal_serial_fd(&f->host) >= 0);
	(void)old_fd;
	host = (struct reader){0};
	dev = (struct reader){.echo_ok = true};
	watch(f, &host, &f->host);
	watch(f, &dev, &f->dev);
	assert_int_equal(hal_serial_write(&f->host, "AT\r", 3), 3);
	assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 2);
	assert_int_equal(dev.len, 3);
	assert_int_equal(host.len, 4);
	assert_memory_equal(host.buf, "OK\r\n", 4);
	assert_int_equal(host.err_events + dev.err_events, 0);
	hal_loop_unwatch_fd(&f->loop, hal_serial_fd(&f->host));
	hal_loop_unwatch_fd(&f->loop, hal_serial_fd(&f->dev));
}

static void peer_destroyed_reads_eio(void **state)
{
	struct fx *f = *state;
	hal_serial_destroy(&f->dev);
	f->dev = (struct hal_serial){0}; /* teardown skips it */
	char buf[4];
	assert_int_equal(hal_serial_read(&f->host, buf, sizeof(buf)), -EIO);
	assert_int_equal(hal_serial_write(&f->host, "x", 1), -EIO);
}

static void close_open_lines_flush(void **state)
{
	struct fx *f = *state;
	char buf[16];
	hal_serial_close(&f->host);
	hal_serial_close(&f->host); /* idempotent */
	assert_int_equal(hal_serial_fd(&f->host), -1);
	assert_int_equal(hal_serial_read(&f->host, buf, sizeof(buf)), -EBADF);
	assert_int_equal(hal_serial_write(&f->host, "x", 1), -EBADF);
	/* Arrives while closed: dropped on reopen, like a tty. */
	assert_int_equal(hal_serial_write(&f->dev, "stale", 5), 5);
	struct hal_serial_config cfg = HAL_SERIAL_CONFIG_DEFAULT;
	cfg.data_bits = 9;
	assert_int_equal(hal_serial_open(&f->host, "x", &cfg), -EINVAL);
	cfg = HAL_SERIAL_CONFIG_DEFAULT;
	assert_int_equal(hal_serial_open(&f->host, "x", &cfg), 0);
	assert_int_equal(hal_serial_read(&f->host, buf, sizeof(buf)), -EAGAIN);
	/* The connection survived the reopen. */
	assert_int_equal(hal_serial_write(&f->dev, "fresh", 5), 5);
	assert_int_equal(hal_serial_read(&f->host, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "fresh", 5);

	int dtr, rts;
	assert_int_equal(hal_serial_sim_lines(&f->host, &dtr, &rts), 0);
	assert_int_equal(dtr, -1);
	assert_int_equal(hal_serial_set_lines(&f->host, 1, -1), 0);
	assert_int_equal(hal_serial_set_lines(&f->host, -1, 0), 0);
	assert_int_equal(hal_serial_set_lines(&f->host, 2, 0), -EINVAL);
	assert_int_equal(hal_serial_sim_lines(&f->host, &dtr, &rts), 0);
	assert_int_equal(dtr, 1);
	assert_int_equal(rts, 0);

	assert_int_equal(hal_serial_write(&f->dev, "junk", 4), 4);
	assert_int_equal(hal_serial_flush(&f->host), 0);
	assert_int_equal(hal_serial_read(&f->host, buf, sizeof(buf)), -EAGAIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(data_both_ways_through_the_loop, setup, teardown),
	    cmocka_unit_test_setup_teardown(read_caps_deliver_every_byte_in_order, setup, teardown),
	    cmocka_unit_test_setup_teardown(read_caps_are_deterministic, setup, teardown),
	    cmocka_unit_test_setup_teardown(partial_writes, setup, teardown),
	    cmocka_unit_test_setup_teardown(fail_nth_write, setup, teardown),
	    cmocka_unit_test_setup_teardown(gone_then_back, setup, teardown),
	    cmocka_unit_test_setup_teardown(peer_destroyed_reads_eio, setup, teardown),
	    cmocka_unit_test_setup_teardown(close_open_lines_flush, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
