/* Fake watchdog: counts kicks and "bites" when the virtual time since the
 * last kick (or open) went over the timeout while armed. The check is made
 * whenever it is looked at (kick, close, bitten), which is enough: the
 * firmware kicks from a loop timer, so a wedged loop shows up as a late
 * kick or as a test asking bitten(). */
#include <errno.h>
#include <stdlib.h>

#include "hal/log.h"
#include "hal/sim.h"

LOG_MODULE(log_sim_wdt, "sim.watchdog");

#define WDT_SIM_DEFAULT_S 60

struct wdt_sim {
	struct hal_clock *clock;
	bool armed;
	bool bitten;
	int64_t timeout_ms;
	int64_t last_ms;
	unsigned kicks;
};

static const struct hal_watchdog_ops wdt_sim_ops;

static void check(struct wdt_sim *w)
{
	if (!w->armed || w->bitten)
		return;
	int64_t starved = hal_clock_mono_ms(w->clock) - w->last_ms;
	if (starved > w->timeout_ms) {
		w->bitten = true;
		LOG_WRN(&log_sim_wdt, NULL, "bitten: no kick for %lld ms (timeout %lld ms)",
			(long long)starved, (long long)w->timeout_ms);
	}
}

static int wdt_open(void *ctx, unsigned timeout_s)
{
	struct wdt_sim *w = ctx;
	if (w->armed)
		return -EBUSY;
	w->timeout_ms = (int64_t)(timeout_s ? timeout_s : WDT_SIM_DEFAULT_S) * 1000;
	w->last_ms = hal_clock_mono_ms(w->clock);
	w->armed = true;
	return 0;
}

static int wdt_kick(void *ctx)
{
	struct wdt_sim *w = ctx;
	if (!w->armed)
		return -EBADF;
	check(w); /* a late kick does not undo the bite */
	w->last_ms = hal_clock_mono_ms(w->clock);
	w->kicks++;
	return 0;
}

static int wdt_close(void *ctx)
{
	struct wdt_sim *w = ctx;
	check(w);
	w->armed = false;
	return 0;
}

static void wdt_destroy(void *ctx)
{
	free(ctx);
}

static const struct hal_watchdog_ops wdt_sim_ops = {
    .open = wdt_open,
    .kick = wdt_kick,
    .close = wdt_close,
    .destroy = wdt_destroy,
};

int hal_watchdog_sim_new(struct hal_watchdog *out, struct hal_clock *clock)
{
	if (!out || !clock || !clock->ops)
		return -EINVAL;
	struct wdt_sim *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->clock = clock;
	out->ops = &wdt_sim_ops;
	out->ctx = w;
	return 0;
}

static struct wdt_sim *sim_of(struct hal_watchdog *w)
{
	return w && w->ops == &wdt_sim_ops ? w->ctx : NULL;
}

unsigned hal_watchdog_sim_kicks(struct hal_watchdog *wd)
{
	struct wdt_sim *w = sim_of(wd);
	return w ? w->kicks : 0;
}

bool hal_watchdog_sim_bitten(struct hal_watchdog *wd)
{
	struct wdt_sim *w = sim_of(wd);
	if (!w)
		return false;
	check(w);
	return w->bitten;
}
