/* hal_rng on Linux: getrandom(2). Blocks only until the kernel pool is
 * initialised at boot, which is what secrets need. */
#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

#include "hal/rng.h"

static int rng_linux_fill(void *ctx, void *buf, size_t len)
{
	(void)ctx;
	if (!buf && len > 0)
		return -EINVAL;
	uint8_t *p = buf;
	while (len > 0) {
		/* Requests above 32 MiB may return short; loop on partial reads. */
		ssize_t n = getrandom(p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void rng_linux_destroy(void *ctx)
{
	(void)ctx;
}

static const struct hal_rng_ops rng_linux_ops = {
	.fill = rng_linux_fill,
	.destroy = rng_linux_destroy,
};

int hal_rng_linux_new(struct hal_rng *out)
{
	if (!out)
		return -EINVAL;
	out->ops = &rng_linux_ops;
	out->ctx = NULL;
	return 0;
}
