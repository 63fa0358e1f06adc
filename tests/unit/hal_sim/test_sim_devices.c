/* Fake gpio (pulse on the sim loop, observers, errors), fake watchdog
 * (healthy loop vs wedged loop) and the seeded rng. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include "hal/sim.h"

struct fx {
	struct hal_clock clock;
	struct hal_loop loop;
};

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(hal_vclock_new(&f->clock, 0), 0);
	assert_int_equal(hal_loop_sim_new(&f->loop, &f->clock), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	hal_loop_destroy(&f->loop);
	hal_vclock_destroy(&f->clock);
	test_free(f);
	return 0;
}

/* ---- gpio ---- */
struct seen {
	int n;
	char name[4][32];
	int value[4];
	int64_t at[4];
	int done_calls;
	int done_status;
};

static void observer(void *arg, const char *name, int value, int64_t at_ms)
{
	struct seen *s = arg;
	assert_true(s->n < 4);
	strcpy(s->name[s->n], name);
	s->value[s->n] = value;
	s->at[s->n] = at_ms;
	s->n++;
}

static void pulse_done(void *arg, int status)
{
	struct seen *s = arg;
	s->done_calls++;
	s->done_status = status;
}

static const struct hal_gpio_line pwrkey = {
    .name = "pwrkey",
    .chip = "gpiochip0",
    .line = "GPIO4",
    .output = true,
    .initial = 0,
};

static void pulse_records_both_edges(void **state)
{
	struct fx *f = *state;
	struct hal_gpio g;
	struct seen s = {0};
	assert_int_equal(hal_gpio_sim_new(&g, &f->clock), 0);
	assert_int_equal(hal_gpio_add_line(&g, &pwrkey), 0);
	assert_int_equal(hal_gpio_sim_observe(&g, observer, &s), 0);
	assert_int_equal(hal_loop_sim_advance(&f->loop, 250), 0);
	int64_t t0 = hal_loop_now_ms(&f->loop);
	assert_int_equal(hal_gpio_pulse(&g, &f->loop, "pwrkey", 500, pulse_done, &s), 0);
	int v;
	assert_int_equal(hal_gpio_get(&g, "pwrkey", &v), 0);
	assert_int_equal(v, 1);
	assert_true(hal_loop_sim_advance(&f->loop, 499) >= 0);
	assert_int_equal(s.done_calls, 0);
	assert_true(hal_loop_sim_advance(&f->loop, 1) > 0);
	assert_int_equal(s.done_calls, 1);
	assert_int_equal(s.done_status, 0);

	struct hal_gpio_sim_event ev[4];
	assert_int_equal(hal_gpio_sim_events(&g, ev, 4), 2);
	assert_string_equal(ev[0].name, "pwrkey");
	assert_int_equal(ev[0].value, 1);
	assert_int_equal(ev[0].at_ms, t0);
	assert_string_equal(ev[1].name, "pwrkey");
	assert_int_equal(ev[1].value, 0);
	assert_int_equal(ev[1].at_ms, t0 + 500);
	assert_int_equal(s.n, 2);
	for (int i = 0; i < 2; i++) {
		assert_string_equal(s.name[i], ev[i].name);
		assert_int_equal(s.value[i], ev[i].value);
		assert_int_equal(s.at[i], ev[i].at_ms);
	}
	assert_int_equal(hal_gpio_sim_events(&g, NULL, 0), 2);
	hal_gpio_destroy(&g);
}

static void gpio_errors(void **state)
{
	struct fx *f = *state;
	struct hal_gpio g;
	struct seen s = {0};
	assert_int_equal(hal_gpio_sim_new(&g, &f->clock), 0);
	assert_int_equal(hal_gpio_add_line(&g, &pwrkey), 0);
	assert_int_equal(hal_gpio_add_line(&g, &pwrkey), -EEXIST);
	struct hal_gpio_line status = {.name = "status", .output = false};
	assert_int_equal(hal_gpio_add_line(&g, &status), 0);
	struct hal_gpio_line longname = {.name = "a_line_name_that_is_far_too_long_x",
					 .output = true};
	assert_int_equal(hal_gpio_add_line(&g, &longname), -EINVAL);
	struct hal_gpio_line badinit = {.name = "reset", .output = true, .initial = 2};
	assert_int_equal(hal_gpio_add_line(&g, &badinit), -EINVAL);
	assert_true(hal_gpio_has_line(&g, "pwrkey"));
	assert_false(hal_gpio_has_line(&g, "reset"));

	assert_int_equal(hal_gpio_set(&g, "reset", 1), -ENOENT);
	assert_int_equal(hal_gpio_set(&g, "status", 1), -EPERM);
	assert_int_equal(hal_gpio_set(&g, "pwrkey", 2), -EINVAL);
	assert_int_equal(hal_gpio_sim_drive(&g, "pwrkey", 1), -EPERM);
	assert_int_equal(hal_gpio_sim_drive(&g, "status", 1), 0);
	int v = -1;
	assert_int_equal(hal_gpio_get(&g, "status", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(hal_gpio_get(&g, "nope", &v), -ENOENT);
	assert_int_equal(hal_gpio_sim_events(&g, NULL, 0), 0); /* nothing was set */
	assert_int_equal(hal_gpio_pulse(&g, &f->loop, "nope", 100, NULL, NULL), -ENOENT);

	for (int i = 0; i < 4; i++)
		assert_int_equal(hal_gpio_sim_observe(&g, observer, &s), 0);
	assert_int_equal(hal_gpio_sim_observe(&g, observer, &s), -ENOSPC);
	hal_gpio_destroy(&g);
}

/* ---- watchdog ---- */
struct kicker {
	struct hal_watchdog *wd;
	struct hal_clock *clock;
	int calls;
	int stall_on_call; /* 0: never */
};

static int64_t kick_cb(void *arg)
{
	struct kicker *k = arg;
	k->calls++;
	if (k->calls == k->stall_on_call)
		hal_vclock_advance(k->clock, 10000); /* the loop is wedged for 10 s */
	assert_int_equal(hal_watchdog_kick(k->wd), 0);
	return 1000;
}

static void healthy_loop_is_not_bitten(void **state)
{
	struct fx *f = *state;
	struct hal_watchdog wd;
	assert_int_equal(hal_watchdog_sim_new(&wd, &f->clock), 0);
	assert_int_equal(hal_watchdog_open(&wd, 5), 0);
	struct kicker k = {.wd = &wd, .clock = &f->clock};
	hal_timer_id id;
	assert_int_equal(hal_loop_add_timer(&f->loop, 1000, kick_cb, &k, &id), 0);
	assert_int_equal(hal_loop_sim_advance(&f->loop, 60000), 60);
	assert_int_equal(hal_watchdog_sim_kicks(&wd), 60);
	assert_false(hal_watchdog_sim_bitten(&wd));
	/* Starved without a loop: 5 s is fine, 5.001 s is not. */
	assert_int_equal(hal_loop_cancel_timer(&f->loop, id), 0);
	hal_vclock_advance(&f->clock, 5000);
	assert_false(hal_watchdog_sim_bitten(&wd));
	hal_vclock_advance(&f->clock, 1);
	assert_true(hal_watchdog_sim_bitten(&wd));
	hal_watchdog_destroy(&wd);
}

static void stalled_callback_makes_it_bite(void **state)
{
	struct fx *f = *state;
	struct hal_watchdog wd;
	assert_int_equal(hal_watchdog_sim_new(&wd, &f->clock), 0);
	assert_int_equal(hal_watchdog_open(&wd, 5), 0);
	struct kicker k = {.wd = &wd, .clock = &f->clock, .stall_on_call = 3};
	hal_timer_id id;
	assert_int_equal(hal_loop_add_timer(&f->loop, 1000, kick_cb, &k, &id), 0);
	assert_true(hal_loop_sim_advance(&f->loop, 2500) > 0);
	assert_false(hal_watchdog_sim_bitten(&wd));
	assert_true(hal_loop_sim_advance(&f->loop, 1000) > 0); /* the stall */
	assert_true(hal_loop_sim_advance(&f->loop, 5000) > 0); /* kicks resume */
	assert_true(hal_watchdog_sim_bitten(&wd));	       /* and it stays bitten */
	assert_int_equal(hal_loop_cancel_timer(&f->loop, id), 0);
	hal_watchdog_destroy(&wd);
}

static void watchdog_open_close(void **state)
{
	struct fx *f = *state;
	struct hal_watchdog wd;
	assert_int_equal(hal_watchdog_sim_new(&wd, &f->clock), 0);
	assert_int_equal(hal_watchdog_kick(&wd), -EBADF);
	assert_int_equal(hal_watchdog_open(&wd, 0), 0); /* default 60 s */
	assert_int_equal(hal_watchdog_open(&wd, 5), -EBUSY);
	hal_vclock_advance(&f->clock, 59000);
	assert_int_equal(hal_watchdog_kick(&wd), 0);
	assert_int_equal(hal_watchdog_close(&wd), 0);
	assert_int_equal(hal_watchdog_close(&wd), 0);
	hal_vclock_advance(&f->clock, 3600000); /* disarmed: no bite */
	assert_false(hal_watchdog_sim_bitten(&wd));
	assert_int_equal(hal_watchdog_sim_kicks(&wd), 1);
	hal_watchdog_destroy(&wd);
}

/* ---- rng ---- */
static void rng_is_seeded_and_deterministic(void **state)
{
	(void)state;
	struct hal_rng a, b, c;
	assert_int_equal(hal_rng_sim_new(&a, 0), 0);
	assert_int_equal(hal_rng_sim_new(&b, 0), 0);
	assert_int_equal(hal_rng_sim_new(&c, 1), 0);
	uint8_t x[37], y[37], z[37];
	assert_int_equal(hal_rng_fill(&a, x, sizeof(x)), 0);
	assert_int_equal(hal_rng_fill(&b, y, sizeof(y)), 0);
	assert_int_equal(hal_rng_fill(&c, z, sizeof(z)), 0);
	assert_memory_equal(x, y, sizeof(x));
	assert_memory_not_equal(x, z, sizeof(x));
	/* splitmix64's first output for seed 0 (reference: Vigna,
	 * prng.di.unimi.it/splitmix64.c), little-endian here. */
	uint64_t first;
	memcpy(&first, x, sizeof(first));
	assert_true(first == 0xe220a8397b1dcdafull);
	assert_int_equal(hal_rng_fill(&a, NULL, 0), 0);
	assert_int_equal(hal_rng_fill(&a, NULL, 4), -EINVAL);
	hal_rng_destroy(&a);
	hal_rng_destroy(&b);
	hal_rng_destroy(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(pulse_records_both_edges, setup, teardown),
	    cmocka_unit_test_setup_teardown(gpio_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(healthy_loop_is_not_bitten, setup, teardown),
	    cmocka_unit_test_setup_teardown(stalled_callback_makes_it_bite, setup, teardown),
	    cmocka_unit_test_setup_teardown(watchdog_open_close, setup, teardown),
	    cmocka_unit_test_setup_teardown(rng_is_seeded_and_deterministic, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
