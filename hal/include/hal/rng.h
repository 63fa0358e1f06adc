/* hal_rng: random bytes for tokens, jitter and ids. Linux: getrandom(2).
 * Sim: a seeded deterministic generator (never for secrets). */
#ifndef HAL_RNG_H
#define HAL_RNG_H

#include <stddef.h>
#include <stdint.h>

struct hal_rng_ops {
	/* Fill buf. Returns 0 or -errno. */
	int (*fill)(void *ctx, void *buf, size_t len);
	void (*destroy)(void *ctx);
};

struct hal_rng {
	const struct hal_rng_ops *ops;
	void *ctx;
};

static inline int hal_rng_fill(struct hal_rng *r, void *buf, size_t len)
{
	return r->ops->fill(r->ctx, buf, len);
}
static inline void hal_rng_destroy(struct hal_rng *r)
{
	if (r && r->ops)
		r->ops->destroy(r->ctx);
}

int hal_rng_linux_new(struct hal_rng *out);

#endif
