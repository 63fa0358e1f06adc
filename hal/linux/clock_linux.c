/* hal_clock on Linux: CLOCK_MONOTONIC for timeouts, CLOCK_REALTIME for
 * timestamps. Stateless, so one static instance serves the whole process. */
#include <time.h>

#include "hal/clock.h"

static int64_t clock_linux_read_ms(clockid_t id)
{
	struct timespec ts;
	/* clock_gettime cannot fail for these ids and a valid pointer. */
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t clock_linux_mono_ms(void *ctx)
{
	(void)ctx;
	return clock_linux_read_ms(CLOCK_MONOTONIC);
}

static int64_t clock_linux_wall_ms(void *ctx)
{
	(void)ctx;
	return clock_linux_read_ms(CLOCK_REALTIME);
}

static const struct hal_clock_ops clock_linux_ops = {
	.mono_ms = clock_linux_mono_ms,
	.wall_ms = clock_linux_wall_ms,
};

static struct hal_clock clock_linux_instance = { .ops = &clock_linux_ops, .ctx = NULL };

struct hal_clock *hal_clock_linux(void)
{
	return &clock_linux_instance;
}
