/* hal_serial termios backend over a real pty pair: the test holds the master
 * (the "modem"), the backend opens the slave path. Also port resolution and
 * listing (libserialport). Waits are bounded; nothing sleeps. */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/loop.h"
#include "hal/serial.h"

#define WAIT_MS 5000

struct fixture {
	int master;
	char slave[128];
	struct hal_serial serial;
	struct hal_loop loop;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	f->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	assert_true(f->master >= 0);
	assert_int_equal(grantpt(f->master), 0);
	assert_int_equal(unlockpt(f->master), 0);
	assert_int_equal(ptsname_r(f->master, f->slave, sizeof(f->slave)), 0);
	assert_int_equal(hal_serial_linux_new(&f->serial), 0);
	assert_int_equal(hal_loop_linux_new(&f->loop), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	hal_serial_destroy(&f->serial);
	hal_loop_destroy(&f->loop);
	if (f->master >= 0)
		close(f->master);
	free(f);
	return 0;
}

static void open_default(struct fixture *f)
{
	struct hal_serial_config cfg = HAL_SERIAL_CONFIG_DEFAULT;
	assert_int_equal(hal_serial_open(&f->serial, f->slave, &cfg), 0);
	assert_true(hal_serial_fd(&f->serial) >= 0);
}

/* Read exactly len bytes from the master, each wait bounded. */
static void master_read(int master, char *buf, size_t len)
{
	size_t got = 0;
	while (got < len) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		assert_int_equal(poll(&p, 1, WAIT_MS), 1);
		ssize_t n = read(master, buf + got, len - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
}

struct reader {
	struct hal_serial *serial;
	char buf[64];
	size_t len;
	int calls;
	unsigned events;
	ssize_t last_rc;
};

static void reader_cb(void *arg, int fd, unsigned events)
{
	struct reader *r = arg;
	(void)fd;
	r->calls++;
	r->events |= events;
	for (;;) {
		ssize_t n = hal_serial_read(r->serial, r->buf + r->len, sizeof(r->buf) - r->len);
		r->last_rc = n;
		if (n <= 0)
			break;
		r->len += (size_t)n;
	}
}

static void test_config_validation(void **state)
{
	struct fixture *f = *state;
	struct hal_serial_config cfg = HAL_SERIAL_CONFIG_DEFAULT;
	cfg.baud = 12345;
	assert_int_equal(hal_serial_open(&f->serial, f->slave, &cfg), -EINVAL);
	cfg = HAL_SERIAL_CONFIG_DEFAULT;
	cfg.data_bits = 9;
	assert_int_equal(hal_serial_open(&f->serial, f->slave, &cfg), -EINVAL);
	cfg = HAL_SERIAL_CONFIG_DEFAULT;
	cfg.stop_bits = 3;
	assert_int_equal(hal_serial_open(&f->serial, f->slave, &cfg), -EINVAL);
	cfg = HAL_SERIAL_CONFIG_DEFAULT;
	cfg.parity = (enum hal_parity)7;
	assert_int_equal(hal_serial_open(&f->serial, f->slave, &cfg), -EINVAL);
	assert_int_equal(hal_serial_fd(&f->serial), -1);
	/* Other valid shapes: 0 keeps the pty's speed; 7E2 with flow control. */
	cfg = (struct hal_serial_config){ .baud = 0, .data_bits = 7, .stop_bits = 2,
					  .parity = HAL_PARITY_EVEN, .rtscts = true };
	assert_int_equal(hal_serial_open(&f->serial, f->slave, &cfg), 0);
	assert_int_equal(hal_serial_open(&f->serial, f->slave, &cfg), -EALREADY);
	hal_serial_close(&f->serial);
	cfg = HAL_SERIAL_CONFIG_DEFAULT;
	assert_int_equal(hal_serial_open(&f->serial, "/nonexistent/tty", &cfg), -ENOENT);
	/* Not a tty. */
	assert_int_equal(hal_serial_open(&f->serial, "/dev/null", &cfg), -ENOTTY);
	assert_int_equal(hal_serial_fd(&f->serial), -1);
}

static void test_read_via_loop_and_write(void **state)
{
	struct fixture *f = *state;
	open_default(f);
	char buf[16];
	assert_int_equal(hal_serial_read(&f->serial, buf, sizeof(buf)), -EAGAIN);
	assert_int_equal(hal_serial_read(&f->serial, buf, 0), 0);

	struct reader r = { .serial = &f->serial };
	int fd = hal_serial_fd(&f->serial);
	assert_int_equal(hal_loop_watch_fd(&f->loop, fd, HAL_IO_READ, reader_cb, &r), 0);
	static const char urc[] = "\r\n+CMTI: \"SM\",3\r\n";
	assert_int_equal(write(f->master, urc, strlen(urc)), (ssize_t)strlen(urc));
	int64_t deadline = hal_loop_now_ms(&f->loop) + WAIT_MS;
	while (r.len < strlen(urc)) {
		assert_true(hal_loop_now_ms(&f->loop) < deadline);
		assert_true(hal_loop_run_once(&f->loop, WAIT_MS) >= 0);
	}
	assert_int_equal(r.len, strlen(urc));
	/* Raw mode: bytes arrive unchanged (no CR/NL translation). */
	assert_memory_equal(r.buf, urc, strlen(urc));
	assert_int_equal(r.last_rc, -EAGAIN);
	assert_false(r.events & HAL_IO_ERR);

	static const char cmd[] = "AT+CMGF=0\r";
	assert_int_equal(hal_serial_write(&f->serial, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	assert_int_equal(hal_serial_write(&f->serial, cmd, 0), 0);
	char got[sizeof(cmd)] = { 0 };
	master_read(f->master, got, strlen(cmd));
	assert_memory_equal(got, cmd, strlen(cmd));

	assert_int_equal(hal_serial_flush(&f->serial), 0);
	assert_int_equal(hal_loop_unwatch_fd(&f->loop, fd), 0);
}

static void test_exclusive(void **state)
{
	struct fixture *f = *state;
	open_default(f);
	struct hal_serial other;
	assert_int_equal(hal_serial_linux_new(&other), 0);
	struct hal_serial_config cfg = HAL_SERIAL_CONFIG_DEFAULT;
	assert_int_equal(hal_serial_open(&other, f->slave, &cfg), -EBUSY);
	assert_int_equal(hal_serial_fd(&other), -1);
	/* Released on close: now the other one gets it. */
	hal_serial_close(&f->serial);
	assert_int_equal(hal_serial_open(&other, f->slave, &cfg), 0);
	assert_int_equal(hal_serial_open(&f->serial, f->slave, &cfg), -EBUSY);
	hal_serial_destroy(&other);
}

/* A daemon killed with -9 leaves TIOCEXCL set on the tty while anyone else
 * holds it open (modemsim, a getty); its flock died with it. The next
 * daemon must get the port, not -EBUSY forever. */
static void test_stale_exclusive_flag(void **state)
{
	struct fixture *f = *state;
	int dead = open(f->slave, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	assert_true(dead >= 0);
	assert_int_equal(ioctl(dead, TIOCEXCL), 0);
	int excl = 0;
	assert_int_equal(ioctl(dead, TIOCGEXCL, &excl), 0);
	assert_int_not_equal(excl, 0);
	open_default(f);
	assert_true(hal_serial_fd(&f->serial) >= 0);
	/* ... and it holds the port against the next one. */
	struct hal_serial other;
	struct hal_serial_config cfg = HAL_SERIAL_CONFIG_DEFAULT;
	assert_int_equal(hal_serial_linux_new(&other), 0);
	assert_int_equal(hal_serial_open(&other, f->slave, &cfg), -EBUSY);
	hal_serial_destroy(&other);
	close(dead);
}

static void test_lines_not_supported_on_pty(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(hal_serial_set_lines(&f->serial, 1, 1), -EBADF);
	open_default(f);
	assert_int_equal(hal_serial_set_lines(&f->serial, 1, -1), -ENOTSUP);
	assert_int_equal(hal_serial_set_lines(&f->serial, -1, 0), -ENOTSUP);
	assert_int_equal(hal_serial_set_lines(&f->serial, -1, -1), 0);
	assert_int_equal(hal_serial_set_lines(&f->serial, 2, 0), -EINVAL);
}

static void hangup_cb(void *arg, int fd, unsigned events)
{
	struct reader *r = arg;
	(void)fd;
	r->calls++;
	r->events |= events;
	char buf[16];
	r->last_rc = hal_serial_read(r->serial, buf, sizeof(buf));
	/* What an owner does on a dead port: stop watching, close. */
	if (r->last_rc != -EAGAIN) {
		hal_serial_close(r->serial);
		/* fd is closed now; epoll forgot it, and unwatch still works. */
	}
}

static void test_peer_close_surfaces_in_one_turn(void **state)
{
	struct fixture *f = *state;
	open_default(f);
	struct reader r = { .serial = &f->serial };
	int fd = hal_serial_fd(&f->serial);
	assert_int_equal(hal_loop_watch_fd(&f->loop, fd, HAL_IO_READ, hangup_cb, &r), 0);
	assert_int_equal(hal_loop_run_once(&f->loop, 0), 0);

	close(f->master);
	f->master = -1;
	/* One bounded turn: the error is there, not an endless stream of
	 * zero-byte reads. */
	assert_int_equal(hal_loop_run_once(&f->loop, WAIT_MS), 1);
	assert_int_equal(r.calls, 1);
	assert_true((r.events & HAL_IO_ERR) || r.last_rc == -EIO);
	assert_true(r.last_rc == -EIO || r.last_rc == -ENODEV);
	assert_int_equal(hal_serial_fd(&f->serial), -1);
	assert_int_equal(hal_loop_unwatch_fd(&f->loop, fd), 0);
	/* No spin: nothing more runs. */
	assert_int_equal(hal_loop_run_once(&f->loop, 0), 0);
	assert_int_equal(r.calls, 1);
	hal_serial_close(&f->serial); /* idempotent */
	char buf[4];
	assert_int_equal(hal_serial_read(&f->serial, buf, sizeof(buf)), -EBADF);
	assert_int_equal(hal_serial_write(&f->serial, buf, sizeof(buf)), -EBADF);
}

static void test_hung_up_read_and_write_report_errors(void **state)
{
	struct fixture *f = *state;
	open_default(f);
	close(f->master);
	f->master = -1;
	char buf[8];
	/* Twice: a hung-up tty keeps answering with an error, never 0. */
	for (int i = 0; i < 2; i++) {
		ssize_t n = hal_serial_read(&f->serial, buf, sizeof(buf));
		assert_true(n == -EIO || n == -ENODEV);
	}
	ssize_t n = hal_serial_write(&f->serial, "AT\r", 3);
	assert_true(n == -EIO || n == -ENODEV);
}

static void test_reopen_after_close(void **state)
{
	struct fixture *f = *state;
	for (int i = 0; i < 3; i++) {
		open_default(f);
		assert_int_equal(hal_serial_write(&f->serial, "A", 1), 1);
		char c = 0;
		master_read(f->master, &c, 1);
		assert_int_equal(c, 'A');
		hal_serial_close(&f->serial);
		assert_int_equal(hal_serial_fd(&f->serial), -1);
		hal_serial_close(&f->serial);
	}
}

/* ---- resolve and list ---- */

static void test_resolve_symlink(void **state)
{
	(void)state;
	char dir[] = "/tmp/hal_serial_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char file[PATH_MAX], link[PATH_MAX];
	snprintf(file, sizeof(file), "%s/ttyFAKE0", dir);
	snprintf(link, sizeof(link), "%s/usb-Quectel_EC25-if02-port0", dir);
	int fd = open(file, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(symlink("ttyFAKE0", link), 0);

	char *expect = realpath(dir, NULL);
	assert_non_null(expect);
	char want[PATH_MAX];
	snprintf(want, sizeof(want), "%s/ttyFAKE0", expect);
	free(expect);

	char out[PATH_MAX];
	assert_int_equal(hal_serial_resolve(link, out, sizeof(out)), 0);
	assert_string_equal(out, want);
	assert_int_equal(hal_serial_resolve(link, out, 4), -ENAMETOOLONG);
	/* A dangling link is "nothing matches". */
	assert_int_equal(unlink(file), 0);
	assert_int_equal(hal_serial_resolve(link, out, sizeof(out)), -ENOENT);
	assert_int_equal(unlink(link), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void test_resolve_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",           "usb:zz:1",          "usb:",        "usb:1d6b",
		"usb:1d6b:",  "usb:12345:0002",    "usb:1d6b:0002:", "usb:1d6b:0002#",
		"usb:1d6b:0002#x", "usb:1d6b:0002#1x", "usb:1d6b:00g2", "usb::0002",
	};
	char out[64];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = hal_serial_resolve(bad[i], out, sizeof(out));
		if (rc != -EINVAL)
			fail_msg("spec \"%s\": %d", bad[i], rc);
	}
	assert_int_equal(hal_serial_resolve(NULL, out, sizeof(out)), -EINVAL);
	assert_int_equal(hal_serial_resolve("usb:1d6b:0002", NULL, 0), -EINVAL);
}

static void test_resolve_no_match(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(hal_serial_resolve("usb:1d6b:0002:nonexistent", out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(hal_serial_resolve("usb:1d6b:0002:nonexistent#2", out, sizeof(out)),
			 -ENOENT);
	assert_int_equal(hal_serial_resolve("/dev/nonexistent-tty", out, sizeof(out)), -ENOENT);
}

static void test_list_ports(void **state)
{
	(void)state;
	struct hal_serial_port_info ports[64];
	int n = hal_serial_list_ports(ports, 64);
	assert_true(n >= 0 && n <= 64);
	for (int i = 0; i < n; i++) {
		assert_true(memchr(ports[i].path, '\0', sizeof(ports[i].path)) != NULL);
		assert_true(ports[i].path[0] != '\0');
	}
	assert_int_equal(hal_serial_list_ports(NULL, 0), 0);
	assert_int_equal(hal_serial_list_ports(NULL, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_via_loop_and_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exclusive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_exclusive_flag, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lines_not_supported_on_pty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peer_close_surfaces_in_one_turn, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hung_up_read_and_write_report_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reopen_after_close, setup, teardown),
		cmocka_unit_test(test_resolve_symlink),
		cmocka_unit_test(test_resolve_malformed),
		cmocka_unit_test(test_resolve_no_match),
		cmocka_unit_test(test_list_ports),
	};
	return cmocka_run_group_tests_name("hal_linux_serial", tests, NULL, NULL);
}
