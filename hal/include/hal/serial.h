/* hal_serial: a byte pipe to a modem. Non-blocking; the owner watches fd()
 * on its hal_loop and reads when readable.
 *
 * read/write return the number of bytes moved (> 0), -EAGAIN when nothing
 * can move now, or -errno. A port whose device went away (USB unplug, pty
 * peer closed) reports -ENODEV or -EIO, never endless zero-byte reads: 0 is
 * returned only for len == 0. */
#ifndef HAL_SERIAL_H
#define HAL_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum hal_parity {
	HAL_PARITY_NONE,
	HAL_PARITY_EVEN,
	HAL_PARITY_ODD,
};

struct hal_serial_config {
	unsigned baud;      /* 9600 .. 4000000; 0 keeps the port's speed (ptys) */
	unsigned data_bits; /* 7 or 8 */
	unsigned stop_bits; /* 1 or 2 */
	enum hal_parity parity;
	bool rtscts; /* hardware flow control */
};

#define HAL_SERIAL_CONFIG_DEFAULT                                                            \
	((struct hal_serial_config){ .baud = 115200, .data_bits = 8, .stop_bits = 1,         \
				     .parity = HAL_PARITY_NONE, .rtscts = false })

struct hal_serial_ops {
	/* Returns 0, -EINVAL (bad config), -ENOENT, -EBUSY (another process
	 * holds it: TIOCEXCL), -EACCES, or another -errno. */
	int (*open)(void *ctx, const char *path, const struct hal_serial_config *cfg);
	ssize_t (*read)(void *ctx, void *buf, size_t len);
	ssize_t (*write)(void *ctx, const void *buf, size_t len);
	/* The fd to watch for HAL_IO_READ/HAL_IO_WRITE, or -1 when closed. */
	int (*fd)(void *ctx);
	/* Set DTR/RTS (1 asserted, 0 not, -1 leave). -ENOTSUP where the port
	 * has no such lines (ptys). */
	int (*set_lines)(void *ctx, int dtr, int rts);
	/* Drop pending input and output (tcflush). Returns 0 or -errno. */
	int (*flush)(void *ctx);
	/* Close the port; open may be called again. Idempotent. */
	void (*close)(void *ctx);
	void (*destroy)(void *ctx);
};

struct hal_serial {
	const struct hal_serial_ops *ops;
	void *ctx;
};

static inline int hal_serial_open(struct hal_serial *s, const char *path,
				  const struct hal_serial_config *cfg)
{
	return s->ops->open(s->ctx, path, cfg);
}
static inline ssize_t hal_serial_read(struct hal_serial *s, void *buf, size_t len)
{
	return s->ops->read(s->ctx, buf, len);
}
static inline ssize_t hal_serial_write(struct hal_serial *s, const void *buf, size_t len)
{
	return s->ops->write(s->ctx, buf, len);
}
static inline int hal_serial_fd(struct hal_serial *s)
{
	return s->ops->fd(s->ctx);
}
static inline int hal_serial_set_lines(struct hal_serial *s, int dtr, int rts)
{
	return s->ops->set_lines(s->ctx, dtr, rts);
}
static inline int hal_serial_flush(struct hal_serial *s)
{
	return s->ops->flush(s->ctx);
}
static inline void hal_serial_close(struct hal_serial *s)
{
	s->ops->close(s->ctx);
}
static inline void hal_serial_destroy(struct hal_serial *s)
{
	if (s && s->ops)
		s->ops->destroy(s->ctx);
}

/* termios backend (real UARTs, USB-ACM, ptys). Returns 0 or -ENOMEM. */
int hal_serial_linux_new(struct hal_serial *out);

/* Port discovery through libserialport. */
struct hal_serial_port_info {
	char path[256];        /* /dev/ttyUSB2 */
	unsigned usb_vid;      /* 0 when not USB */
	unsigned usb_pid;
	char usb_serial[64];   /* "" when unknown */
	char description[128];
};

/* Resolve a port spec to a device path. spec is either a path (symlinks such
 * as /dev/serial/by-id/... are resolved with realpath) or "usb:VVVV:PPPP" or
 * "usb:VVVV:PPPP:SERIAL" (hex ids), optionally followed by "#N" to pick the
 * N-th interface (0-based, in path order) of a multi-port modem.
 * Returns 0 and writes path, -ENOENT when nothing matches, -EINVAL for a
 * malformed spec, -ENAMETOOLONG. */
int hal_serial_resolve(const char *spec, char *path, size_t path_len);
/* List serial ports. Writes up to max entries; returns the count or -errno. */
int hal_serial_list_ports(struct hal_serial_port_info *ports, size_t max);

#endif
