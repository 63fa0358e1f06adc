/* hal_serial on Linux: termios byte I/O for real UARTs, USB-ACM ports and
 * pseudo-terminals. (libserialport is used only to find ports, see
 * serial_ports.c: its open refuses ptys and its blocking read spins on a
 * hung-up port.)
 *
 * A tty that hung up (USB unplug, pty master closed) answers read() with 0
 * bytes forever; we turn that into -EIO so the owner closes the port instead
 * of spinning. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "hal/log.h"
#include "hal/serial.h"

LOG_MODULE(log_serial, "serial");

struct serial_linux {
	int fd;
	char path[256]; /* for log lines only */
};

static const struct {
	unsigned baud;
	speed_t code;
} serial_speeds[] = {
	{ 9600, B9600 },       { 19200, B19200 },     { 38400, B38400 },
	{ 57600, B57600 },     { 115200, B115200 },   { 230400, B230400 },
	{ 460800, B460800 },   { 500000, B500000 },   { 576000, B576000 },
	{ 921600, B921600 },   { 1000000, B1000000 }, { 1152000, B1152000 },
	{ 1500000, B1500000 }, { 2000000, B2000000 }, { 2500000, B2500000 },
	{ 3000000, B3000000 }, { 3500000, B3500000 }, { 4000000, B4000000 },
};

/* Returns 0 and the speed code, or -EINVAL for a rate termios cannot set. */
static int serial_speed_code(unsigned baud, speed_t *code)
{
	for (size_t i = 0; i < sizeof(serial_speeds) / sizeof(serial_speeds[0]); i++) {
		if (serial_speeds[i].baud == baud) {
			*code = serial_speeds[i].code;
			return 0;
		}
	}
	return -EINVAL;
}

static int serial_check_config(const struct hal_serial_config *cfg)
{
	speed_t code;
	if (cfg->baud != 0 && serial_speed_code(cfg->baud, &code) < 0)
		return -EINVAL;
	if (cfg->data_bits != 7 && cfg->data_bits != 8)
		return -EINVAL;
	if (cfg->stop_bits != 1 && cfg->stop_bits != 2)
		return -EINVAL;
	if (cfg->parity != HAL_PARITY_NONE && cfg->parity != HAL_PARITY_EVEN &&
	    cfg->parity != HAL_PARITY_ODD)
		return -EINVAL;
	return 0;
}

/* Raw settings from cfg; O_NONBLOCK keeps reads from blocking. */
static int serial_apply_termios(int fd, const struct hal_serial_config *cfg)
{
	struct termios tio;
	if (tcgetattr(fd, &tio) < 0)
		return -errno;
	cfmakeraw(&tio);
	tio.c_cflag &= ~(tcflag_t)(CSIZE | CSTOPB | PARENB | PARODD | CRTSCTS);
	tio.c_cflag |= CLOCAL | CREAD | (cfg->data_bits == 7 ? CS7 : CS8);
	if (cfg->stop_bits == 2)
		tio.c_cflag |= CSTOPB;
	if (cfg->parity != HAL_PARITY_NONE) {
		tio.c_cflag |= PARENB;
		tio.c_iflag |= INPCK;
		if (cfg->parity == HAL_PARITY_ODD)
			tio.c_cflag |= PARODD;
	}
	if (cfg->rtscts)
		tio.c_cflag |= CRTSCTS;
	/* VMIN=1, not 0: with VMIN=0/VTIME=0 n_tty answers an empty buffer
	 * with 0 even under O_NONBLOCK, which cannot be told from a hang-up.
	 * With VMIN=1 an empty buffer gives EAGAIN (O_NONBLOCK: never blocks)
	 * and 0 means hang-up only. */
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	if (cfg->baud != 0) {
		speed_t code = B0;
		if (serial_speed_code(cfg->baud, &code) < 0)
			return -EINVAL;
		if (cfsetispeed(&tio, code) < 0 || cfsetospeed(&tio, code) < 0)
			return -errno;
	}
	if (tcsetattr(fd, TCSANOW, &tio) < 0)
		return -errno;
	/* tcsetattr succeeds if any change took; check the speed really did. */
	struct termios now;
	if (tcgetattr(fd, &now) < 0)
		return -errno;
	if (cfg->baud != 0 && cfgetospeed(&now) != cfgetospeed(&tio))
		return -EINVAL;
	return 0;
}

/* Two locks, because neither is enough alone:
 * - flock(LOCK_EX) is what keeps two daemons off one modem. The kernel
 *   drops it when its holder dies, so a daemon killed with -9 never locks
 *   its successor out.
 * - TIOCEXCL keeps other (non-root) programs from opening the port while we
 *   use it. It lives on the tty, not the process: after a kill -9 it stays
 *   set as long as anyone else holds the tty open (modemsim, a getty,
 *   ModemManager), and it is ignored for root anyway. So when we hold the
 *   flock, a set TIOCEXCL is taken as stale: logged, then re-asserted. */
static int serial_take_exclusive(int fd, const char *path)
{
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? -EBUSY : -errno;
	int excl = 0;
	if (ioctl(fd, TIOCGEXCL, &excl) == 0 && excl)
		LOG_WRN(&log_serial, path,
			"port was marked exclusive (TIOCEXCL) by an earlier holder that no longer "
			"holds its lock; taking it over");
	if (ioctl(fd, TIOCEXCL) < 0)
		return -errno;
	return 0;
}

static int serial_open(void *ctx, const char *path, const struct hal_serial_config *cfg)
{
	struct serial_linux *s = ctx;
	if (!path || !*path || !cfg || serial_check_config(cfg) < 0)
		return -EINVAL;
	if (s->fd >= 0)
		return -EALREADY;
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		int rc = -errno;
		LOG_WRN(&log_serial, path, "open: %s", strerror(-rc));
		return rc;
	}
	int rc = serial_take_exclusive(fd, path);
	if (rc == 0)
		rc = serial_apply_termios(fd, cfg);
	if (rc < 0) {
		LOG_WRN(&log_serial, path, "configure: %s", strerror(-rc));
		if (rc != -EBUSY)
			ioctl(fd, TIOCNXCL);
		close(fd);
		return rc;
	}
	s->fd = fd;
	snprintf(s->path, sizeof(s->path), "%s", path);
	LOG_INF(&log_serial, s->path, "open: %u baud, %u%c%u%s", cfg->baud, cfg->data_bits,
		cfg->parity == HAL_PARITY_NONE ? 'N' : cfg->parity == HAL_PARITY_EVEN ? 'E' : 'O',
		cfg->stop_bits, cfg->rtscts ? ", rtscts" : "");
	return 0;
}

/* Map an errno of read/write on a tty to the seam's codes. */
static int serial_errno(int err)
{
	switch (err) {
	case EAGAIN:
		return -EAGAIN;
	case ENXIO:
	case ENODEV:
		return -ENODEV;
	default:
		return -err;
	}
}

static ssize_t serial_read(void *ctx, void *buf, size_t len)
{
	struct serial_linux *s = ctx;
	if (s->fd < 0)
		return -EBADF;
	if (len == 0)
		return 0;
	for (;;) {
		ssize_t n = read(s->fd, buf, len);
		if (n > 0)
			return n;
		if (n == 0) {
			/* With VMIN=1 and O_NONBLOCK an empty buffer gives EAGAIN;
			 * 0 is the hung-up tty's answer. */
			LOG_WRN(&log_serial, s->path, "read: hang-up");
			return -EIO;
		}
		if (errno == EINTR)
			continue;
		int rc = serial_errno(errno);
		if (rc != -EAGAIN)
			LOG_WRN(&log_serial, s->path, "read: %s", strerror(-rc));
		return rc;
	}
}

static ssize_t serial_write(void *ctx, const void *buf, size_t len)
{
	struct serial_linux *s = ctx;
	if (s->fd < 0)
		return -EBADF;
	if (len == 0)
		return 0;
	for (;;) {
		ssize_t n = write(s->fd, buf, len);
		if (n > 0)
			return n;
		if (n == 0)
			return -EAGAIN;
		if (errno == EINTR)
			continue;
		int rc = serial_errno(errno);
		if (rc != -EAGAIN)
			LOG_WRN(&log_serial, s->path, "write: %s", strerror(-rc));
		return rc;
	}
}

static int serial_fd(void *ctx)
{
	struct serial_linux *s = ctx;
	return s->fd;
}

/* One modem line: TIOCMBIS sets, TIOCMBIC clears. */
static int serial_set_line(int fd, int bit, int value)
{
	if (value < 0)
		return 0;
	if (ioctl(fd, value ? TIOCMBIS : TIOCMBIC, &bit) == 0)
		return 0;
	/* ptys have no modem lines: the tty layer answers ENOTTY (or EINVAL
	 * from some drivers). */
	if (errno == ENOTTY || errno == EINVAL)
		return -ENOTSUP;
	return -errno;
}

static int serial_set_lines(void *ctx, int dtr, int rts)
{
	struct serial_linux *s = ctx;
	if (s->fd < 0)
		return -EBADF;
	if (dtr > 1 || rts > 1 || dtr < -1 || rts < -1)
		return -EINVAL;
	int rc = serial_set_line(s->fd, TIOCM_DTR, dtr);
	if (rc == 0)
		rc = serial_set_line(s->fd, TIOCM_RTS, rts);
	return rc;
}

static int serial_flush(void *ctx)
{
	struct serial_linux *s = ctx;
	if (s->fd < 0)
		return -EBADF;
	return tcflush(s->fd, TCIOFLUSH) < 0 ? -errno : 0;
}

static void serial_close(void *ctx)
{
	struct serial_linux *s = ctx;
	if (s->fd < 0)
		return;
	/* A pty slave's tty (and its exclusive flag) outlives our fd while the
	 * master is open; clear it so the port can be opened again. */
	ioctl(s->fd, TIOCNXCL);
	close(s->fd);
	s->fd = -1;
	LOG_INF(&log_serial, s->path, "closed");
}

static void serial_destroy(void *ctx)
{
	struct serial_linux *s = ctx;
	if (!s)
		return;
	serial_close(s);
	free(s);
}

static const struct hal_serial_ops serial_linux_ops = {
	.open = serial_open,
	.read = serial_read,
	.write = serial_write,
	.fd = serial_fd,
	.set_lines = serial_set_lines,
	.flush = serial_flush,
	.close = serial_close,
	.destroy = serial_destroy,
};

int hal_serial_linux_new(struct hal_serial *out)
{
	if (!out)
		return -EINVAL;
	struct serial_linux *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = -1;
	out->ops = &serial_linux_ops;
	out->ctx = s;
	return 0;
}
