/* Sim loop: timers on the virtual clock, callback safety, wakers from other
 * threads, run()/stop(), livelock detection. Nothing sleeps: time moves
 * only through advance/step/run, threads are joined or signalled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/sim.h"

struct fx {
	struct hal_clock clock;
	struct hal_loop loop;
};

static int setup(void **state)
{
	struct fx *f = test_calloc(1, sizeof(*f));
	assert_int_equal(hal_vclock_new(&f->clock, 1700000000000LL), 0);
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

/* ---- a timer that records (tag, virtual time) ---- */
#define REC_MAX 16
struct rec {
	struct hal_loop *loop;
	int n;
	int tag[REC_MAX];
	int64_t at[REC_MAX];
};
struct tmr {
	struct rec *rec;
	int tag;
	int64_t again[4]; /* successive return values */
	int calls;
	hal_timer_id id;
	hal_timer_id cancel_other; /* cancel this id from the callback */
	int cancel_rc;
	bool cancel_self;
};

static int64_t tmr_cb(void *arg)
{
	struct tmr *t = arg;
	struct rec *r = t->rec;
	assert_true(r->n < REC_MAX);
	r->tag[r->n] = t->tag;
	r->at[r->n] = hal_loop_now_ms(r->loop);
	r->n++;
	if (t->cancel_other)
		t->cancel_rc = hal_loop_cancel_timer(r->loop, t->cancel_other);
	if (t->cancel_self)
		t->cancel_rc = hal_loop_cancel_timer(r->loop, t->id);
	int64_t ret = t->calls < 4 ? t->again[t->calls] : HAL_TIMER_STOP;
	t->calls++;
	return ret;
}

static void add(struct fx *f, struct tmr *t, int64_t delay)
{
	assert_int_equal(hal_loop_add_timer(&f->loop, delay, tmr_cb, t, &t->id), 0);
	assert_true(t->id > 0);
}

static void timers_fire_in_order_at_their_time(void **state)
{
	struct fx *f = *state;
	struct rec r = {.loop = &f->loop};
	struct tmr t300 = {.rec = &r, .tag = 300, .again = {HAL_TIMER_STOP}};
	struct tmr t100a = {.rec = &r, .tag = 101, .again = {HAL_TIMER_STOP}};
	struct tmr t200 = {.rec = &r, .tag = 200, .again = {HAL_TIMER_STOP}};
	struct tmr t100b = {.rec = &r, .tag = 102, .again = {HAL_TIMER_STOP}};
	add(f, &t300, 300);
	add(f, &t100a, 100);
	add(f, &t200, 200);
	add(f, &t100b, 100);
	assert_int_equal(hal_loop_sim_next_deadline(&f->loop), 100);
	assert_int_equal(hal_loop_sim_advance(&f->loop, 1000), 4);
	assert_int_equal(r.n, 4);
	const int tags[] = {101, 102, 200, 300};
	const int64_t at[] = {100, 100, 200, 300};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(r.tag[i], tags[i]);
		assert_int_equal(r.at[i], at[i]);
	}
	assert_int_equal(hal_loop_now_ms(&f->loop), 1000);
	assert_int_equal(hal_clock_wall_ms(&f->clock), 1700000000000LL + 1000);
	assert_int_equal(hal_loop_sim_next_deadline(&f->loop), -1);
	/* Finished timers are gone. */
	assert_int_equal(hal_loop_cancel_timer(&f->loop, t200.id), -ENOENT);
}

static void timer_reschedules_by_return_value(void **state)
{
	struct fx *f = *state;
	struct rec r = {.loop = &f->loop};
	struct tmr t = {.rec = &r, .tag = 1, .again = {250, 0, 1000, HAL_TIMER_STOP}};
	add(f, &t, 100);
	assert_int_equal(hal_loop_sim_advance(&f->loop, 5000), 4);
	assert_int_equal(r.n, 4);
	const int64_t at[] = {100, 350, 350, 1350};
	for (int i = 0; i < 4; i++)
		assert_int_equal(r.at[i], at[i]);
}

static void cancel_own_timer_inside_callback(void **state)
{
	struct fx *f = *state;
	struct rec r = {.loop = &f->loop};
	struct tmr t = {.rec = &r, .tag = 1, .again = {10, 10, 10, 10}, .cancel_self = true};
	add(f, &t, 50);
	assert_int_equal(hal_loop_sim_advance(&f->loop, 1000), 1);
	assert_int_equal(t.cancel_rc, 0);
	assert_int_equal(r.n, 1); /* the return value 10 was ignored */
	assert_int_equal(hal_loop_cancel_timer(&f->loop, t.id), -ENOENT);
	assert_int_equal(hal_loop_sim_step(&f->loop), -ENOENT);
}

static void cancel_other_timer_inside_callback(void **state)
{
	struct fx *f = *state;
	struct rec r = {.loop = &f->loop};
	struct tmr a = {.rec = &r, .tag = 1, .again = {HAL_TIMER_STOP}};
	struct tmr same = {.rec = &r, .tag = 2, .again = {HAL_TIMER_STOP}};
	struct tmr later = {.rec = &r, .tag = 3, .again = {HAL_TIMER_STOP}};
	struct tmr b = {.rec = &r, .tag = 4, .again = {HAL_TIMER_STOP}};
	add(f, &a, 100);
	add(f, &same, 100); /* due in the same pass as a */
	add(f, &later, 500);
	add(f, &b, 200);
	a.cancel_other = same.id;
	b.cancel_other = later.id;
	assert_int_equal(hal_loop_sim_advance(&f->loop, 1000), 2);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.tag[0], 1);
	assert_int_equal(r.tag[1], 4);
	assert_int_equal(a.cancel_rc, 0);
	assert_int_equal(b.cancel_rc, 0);
	assert_int_equal(same.calls, 0);
	assert_int_equal(later.calls, 0);
}

static void step_and_run_once_timing(void **state)
{
	struct fx *f = *state;
	struct rec r = {.loop = &f->loop};
	struct tmr t = {.rec = &r, .tag = 1, .again = {HAL_TIMER_STOP}};
	assert_int_equal(hal_loop_sim_next_deadline(&f->loop), -1);
	assert_int_equal(hal_loop_sim_step(&f->loop), -ENOENT);
	add(f, &t, 500);
	/* run_once never moves the virtual clock, even when asked to wait. */
	assert_int_equal(hal_loop_run_once(&f->loop, 0), 0);
	assert_int_equal(hal_loop_now_ms(&f->loop), 0);
	assert_int_equal(hal_loop_sim_advance(&f->loop, 200), 0);
	assert_int_equal(hal_loop_sim_next_deadline(&f->loop), 300);
	assert_int_equal(hal_loop_sim_step(&f->loop), 1);
	assert_int_equal(hal_loop_now_ms(&f->loop), 500);
	assert_int_equal(r.at[0], 500);
	/* A timer due now runs on run_once without waiting. */
	add(f, &(struct tmr){.rec = &r, .again = {HAL_TIMER_STOP}}, 0);
	assert_int_equal(hal_loop_run_once(&f->loop, -1), 1);
}

/* ---- fd watches ---- */
struct watcher {
	struct hal_loop *loop;
	int fd;
	int other_fd; /* unwatch this one from the callback */
	int calls;
	unsigned events;
	int unwatch_rc;
};

static void unwatching_cb(void *arg, int fd, unsigned events)
{
	struct watcher *w = arg;
	assert_int_equal(fd, w->fd);
	w->calls++;
	w->events = events;
	/* Neither reads: without the unwatch this would be a livelock. */
	w->unwatch_rc = hal_loop_unwatch_fd(w->loop, w->other_fd);
	if (w->other_fd != w->fd)
		hal_loop_unwatch_fd(w->loop, w->fd);
}

static void unwatch_inside_callback(void **state)
{
	struct fx *f = *state;
	int e1 = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);
	int e2 = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(e1 >= 0 && e2 >= 0);

	/* Own watch. */
	struct watcher self = {.loop = &f->loop, .fd = e1, .other_fd = e1};
	assert_int_equal(hal_loop_watch_fd(&f->loop, e1, HAL_IO_READ, unwatching_cb, &self), 0);
	assert_int_equal(hal_loop_sim_run_until_idle(&f->loop), 1);
	assert_int_equal(self.calls, 1);
	assert_int_equal(self.events, HAL_IO_READ);
	assert_int_equal(self.unwatch_rc, 0);
	assert_int_equal(hal_loop_unwatch_fd(&f->loop, e1), -ENOENT);

	/* Two ready fds, each unwatching the other: exactly one runs. */
	struct watcher a = {.loop = &f->loop, .fd = e1, .other_fd = e2};
	struct watcher b = {.loop = &f->loop, .fd = e2, .other_fd = e1};
	assert_int_equal(hal_loop_watch_fd(&f->loop, e1, HAL_IO_READ, unwatching_cb, &a), 0);
	assert_int_equal(hal_loop_watch_fd(&f->loop, e2, HAL_IO_READ, unwatching_cb, &b), 0);
	assert_int_equal(hal_loop_sim_run_until_idle(&f->loop), 1);
	assert_int_equal(a.calls + b.calls, 1);
	assert_int_equal(a.calls ? a.unwatch_rc : b.unwatch_rc, 0);
	close(e1);
	close(e2);
}

static void bad_arguments(void **state)
{
	struct fx *f = *state;
	hal_timer_id id;
	assert_int_equal(hal_loop_add_timer(&f->loop, -1, tmr_cb, NULL, &id), -EINVAL);
	assert_int_equal(hal_loop_watch_fd(&f->loop, -1, HAL_IO_READ, unwatching_cb, NULL),
			 -EINVAL);
	assert_int_equal(hal_loop_watch_fd(&f->loop, 0, 0x80, unwatching_cb, NULL), -EINVAL);
	assert_int_equal(hal_loop_cancel_timer(&f->loop, 0), -ENOENT);
	assert_int_equal(hal_loop_unwatch_fd(&f->loop, 0), -ENOENT);
	assert_int_equal(hal_loop_wake(&f->loop, 1), -EINVAL); /* no waker yet */
	assert_int_equal(hal_loop_sim_advance(&f->loop, -5), -EINVAL);
	assert_int_equal(hal_loop_sim_set_busy_limit(&f->loop, 0), -EINVAL);

	/* The sim loop needs a virtual clock. */
	struct hal_clock_ops ops = {0};
	struct hal_clock not_virtual = {.ops = &ops, .ctx = NULL};
	struct hal_loop l;
	assert_int_equal(hal_loop_sim_new(&l, &not_virtual), -EINVAL);
	/* A negative advance of the clock itself is ignored. */
	hal_vclock_advance(&f->clock, -10);
	assert_int_equal(hal_clock_mono_ms(&f->clock), 0);
}

/* ---- nested dispatch ---- */
static int64_t nesting_cb(void *arg)
{
	struct hal_loop *l = arg;
	assert_int_equal(hal_loop_sim_run_until_idle(l), -EBUSY);
	assert_int_equal(hal_loop_sim_advance(l, 10), -EBUSY);
	assert_int_equal(hal_loop_run_once(l, 0), -EBUSY);
	return HAL_TIMER_STOP;
}

static void nested_dispatch_is_refused(void **state)
{
	struct fx *f = *state;
	hal_timer_id id;
	assert_int_equal(hal_loop_add_timer(&f->loop, 0, nesting_cb, &f->loop, &id), 0);
	assert_int_equal(hal_loop_sim_run_until_idle(&f->loop), 1);
}

/* ---- wakers ---- */
struct wake_ctx {
	struct hal_loop *loop;
	hal_waker_id id;
	int calls;
	int wakes; /* how many times the thread wakes */
	bool stop_on_wake;
};

static void wake_cb(void *arg)
{
	struct wake_ctx *w = arg;
	w->calls++;
	if (w->stop_on_wake)
		hal_loop_stop(w->loop);
}

static void *waking_thread(void *arg)
{
	struct wake_ctx *w = arg;
	for (int i = 0; i < w->wakes; i++)
		assert_int_equal(hal_loop_wake(w->loop, w->id), 0);
	return NULL;
}

static void wake_from_thread_coalesces(void **state)
{
	struct fx *f = *state;
	struct wake_ctx w = {.loop = &f->loop, .wakes = 3};
	assert_int_equal(hal_loop_add_waker(&f->loop, wake_cb, &w, &w.id), 0);
	assert_int_equal(hal_loop_sim_run_until_idle(&f->loop), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, waking_thread, &w), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(hal_loop_sim_run_until_idle(&f->loop), 1);
	assert_int_equal(w.calls, 1);
	assert_int_equal(hal_loop_sim_run_until_idle(&f->loop), 0);
	assert_int_equal(w.calls, 1);
}

static void wake_unblocks_run(void **state)
{
	struct fx *f = *state;
	/* No timers and no fds: run() blocks in poll until the thread wakes it. */
	struct wake_ctx w = {.loop = &f->loop, .wakes = 1, .stop_on_wake = true};
	assert_int_equal(hal_loop_add_waker(&f->loop, wake_cb, &w, &w.id), 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, waking_thread, &w), 0);
	assert_int_equal(hal_loop_run(&f->loop), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(w.calls, 1);
	assert_int_equal(hal_loop_now_ms(&f->loop), 0);
}

static void waker_slots_are_bounded(void **state)
{
	struct fx *f = *state;
	struct wake_ctx w = {.loop = &f->loop};
	hal_waker_id id = 0;
	int rc;
	unsigned n = 0;
	while ((rc = hal_loop_add_waker(&f->loop, wake_cb, &w, &id)) == 0)
		n++;
	assert_int_equal(rc, -ENOSPC);
	assert_int_equal(n, 32);
	assert_int_equal(hal_loop_wake(&f->loop, n), 0);
	assert_int_equal(hal_loop_wake(&f->loop, n + 1), -EINVAL);
}

/* ---- run() / stop() ---- */
struct periodic {
	struct hal_loop *loop;
	int calls;
	int stop_after;
	int64_t last_at;
};

static int64_t periodic_cb(void *arg)
{
	struct periodic *p = arg;
	p->calls++;
	p->last_at = hal_loop_now_ms(p->loop);
	if (p->calls == p->stop_after)
		hal_loop_stop(p->loop);
	return 1000;
}

static void run_jumps_to_timers_until_stop(void **state)
{
	struct fx *f = *state;
	struct periodic p = {.loop = &f->loop, .stop_after = 5};
	hal_timer_id id;
	assert_int_equal(hal_loop_add_timer(&f->loop, 1000, periodic_cb, &p, &id), 0);
	assert_int_equal(hal_loop_run(&f->loop), 0);
	assert_int_equal(p.calls, 5);
	assert_int_equal(p.last_at, 5000);
	assert_int_equal(hal_loop_now_ms(&f->loop), 5000);
	/* stop() before run() makes run return after one turn. */
	hal_loop_stop(&f->loop);
	assert_int_equal(hal_loop_run(&f->loop), 0);
	assert_int_equal(p.calls, 5);
	assert_int_equal(hal_loop_cancel_timer(&f->loop, id), 0);
}

/* ---- livelock ---- */
static int64_t spin_cb(void *arg)
{
	int *n = arg;
	(*n)++;
	return 0; /* again, right now: a livelock */
}

static void noop_fd_cb(void *arg, int fd, unsigned events)
{
	(void)fd;
	(void)events;
	int *n = arg;
	(*n)++;
}

static void livelock_is_reported(void **state)
{
	struct fx *f = *state;
	assert_int_equal(hal_loop_sim_set_busy_limit(&f->loop, 500), 0);
	int n = 0;
	hal_timer_id id;
	assert_int_equal(hal_loop_add_timer(&f->loop, 10, spin_cb, &n, &id), 0);
	assert_int_equal(hal_loop_sim_advance(&f->loop, 100), -ELOOP);
	assert_int_equal(n, 500);
	assert_int_equal(hal_loop_cancel_timer(&f->loop, id), 0);
	assert_int_equal(hal_loop_sim_run_until_idle(&f->loop), 0);

	/* An fd that stays readable because nobody reads it. */
	int e = eventfd(1, EFD_NONBLOCK | EFD_CLOEXEC);
	n = 0;
	assert_int_equal(hal_loop_watch_fd(&f->loop, e, HAL_IO_READ, noop_fd_cb, &n), 0);
	assert_int_equal(hal_loop_sim_run_until_idle(&f->loop), -ELOOP);
	assert_int_equal(n, 500);
	assert_int_equal(hal_loop_unwatch_fd(&f->loop, e), 0);
	close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(timers_fire_in_order_at_their_time, setup, teardown),
	    cmocka_unit_test_setup_teardown(timer_reschedules_by_return_value, setup, teardown),
	    cmocka_unit_test_setup_teardown(cancel_own_timer_inside_callback, setup, teardown),
	    cmocka_unit_test_setup_teardown(cancel_other_timer_inside_callback, setup, teardown),
	    cmocka_unit_test_setup_teardown(step_and_run_once_timing, setup, teardown),
	    cmocka_unit_test_setup_teardown(unwatch_inside_callback, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_arguments, setup, teardown),
	    cmocka_unit_test_setup_teardown(nested_dispatch_is_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(wake_from_thread_coalesces, setup, teardown),
	    cmocka_unit_test_setup_teardown(wake_unblocks_run, setup, teardown),
	    cmocka_unit_test_setup_teardown(waker_slots_are_bounded, setup, teardown),
	    cmocka_unit_test_setup_teardown(run_jumps_to_timers_until_stop, setup, teardown),
	    cmocka_unit_test_setup_teardown(livelock_is_reported, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
