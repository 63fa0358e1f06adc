/* hal_clock: monotonic milliseconds for timeouts, wall time for timestamps.
 * Linux: CLOCK_MONOTONIC / CLOCK_REALTIME. Sim: a virtual clock that moves
 * only when a test (or the sim loop) advances it. */
#ifndef HAL_CLOCK_H
#define HAL_CLOCK_H

#include <stdint.h>

struct hal_clock_ops {
	int64_t (*mono_ms)(void *ctx); /* never goes backwards */
	int64_t (*wall_ms)(void *ctx); /* ms since the Unix epoch, UTC */
};

struct hal_clock {
	const struct hal_clock_ops *ops;
	void *ctx;
};

static inline int64_t hal_clock_mono_ms(struct hal_clock *c)
{
	return c->ops->mono_ms(c->ctx);
}
static inline int64_t hal_clock_wall_ms(struct hal_clock *c)
{
	return c->ops->wall_ms(c->ctx);
}

/* The process-wide real clock (stateless, never freed). */
struct hal_clock *hal_clock_linux(void);

#endif
