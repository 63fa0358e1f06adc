/* Fake gpio: named lines in memory. Every set of an output is recorded as
 * (line, value, virtual time) and shown to observers, so a simulated modem
 * can watch pwrkey and a test can check pulse lengths. Inputs are driven
 * from outside with hal_gpio_sim_drive. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/sim.h"

#define GPIO_SIM_OBSERVERS 4
#define GPIO_SIM_NAME_MAX  sizeof(((struct hal_gpio_sim_event *)0)->name)

struct gpio_sim_line {
	char name[GPIO_SIM_NAME_MAX];
	bool output;
	int value;
};

struct gpio_sim {
	struct hal_clock *clock;
	struct gpio_sim_line *lines;
	size_t n_lines, cap_lines;
	struct hal_gpio_sim_event *events;
	size_t n_events, cap_events;
	struct {
		hal_gpio_sim_observer cb;
		void *arg;
	} obs[GPIO_SIM_OBSERVERS];
	size_t n_obs;
};

static const struct hal_gpio_ops gpio_sim_ops;

static struct gpio_sim *sim_of(struct hal_gpio *g)
{
	return g && g->ops == &gpio_sim_ops ? g->ctx : NULL;
}

static struct gpio_sim_line *line_find(struct gpio_sim *g, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < g->n_lines; i++)
		if (strcmp(g->lines[i].name, name) == 0)
			return &g->lines[i];
	return NULL;
}

static int gs_add_line(void *ctx, const struct hal_gpio_line *line)
{
	struct gpio_sim *g = ctx;
	if (!line || !line->name || !line->name[0] || strlen(line->name) >= GPIO_SIM_NAME_MAX)
		return -EINVAL;
	if (line->output && line->initial != 0 && line->initial != 1)
		return -EINVAL;
	if (line_find(g, line->name))
		return -EEXIST;
	if (g->n_lines == g->cap_lines) {
		size_t cap = g->cap_lines ? g->cap_lines * 2 : 4;
		void *p = realloc(g->lines, cap * sizeof(*g->lines));
		if (!p)
			return -ENOMEM;
		g->lines = p;
		g->cap_lines = cap;
	}
	struct gpio_sim_line *l = &g->lines[g->n_lines++];
	memset(l, 0, sizeof(*l));
	strcpy(l->name, line->name);
	l->output = line->output;
	/* Requesting a line is not an edge a device sees: not recorded. */
	l->value = line->output ? line->initial : 0;
	return 0;
}

static int record(struct gpio_sim *g, const char *name, int value)
{
	if (g->n_events == g->cap_events) {
		size_t cap = g->cap_events ? g->cap_events * 2 : 16;
		void *p = realloc(g->events, cap * sizeof(*g->events));
		if (!p)
			return -ENOMEM;
		g->events = p;
		g->cap_events = cap;
	}
	struct hal_gpio_sim_event *e = &g->events[g->n_events++];
	memset(e, 0, sizeof(*e));
	strcpy(e->name, name);
	e->value = value;
	e->at_ms = hal_clock_mono_ms(g->clock);
	return 0;
}

static int gs_set(void *ctx, const char *name, int value)
{
	struct gpio_sim *g = ctx;
	if (value != 0 && value != 1)
		return -EINVAL;
	struct gpio_sim_line *l = line_find(g, name);
	if (!l)
		return -ENOENT;
	if (!l->output)
		return -EPERM;
	/* Observers may add lines (realloc): keep our own copy of the name. */
	char nm[GPIO_SIM_NAME_MAX];
	strcpy(nm, l->name);
	int rc = record(g, nm, value);
	if (rc < 0)
		return rc;
	l->value = value;
	int64_t at = g->events[g->n_events - 1].at_ms;
	size_t n_obs = g->n_obs;
	for (size_t i = 0; i < n_obs; i++)
		g->obs[i].cb(g->obs[i].arg, nm, value, at);
	return 0;
}

static int gs_get(void *ctx, const char *name, int *value)
{
	struct gpio_sim *g = ctx;
	if (!value)
		return -EINVAL;
	struct gpio_sim_line *l = line_find(g, name);
	if (!l)
		return -ENOENT;
	*value = l->value;
	return 0;
}

static bool gs_has_line(void *ctx, const char *name)
{
	return line_find(ctx, name) != NULL;
}

static void gs_destroy(void *ctx)
{
	struct gpio_sim *g = ctx;
	if (!g)
		return;
	free(g->lines);
	free(g->events);
	free(g);
}

static const struct hal_gpio_ops gpio_sim_ops = {
    .add_line = gs_add_line,
    .set = gs_set,
    .get = gs_get,
    .has_line = gs_has_line,
    .destroy = gs_destroy,
};

int hal_gpio_sim_new(struct hal_gpio *out, struct hal_clock *clock)
{
	if (!out || !clock || !clock->ops)
		return -EINVAL;
	struct gpio_sim *g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->clock = clock;
	out->ops = &gpio_sim_ops;
	out->ctx = g;
	return 0;
}

int hal_gpio_sim_observe(struct hal_gpio *gpio, hal_gpio_sim_observer cb, void *arg)
{
	struct gpio_sim *g = sim_of(gpio);
	if (!g || !cb)
		return -EINVAL;
	if (g->n_obs == GPIO_SIM_OBSERVERS)
		return -ENOSPC;
	g->obs[g->n_obs].cb = cb;
	g->obs[g->n_obs].arg = arg;
	g->n_obs++;
	return 0;
}

int hal_gpio_sim_unobserve(struct hal_gpio *gpio, hal_gpio_sim_observer cb, void *arg)
{
	struct gpio_sim *g = sim_of(gpio);
	if (!g || !cb)
		return -EINVAL;
	for (size_t i = 0; i < g->n_obs; i++) {
		if (g->obs[i].cb != cb || g->obs[i].arg != arg)
			continue;
		/* Keep the order of the others: observers see sets in the
		 * order they subscribed. */
		memmove(&g->obs[i], &g->obs[i + 1], (g->n_obs - i - 1) * sizeof(g->obs[0]));
		g->n_obs--;
		return 0;
	}
	return -ENOENT;
}

size_t hal_gpio_sim_events(struct hal_gpio *gpio, struct hal_gpio_sim_event *ev, size_t max)
{
	struct gpio_sim *g = sim_of(gpio);
	if (!g)
		return 0;
	size_t n = g->n_events < max ? g->n_events : max;
	if (ev && n)
		memcpy(ev, g->events, n * sizeof(*ev));
	return g->n_events;
}

int hal_gpio_sim_drive(struct hal_gpio *gpio, const char *name, int value)
{
	struct gpio_sim *g = sim_of(gpio);
	if (!g || (value != 0 && value != 1))
		return -EINVAL;
	struct gpio_sim_line *l = line_find(g, name);
	if (!l)
		return -ENOENT;
	if (l->output)
		return -EPERM;
	l->value = value;
	return 0;
}
