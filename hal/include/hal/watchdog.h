/* hal_watchdog: something that restarts the box (or the daemon) when it stops
 * being kicked. The owner kicks it only while its event loop is healthy. */
#ifndef HAL_WATCHDOG_H
#define HAL_WATCHDOG_H

struct hal_watchdog_ops {
	/* Arm with a timeout in seconds (0: the device's default). Returns 0,
	 * -ENOENT (no device), -EBUSY or -errno. */
	int (*open)(void *ctx, unsigned timeout_s);
	int (*kick)(void *ctx);
	/* Disarm on purpose (magic close 'V' on /dev/watchdog). Idempotent. */
	int (*close)(void *ctx);
	void (*destroy)(void *ctx);
};

struct hal_watchdog {
	const struct hal_watchdog_ops *ops;
	void *ctx;
};

static inline int hal_watchdog_open(struct hal_watchdog *w, unsigned timeout_s)
{
	return w->ops->open(w->ctx, timeout_s);
}
static inline int hal_watchdog_kick(struct hal_watchdog *w)
{
	return w->ops->kick(w->ctx);
}
static inline int hal_watchdog_close(struct hal_watchdog *w)
{
	return w->ops->close(w->ctx);
}
static inline void hal_watchdog_destroy(struct hal_watchdog *w)
{
	if (w && w->ops)
		w->ops->destroy(w->ctx);
}

/* Linux: device is a path such as "/dev/watchdog", or NULL for none. Each kick
 * also sends WATCHDOG=1 to systemd when NOTIFY_SOCKET is set. Returns 0 or
 * -ENOMEM. */
int hal_watchdog_linux_new(struct hal_watchdog *out, const char *device);

/* systemd notify protocol (sd_notify) without libsystemd: sends state (e.g.
 * "READY=1", "WATCHDOG=1", "STOPPING=1") to $NOTIFY_SOCKET. Returns 0 when
 * sent, 0 as well when NOTIFY_SOCKET is unset (nothing to do), or -errno. */
int hal_sd_notify(const char *state);

#endif
