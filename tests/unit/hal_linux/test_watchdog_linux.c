/* hal_watchdog Linux backend and hal_sd_notify: the notify datagram reaches
 * a test socket (path and abstract), a regular file stands in for the
 * device (keep-alive write, magic close 'V'), a missing device is -ENOENT. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/watchdog.h"

#define WAIT_MS 5000

struct fixture {
	char dir[64];
	char sock_path[PATH_MAX];
	char dev_path[PATH_MAX];
	int sock;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/hal_wd_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->sock_path, sizeof(f->sock_path), "%s/notify", f->dir);
	snprintf(f->dev_path, sizeof(f->dev_path), "%s/watchdog", f->dir);
	f->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(f->sock >= 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	assert_true(strlen(f->sock_path) < sizeof(addr.sun_path));
	strcpy(addr.sun_path, f->sock_path);
	assert_int_equal(bind(f->sock, (struct sockaddr *)&addr, sizeof(addr)), 0);
	unsetenv("NOTIFY_SOCKET");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	unsetenv("NOTIFY_SOCKET");
	close(f->sock);
	unlink(f->sock_path);
	unlink(f->dev_path);
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Receive one datagram (bounded wait); returns its length. */
static size_t recv_one(int sock, char *buf, size_t len)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	assert_int_equal(poll(&p, 1, WAIT_MS), 1);
	ssize_t n = recv(sock, buf, len - 1, MSG_DONTWAIT);
	assert_true(n >= 0);
	buf[n] = '\0';
	return (size_t)n;
}

static void assert_nothing_queued(int sock)
{
	char buf[8];
	assert_int_equal(recv(sock, buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
}

static void test_kick_notifies_systemd(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(setenv("NOTIFY_SOCKET", f->sock_path, 1), 0);
	struct hal_watchdog wd;
	assert_int_equal(hal_watchdog_linux_new(&wd, NULL), 0);
	assert_int_equal(hal_watchdog_open(&wd, 10), 0);
	assert_nothing_queued(f->sock);
	assert_int_equal(hal_watchdog_kick(&wd), 0);
	char buf[64];
	size_t n = recv_one(f->sock, buf, sizeof(buf));
	assert_int_equal(n, strlen("WATCHDOG=1"));
	assert_string_equal(buf, "WATCHDOG=1");
	assert_nothing_queued(f->sock);
	assert_int_equal(hal_watchdog_close(&wd), 0);
	hal_watchdog_destroy(&wd);
}

static void test_sd_notify_abstract_and_unset(void **state)
{
	struct fixture *f = *state;
	char name[64];
	snprintf(name, sizeof(name), "smsrelay-test-%ld", (long)getpid());
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(s >= 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	memcpy(addr.sun_path + 1, name, strlen(name));
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	assert_int_equal(bind(s, (struct sockaddr *)&addr, alen), 0);
	char env[80];
	snprintf(env, sizeof(env), "@%s", name);
	assert_int_equal(setenv("NOTIFY_SOCKET", env, 1), 0);
	assert_int_equal(hal_sd_notify("READY=1"), 0);
	char buf[64];
	recv_one(s, buf, sizeof(buf));
	assert_string_equal(buf, "READY=1");
	close(s);

	/* Nobody listens any more: the error is reported. */
	assert_int_equal(hal_sd_notify("READY=1"), -ECONNREFUSED);
	assert_int_equal(setenv("NOTIFY_SOCKET", "relative/path", 1), 0);
	assert_int_equal(hal_sd_notify("READY=1"), -EAFNOSUPPORT);
	assert_int_equal(hal_sd_notify(NULL), -EINVAL);
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(hal_sd_notify("READY=1"), 0);
	assert_nothing_queued(f->sock);
}

static void read_device(const char *path, char *buf, size_t len, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	*n = fread(buf, 1, len, fp);
	fclose(fp);
}

static void test_file_device_kick_and_magic_close(void **state)
{
	struct fixture *f = *state;
	int fd = open(f->dev_path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	struct hal_watchdog wd;
	assert_int_equal(hal_watchdog_linux_new(&wd, f->dev_path), 0);
	assert_int_equal(hal_watchdog_open(&wd, 0), 0);
	assert_int_equal(hal_watchdog_open(&wd, 0), -EALREADY);
	assert_int_equal(hal_watchdog_kick(&wd), 0);
	char buf[16];
	size_t n;
	read_device(f->dev_path, buf, sizeof(buf), &n);
	assert_int_equal(n, 1);
	assert_true(buf[0] != 'V'); /* a keep-alive must never be the magic byte */
	assert_int_equal(hal_watchdog_close(&wd), 0);
	read_device(f->dev_path, buf, sizeof(buf), &n);
	assert_int_equal(n, 2);
	assert_int_equal(buf[1], 'V');
	assert_int_equal(hal_watchdog_close(&wd), 0); /* idempotent */
	read_device(f->dev_path, buf, sizeof(buf), &n);
	assert_int_equal(n, 2);
	/* Kicks with a disarmed device and no systemd: nothing to do. */
	assert_int_equal(hal_watchdog_kick(&wd), 0);
	hal_watchdog_destroy(&wd);
}

static void test_file_device_rejects_timeout(void **state)
{
	struct fixture *f = *state;
	int fd = open(f->dev_path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	struct hal_watchdog wd;
	assert_int_equal(hal_watchdog_linux_new(&wd, f->dev_path), 0);
	/* Not a watchdog: WDIOC_SETTIMEOUT fails and the error comes back. */
	assert_int_equal(hal_watchdog_open(&wd, 30), -ENOTTY);
	char buf[16];
	size_t n;
	read_device(f->dev_path, buf, sizeof(buf), &n);
	assert_int_equal(n, 1);
	assert_int_equal(buf[0], 'V'); /* disarmed on the way out */
	/* And it can be opened again. */
	assert_int_equal(truncate(f->dev_path, 0), 0);
	assert_int_equal(hal_watchdog_open(&wd, 0), 0);
	hal_watchdog_destroy(&wd); /* closes with 'V' too */
	read_device(f->dev_path, buf, sizeof(buf), &n);
	assert_int_equal(n, 1);
	assert_int_equal(buf[0], 'V');
}

static void test_missing_device(void **state)
{
	struct fixture *f = *state;
	struct hal_watchdog wd;
	assert_int_equal(hal_watchdog_linux_new(&wd, f->dev_path), 0);
	assert_int_equal(hal_watchdog_open(&wd, 0), -ENOENT);
	assert_int_equal(hal_watchdog_open(&wd, 15), -ENOENT);
	assert_int_equal(hal_watchdog_close(&wd), 0);
	hal_watchdog_destroy(&wd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_kick_notifies_systemd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sd_notify_abstract_and_unset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_device_kick_and_magic_close, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_file_device_rejects_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_device, setup, teardown),
	};
	return cmocka_run_group_tests_name("hal_linux_watchdog", tests, NULL, NULL);
}
