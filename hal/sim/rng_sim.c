/* Sim rng: splitmix64 (Steele, Lea, Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014), seeded so runs repeat exactly. NEVER
 * for secrets: it is trivially predictable; only the sim board and tests
 * use it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/sim.h"

struct rng_sim {
	uint64_t state;
};

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int rng_fill(void *ctx, void *buf, size_t len)
{
	struct rng_sim *r = ctx;
	if (!buf && len)
		return -EINVAL;
	unsigned char *p = buf;
	while (len > 0) {
		uint64_t v = splitmix64(&r->state);
		size_t n = len < sizeof(v) ? len : sizeof(v);
		memcpy(p, &v, n);
		p += n;
		len -= n;
	}
	return 0;
}

static void rng_destroy(void *ctx)
{
	free(ctx);
}

static const struct hal_rng_ops rng_sim_ops = {
    .fill = rng_fill,
    .destroy = rng_destroy,
};

int hal_rng_sim_new(struct hal_rng *out, uint64_t seed)
{
	if (!out)
		return -EINVAL;
	struct rng_sim *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->state = seed;
	out->ops = &rng_sim_ops;
	out->ctx = r;
	return 0;
}
