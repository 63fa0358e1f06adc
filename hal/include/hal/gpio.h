/* hal_gpio: named output/input lines (pwrkey, reset, status LED). Values are
 * logical: 1 = active, whatever the line's polarity. */
#ifndef HAL_GPIO_H
#define HAL_GPIO_H

#include <stdbool.h>
#include <stdint.h>

struct hal_loop;

struct hal_gpio_line {
	const char *name;  /* logical name used by drivers: "pwrkey", "reset" */
	const char *chip;  /* "gpiochip0"; the sim backend ignores it */
	const char *line;  /* line name on the chip ("GPIO17") or offset ("17") */
	bool active_low;
	bool output;
	int initial;       /* logical value when an output is requested */
};

struct hal_gpio_ops {
	/* Request a line. Returns 0, -EEXIST (name taken), -ENOENT (no such
	 * chip or line), -EBUSY (held elsewhere), -ENOSPC or -errno. */
	int (*add_line)(void *ctx, const struct hal_gpio_line *line);
	/* Returns 0, -ENOENT (unknown name), -EPERM (input line) or -errno. */
	int (*set)(void *ctx, const char *name, int value);
	int (*get)(void *ctx, const char *name, int *value);
	bool (*has_line)(void *ctx, const char *name);
	void (*destroy)(void *ctx);
};

struct hal_gpio {
	const struct hal_gpio_ops *ops;
	void *ctx;
};

static inline int hal_gpio_add_line(struct hal_gpio *g, const struct hal_gpio_line *line)
{
	return g->ops->add_line(g->ctx, line);
}
static inline int hal_gpio_set(struct hal_gpio *g, const char *name, int value)
{
	return g->ops->set(g->ctx, name, value);
}
static inline int hal_gpio_get(struct hal_gpio *g, const char *name, int *value)
{
	return g->ops->get(g->ctx, name, value);
}
static inline bool hal_gpio_has_line(struct hal_gpio *g, const char *name)
{
	return g->ops->has_line(g->ctx, name);
}
static inline void hal_gpio_destroy(struct hal_gpio *g)
{
	if (g && g->ops)
		g->ops->destroy(g->ctx);
}

typedef void (*hal_gpio_pulse_done)(void *arg, int status);

/* Non-blocking pulse: set the line active now, inactive after ms on loop's
 * timers, then call done (may be NULL) with 0 or -errno. Returns 0 or
 * -errno (nothing scheduled). Backend-independent (hal/common). */
int hal_gpio_pulse(struct hal_gpio *g, struct hal_loop *loop, const char *name, int64_t ms,
		   hal_gpio_pulse_done done, void *arg);

/* libgpiod v1 backend. Returns 0 or -ENOMEM. */
int hal_gpio_linux_new(struct hal_gpio *out);

#endif
