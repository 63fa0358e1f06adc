/* hal_gpio_pulse: a non-blocking pulse on any gpio backend, timed by the
 * loop (virtual time on the sim board, so tests never sleep). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/gpio.h"
#include "hal/loop.h"

struct gpio_pulse {
	struct hal_gpio *gpio;
	char name[32];
	hal_gpio_pulse_done done;
	void *arg;
};

static int64_t gpio_pulse_end(void *arg)
{
	struct gpio_pulse *p = arg;
	int rc = hal_gpio_set(p->gpio, p->name, 0);
	if (p->done)
		p->done(p->arg, rc);
	free(p);
	return HAL_TIMER_STOP;
}

int hal_gpio_pulse(struct hal_gpio *g, struct hal_loop *loop, const char *name, int64_t ms,
		   hal_gpio_pulse_done done, void *arg)
{
	if (!g || !loop || !name || ms < 0 || strlen(name) >= sizeof(((struct gpio_pulse *)0)->name))
		return -EINVAL;
	struct gpio_pulse *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->gpio = g;
	strcpy(p->name, name);
	p->done = done;
	p->arg = arg;
	int rc = hal_gpio_set(g, name, 1);
	hal_timer_id id;
	if (rc == 0)
		rc = hal_loop_add_timer(loop, ms, gpio_pulse_end, p, &id);
	if (rc < 0) {
		hal_gpio_set(g, name, 0);
		free(p);
	}
	return rc;
}
