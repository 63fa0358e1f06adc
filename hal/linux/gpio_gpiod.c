/* hal_gpio on Linux: libgpiod v1 (character device /dev/gpiochipN).
 * Lines are requested with the active-low flag, so the kernel does the
 * polarity and values here are always logical (1 = active). Each line keeps
 * its own chip handle: a board has a handful of lines, and closing a chip
 * releases exactly the line it was opened for. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <gpiod.h>

#include "hal/gpio.h"
#include "hal/log.h"

LOG_MODULE(log_gpio, "gpio");

#define GPIO_MAX_LINES 16
#define GPIO_CONSUMER "smsrelay"

struct gpio_entry {
	char name[32];
	struct gpiod_chip *chip;
	struct gpiod_line *line;
	bool output;
};

struct gpio_linux {
	struct gpio_entry lines[GPIO_MAX_LINES];
	size_t count;
};

static struct gpio_entry *gpio_find(struct gpio_linux *g, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < g->count; i++)
		if (strcmp(g->lines[i].name, name) == 0)
			return &g->lines[i];
	return NULL;
}

/* libgpiod reports failures through errno; never let a stray 0 pass as
 * success. */
static int gpio_errno(int fallback)
{
	return errno ? -errno : -fallback;
}

static bool gpio_is_offset(const char *s)
{
	if (!*s || strlen(s) > 4)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

static struct gpiod_line *gpio_lookup_line(struct gpiod_chip *chip, const char *line)
{
	if (gpio_is_offset(line))
		return gpiod_chip_get_line(chip, (unsigned)atoi(line));
	return gpiod_chip_find_line(chip, line);
}

static int gpio_request(struct gpiod_line *line, const struct hal_gpio_line *cfg)
{
	int flags = cfg->active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
	errno = 0;
	int rc = cfg->output ? gpiod_line_request_output_flags(line, GPIO_CONSUMER, flags,
								 cfg->initial ? 1 : 0)
			     : gpiod_line_request_input_flags(line, GPIO_CONSUMER, flags);
	return rc < 0 ? gpio_errno(EIO) : 0;
}

static int gpio_add_line(void *ctx, const struct hal_gpio_line *cfg)
{
	struct gpio_linux *g = ctx;
	if (!cfg || !cfg->name || !cfg->chip || !cfg->line || !*cfg->name || !*cfg->line ||
	    strlen(cfg->name) >= sizeof(g->lines[0].name))
		return -EINVAL;
	if (gpio_find(g, cfg->name))
		return -EEXIST;
	if (g->count == GPIO_MAX_LINES)
		return -ENOSPC;
	errno = 0;
	struct gpiod_chip *chip = gpiod_chip_open_lookup(cfg->chip);
	if (!chip) {
		int rc = gpio_errno(ENOENT);
		LOG_ERR(&log_gpio, cfg->name, "chip %s: %s", cfg->chip, strerror(-rc));
		return rc;
	}
	errno = 0;
	struct gpiod_line *line = gpio_lookup_line(chip, cfg->line);
	int rc = line ? gpio_request(line, cfg) : gpio_errno(ENOENT);
	if (rc < 0) {
		/* EINVAL from get_line means an offset past the chip's end. */
		if (!line && rc == -EINVAL)
			rc = -ENOENT;
		LOG_ERR(&log_gpio, cfg->name, "line %s on %s: %s", cfg->line, cfg->chip,
			strerror(-rc));
		gpiod_chip_close(chip);
		return rc;
	}
	struct gpio_entry *e = &g->lines[g->count++];
	strcpy(e->name, cfg->name);
	e->chip = chip;
	e->line = line;
	e->output = cfg->output;
	LOG_INF(&log_gpio, cfg->name, "%s %s on %s%s", cfg->output ? "output" : "input",
		cfg->line, cfg->chip, cfg->active_low ? ", active low" : "");
	return 0;
}

static int gpio_set(void *ctx, const char *name, int value)
{
	struct gpio_entry *e = gpio_find(ctx, name);
	if (!e)
		return -ENOENT;
	if (!e->output)
		return -EPERM;
	errno = 0;
	if (gpiod_line_set_value(e->line, value ? 1 : 0) < 0)
		return gpio_errno(EIO);
	return 0;
}

static int gpio_get(void *ctx, const char *name, int *value)
{
	struct gpio_entry *e = gpio_find(ctx, name);
	if (!e)
		return -ENOENT;
	if (!value)
		return -EINVAL;
	errno = 0;
	int v = gpiod_line_get_value(e->line);
	if (v < 0)
		return gpio_errno(EIO);
	*value = v;
	return 0;
}

static bool gpio_has_line(void *ctx, const char *name)
{
	return gpio_find(ctx, name) != NULL;
}

static void gpio_destroy(void *ctx)
{
	struct gpio_linux *g = ctx;
	if (!g)
		return;
	for (size_t i = 0; i < g->count; i++) {
		gpiod_line_release(g->lines[i].line);
		gpiod_chip_close(g->lines[i].chip);
	}
	free(g);
}

static const struct hal_gpio_ops gpio_linux_ops = {
	.add_line = gpio_add_line,
	.set = gpio_set,
	.get = gpio_get,
	.has_line = gpio_has_line,
	.destroy = gpio_destroy,
};

int hal_gpio_linux_new(struct hal_gpio *out)
{
	if (!out)
		return -EINVAL;
	struct gpio_linux *g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	out->ops = &gpio_linux_ops;
	out->ctx = g;
	return 0;
}
