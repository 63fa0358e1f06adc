/* hal_serial on a pty master, slave in raw mode, with a slave fd held open
 * so a client closing the device is not a hang-up for us. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "hal/serial.h"
#include "simmodem/pty.h"

struct sm_pty {
	int master;
	int slave;
	char path[64];
};

static void sm_pty_close(void *ctx)
{
	struct sm_pty *p = ctx;
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	p->master = p->slave = -1;
	p->path[0] = '\0';
}

static int sm_pty_create(struct sm_pty *p)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (m < 0)
		return -errno;
	int rc = 0;
	if (grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, p->path, sizeof(p->path)) != 0)
		rc = -errno;
	int s = rc ? -1 : open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (!rc && s < 0)
		rc = -errno;
	struct termios t;
	/* Raw before the modem says anything: no echo of our output back to
	 * us, no CR/LF translation, no line editing. */
	if (!rc && tcgetattr(s, &t) < 0)
		rc = -errno;
	if (!rc) {
		cfmakeraw(&t);
		cfsetispeed(&t, B115200);
		cfsetospeed(&t, B115200);
		if (tcsetattr(s, TCSANOW, &t) < 0)
			rc = -errno;
	}
	if (rc) {
		if (s >= 0)
			close(s);
		close(m);
		p->path[0] = '\0';
		return rc;
	}
	p->master = m;
	p->slave = s;
	return 0;
}

static int sm_pty_open(void *ctx, const char *path, const struct hal_serial_config *cfg)
{
	struct sm_pty *p = ctx;
	(void)path;
	(void)cfg;
	return p->master >= 0 ? 0 : sm_pty_create(p);
}

static ssize_t sm_pty_read(void *ctx, void *buf, size_t len)
{
	struct sm_pty *p = ctx;
	if (p->master < 0)
		return -ENODEV;
	if (!len)
		return 0;
	ssize_t n = read(p->master, buf, len);
	if (n > 0)
		return n;
	if (n == 0)
		return -EIO;
	return errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

static ssize_t sm_pty_write(void *ctx, const void *buf, size_t len)
{
	struct sm_pty *p = ctx;
	if (p->master < 0)
		return -ENODEV;
	if (!len)
		return 0;
	ssize_t n = write(p->master, buf, len);
	if (n >= 0)
		return n;
	return errno == EWOULDBLOCK ? -EAGAIN : -errno;
}

static int sm_pty_fd(void *ctx)
{
	return ((struct sm_pty *)ctx)->master;
}

static int sm_pty_set_lines(void *ctx, int dtr, int rts)
{
	(void)ctx;
	(void)dtr;
	(void)rts;
	return -ENOTSUP;
}

static int sm_pty_flush(void *ctx)
{
	struct sm_pty *p = ctx;
	if (p->master < 0)
		return -ENODEV;
	return tcflush(p->master, TCIOFLUSH) < 0 ? -errno : 0;
}

static void sm_pty_destroy(void *ctx)
{
	sm_pty_close(ctx);
	free(ctx);
}

static const struct hal_serial_ops sm_pty_ops = {
	.open = sm_pty_open,
	.read = sm_pty_read,
	.write = sm_pty_write,
	.fd = sm_pty_fd,
	.set_lines = sm_pty_set_lines,
	.flush = sm_pty_flush,
	.close = sm_pty_close,
	.destroy = sm_pty_destroy,
};

int simmodem_pty_new(struct hal_serial *out)
{
	struct sm_pty *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->master = p->slave = -1;
	int rc = sm_pty_create(p);
	if (rc < 0) {
		free(p);
		return rc;
	}
	out->ops = &sm_pty_ops;
	out->ctx = p;
	return 0;
}

const char *simmodem_pty_path(const struct hal_serial *s)
{
	return ((const struct sm_pty *)s->ctx)->path;
}

int simmodem_pty_renew(struct hal_serial *s)
{
	sm_pty_close(s->ctx);
	return sm_pty_create(s->ctx);
}

int simmodem_pty_link(const struct hal_serial *s, const char *link)
{
	const struct sm_pty *p = s->ctx;
	char tmp[4096];
	if (!p->path[0])
		return -ENODEV;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp%ld", link, (long)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	if (symlink(p->path, tmp) < 0)
		return -errno;
	if (rename(tmp, link) < 0) {
		int e = -errno;
		unlink(tmp);
		return e;
	}
	return 0;
}
