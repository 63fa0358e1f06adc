/* Virtual clock: time moves only when someone advances it, so tests and the
 * sim board never sleep. The counter is atomic because another thread (an
 * HTTP worker, a test thread) may read the time while the loop advances it. */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "hal/log.h"
#include "hal/sim.h"
#include "vclock_priv.h"

LOG_MODULE(log_vclock, "sim.clock");

struct vclock {
	_Atomic int64_t mono_ms;
	int64_t start_wall_ms;
};

static int64_t vclock_mono(void *ctx)
{
	struct vclock *v = ctx;
	return atomic_load_explicit(&v->mono_ms, memory_order_acquire);
}

static int64_t vclock_wall(void *ctx)
{
	struct vclock *v = ctx;
	return v->start_wall_ms + vclock_mono(ctx);
}

static const struct hal_clock_ops vclock_ops = {
    .mono_ms = vclock_mono,
    .wall_ms = vclock_wall,
};

bool hal_vclock_is_virtual(const struct hal_clock *c)
{
	return c && c->ops == &vclock_ops && c->ctx;
}

int hal_vclock_new(struct hal_clock *out, int64_t start_wall_ms)
{
	if (!out)
		return -EINVAL;
	struct vclock *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	atomic_init(&v->mono_ms, 0);
	v->start_wall_ms = start_wall_ms;
	out->ops = &vclock_ops;
	out->ctx = v;
	return 0;
}

void hal_vclock_advance(struct hal_clock *c, int64_t ms)
{
	if (!hal_vclock_is_virtual(c))
		return;
	if (ms < 0) {
		/* Monotonic time never goes back; a negative step is a test bug. */
		LOG_WRN(&log_vclock, NULL, "ignoring negative advance %lld ms", (long long)ms);
		return;
	}
	struct vclock *v = c->ctx;
	atomic_fetch_add_explicit(&v->mono_ms, ms, memory_order_acq_rel);
}

void hal_vclock_destroy(struct hal_clock *c)
{
	if (!hal_vclock_is_virtual(c))
		return;
	free(c->ctx);
	c->ctx = NULL;
	c->ops = NULL;
}
