/* hal_loop: the one event loop. File descriptors, timers and thread-safe
 * wake-ups. Two backends fill the same ops table:
 *   - linux (hal/linux/loop_epoll.c): epoll + timerfd + eventfd, CLOCK_MONOTONIC;
 *   - sim (hal/sim/loop_sim.c): real fds polled without waiting, timers on a
 *     virtual clock that tests advance explicitly.
 *
 * Threading: everything runs on the thread that calls run/run_once, except
 * hal_loop_wake() and hal_loop_stop(), which any thread may call.
 * Callbacks may add or cancel any timer or fd watch, including their own. */
#ifndef HAL_LOOP_H
#define HAL_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "hal/clock.h"

/* Events for fd watches (bit mask). HAL_IO_ERR is always reported, even when
 * not asked for: it means hang-up or error on the fd (POLLHUP/POLLERR). */
enum hal_io {
	HAL_IO_READ = 1u << 0,
	HAL_IO_WRITE = 1u << 1,
	HAL_IO_ERR = 1u << 2,
};

/* A timer callback returns the delay until it should run again (>= 0 ms), or
 * HAL_TIMER_STOP to end the timer (its id is then invalid). */
#define HAL_TIMER_STOP ((int64_t)-1)

typedef void (*hal_fd_cb)(void *arg, int fd, unsigned events);
typedef int64_t (*hal_timer_cb)(void *arg);
typedef void (*hal_wake_cb)(void *arg);

/* Ids are > 0; 0 is never a valid id, so a zeroed struct field means "none". */
typedef uint64_t hal_timer_id;
typedef unsigned hal_waker_id;

struct hal_loop_ops {
	/* Watch fd for events (HAL_IO_READ|HAL_IO_WRITE). Watching an fd that is
	 * already watched replaces its events, callback and arg.
	 * Returns 0, -EINVAL, -ENOMEM, or the -errno of epoll_ctl. */
	int (*watch_fd)(void *ctx, int fd, unsigned events, hal_fd_cb cb, void *arg);
	/* Stop watching fd. Safe from inside that fd's callback.
	 * Returns 0 or -ENOENT. */
	int (*unwatch_fd)(void *ctx, int fd);
	/* Run cb after delay_ms (>= 0). Returns 0 and writes the id, or -errno. */
	int (*add_timer)(void *ctx, int64_t delay_ms, hal_timer_cb cb, void *arg,
			 hal_timer_id *id);
	/* Cancel a pending timer. Safe from inside any callback, including the
	 * timer's own. Returns 0 or -ENOENT (unknown or already finished). */
	int (*cancel_timer)(void *ctx, hal_timer_id id);
	/* Register a wake-up handler; hal_loop_wake(id) from any thread makes the
	 * loop call cb once on its own thread (several wakes before it runs
	 * coalesce into one call). Returns 0 and writes id, or -ENOSPC. */
	int (*add_waker)(void *ctx, hal_wake_cb cb, void *arg, hal_waker_id *id);
	/* Thread-safe and async-signal-safe. Returns 0 or -EINVAL. */
	int (*wake)(void *ctx, hal_waker_id id);
	/* One turn: wait at most max_wait_ms (-1: until something happens; on
	 * the sim backend waiting never advances the virtual clock), then
	 * dispatch what is ready. Returns the number of callbacks run (>= 0) or
	 * -errno. */
	int (*run_once)(void *ctx, int64_t max_wait_ms);
	/* Run turns until hal_loop_stop(). Returns 0 or -errno. */
	int (*run)(void *ctx);
	/* Thread-safe: make run() return after the current turn. */
	void (*stop)(void *ctx);
	/* The clock this loop's timers run on. */
	struct hal_clock *(*clock)(void *ctx);
	void (*destroy)(void *ctx);
};

struct hal_loop {
	const struct hal_loop_ops *ops;
	void *ctx;
};

static inline int hal_loop_watch_fd(struct hal_loop *l, int fd, unsigned ev, hal_fd_cb cb,
				    void *arg)
{
	return l->ops->watch_fd(l->ctx, fd, ev, cb, arg);
}
static inline int hal_loop_unwatch_fd(struct hal_loop *l, int fd)
{
	return l->ops->unwatch_fd(l->ctx, fd);
}
static inline int hal_loop_add_timer(struct hal_loop *l, int64_t delay_ms, hal_timer_cb cb,
				     void *arg, hal_timer_id *id)
{
	return l->ops->add_timer(l->ctx, delay_ms, cb, arg, id);
}
static inline int hal_loop_cancel_timer(struct hal_loop *l, hal_timer_id id)
{
	return l->ops->cancel_timer(l->ctx, id);
}
static inline int hal_loop_add_waker(struct hal_loop *l, hal_wake_cb cb, void *arg,
				     hal_waker_id *id)
{
	return l->ops->add_waker(l->ctx, cb, arg, id);
}
static inline int hal_loop_wake(struct hal_loop *l, hal_waker_id id)
{
	return l->ops->wake(l->ctx, id);
}
static inline int hal_loop_run_once(struct hal_loop *l, int64_t max_wait_ms)
{
	return l->ops->run_once(l->ctx, max_wait_ms);
}
static inline int hal_loop_run(struct hal_loop *l)
{
	return l->ops->run(l->ctx);
}
static inline void hal_loop_stop(struct hal_loop *l)
{
	l->ops->stop(l->ctx);
}
static inline struct hal_clock *hal_loop_clock(struct hal_loop *l)
{
	return l->ops->clock(l->ctx);
}
static inline int64_t hal_loop_now_ms(struct hal_loop *l)
{
	return hal_clock_mono_ms(hal_loop_clock(l));
}
/* Frees the backend; does not close watched fds (their owners do). */
static inline void hal_loop_destroy(struct hal_loop *l)
{
	if (l && l->ops)
		l->ops->destroy(l->ctx);
}

/* Backends. Each returns 0 and fills *out, or -errno. */
int hal_loop_linux_new(struct hal_loop *out);

#endif
