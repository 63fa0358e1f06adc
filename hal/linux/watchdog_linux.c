/* hal_watchdog on Linux: a /dev/watchdog-style device (WDIOC_* ioctls, magic
 * close) plus systemd's watchdog through the notify protocol, written here in
 * a few lines instead of linking libsystemd. Either part may be absent: no
 * device (NULL) or no NOTIFY_SOCKET. */
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hal/log.h"
#include "hal/watchdog.h"

LOG_MODULE(log_watchdog, "watchdog");

struct watchdog_linux {
	char *device; /* NULL: systemd only */
	int fd;
};

int hal_sd_notify(const char *state)
{
	if (!state)
		return -EINVAL;
	const char *env = getenv("NOTIFY_SOCKET");
	if (!env || !*env)
		return 0;
	/* systemd hands out a path or an abstract name ('@' stands for the
	 * leading NUL). */
	if (env[0] != '/' && env[0] != '@')
		return -EAFNOSUPPORT;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	size_t len = strlen(env);
	if (len > sizeof(addr.sun_path) - (env[0] == '/'))
		return -ENAMETOOLONG;
	memcpy(addr.sun_path, env, len);
	if (env[0] == '@')
		addr.sun_path[0] = '\0';
	/* An abstract name's length is the address length: no trailing NUL. */
	socklen_t alen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len +
				     (env[0] == '/'));
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc = 0;
	size_t slen = strlen(state);
	ssize_t n = sendto(fd, state, slen, MSG_NOSIGNAL, (struct sockaddr *)&addr, alen);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != slen)
		rc = -EIO;
	close(fd);
	return rc;
}

/* Magic close: the driver disarms only after it has seen 'V' (when it was
 * built with nowayout off). */
static int watchdog_magic_close(struct watchdog_linux *w)
{
	int rc = 0;
	if (write(w->fd, "V", 1) != 1)
		rc = -errno;
	close(w->fd);
	w->fd = -1;
	return rc;
}

static int watchdog_open(void *ctx, unsigned timeout_s)
{
	struct watchdog_linux *w = ctx;
	if (!w->device)
		return 0;
	if (w->fd >= 0)
		return -EALREADY;
	w->fd = open(w->device, O_WRONLY | O_CLOEXEC);
	if (w->fd < 0) {
		int rc = -errno;
		LOG_ERR(&log_watchdog, w->device, "open: %s", strerror(-rc));
		return rc;
	}
	if (timeout_s > 0) {
		int t = (int)timeout_s;
		if (ioctl(w->fd, WDIOC_SETTIMEOUT, &t) < 0) {
			int rc = -errno;
			LOG_ERR(&log_watchdog, w->device, "set timeout %us: %s", timeout_s,
				strerror(-rc));
			/* The device is armed by the open: disarm before giving up. */
			watchdog_magic_close(w);
			return rc;
		}
		if ((unsigned)t != timeout_s)
			LOG_WRN(&log_watchdog, w->device, "timeout %us rounded to %ds",
				timeout_s, t);
	}
	LOG_INF(&log_watchdog, w->device, "armed");
	return 0;
}

static int watchdog_kick(void *ctx)
{
	struct watchdog_linux *w = ctx;
	int rc = 0;
	int dummy = 0; /* declared _IOR(int): give it a valid pointer */
	if (w->fd >= 0 && ioctl(w->fd, WDIOC_KEEPALIVE, &dummy) < 0) {
		/* Drivers without the ioctl (and test files) take any write as a
		 * keep-alive; anything but 'V'. */
		if (write(w->fd, "k", 1) != 1)
			rc = -errno;
	}
	int nrc = hal_sd_notify("WATCHDOG=1");
	return rc < 0 ? rc : nrc;
}

static int watchdog_close(void *ctx)
{
	struct watchdog_linux *w = ctx;
	if (w->fd < 0)
		return 0;
	int rc = watchdog_magic_close(w);
	LOG_INF(&log_watchdog, w->device, "disarmed");
	return rc;
}

static void watchdog_destroy(void *ctx)
{
	struct watchdog_linux *w = ctx;
	if (!w)
		return;
	watchdog_close(w);
	free(w->device);
	free(w);
}

static const struct hal_watchdog_ops watchdog_linux_ops = {
	.open = watchdog_open,
	.kick = watchdog_kick,
	.close = watchdog_close,
	.destroy = watchdog_destroy,
};

int hal_watchdog_linux_new(struct hal_watchdog *out, const char *device)
{
	if (!out)
		return -EINVAL;
	struct watchdog_linux *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = -1;
	if (device && *device) {
		w->device = strdup(device);
		if (!w->device) {
			free(w);
			return -ENOMEM;
		}
	}
	out->ops = &watchdog_linux_ops;
	out->ctx = w;
	return 0;
}
