/* hal_loop Linux backend on the real clock: timer order, rescheduling by
 * return value, cancel from callbacks, unwatch during dispatch, HAL_IO_ERR,
 * wake-ups and stop from other threads. Waits are bounded; nothing sleeps. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/loop.h"

/* Upper bound for any wait in this file: a broken loop fails, never hangs. */
#define WAIT_MS 5000

static int setup(void **state)
{
	struct hal_loop *l = calloc(1, sizeof(*l));
	assert_non_null(l);
	assert_int_equal(hal_loop_linux_new(l), 0);
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct hal_loop *l = *state;
	hal_loop_destroy(l);
	free(l);
	return 0;
}

/* Turn the loop until *flag is set, each turn bounded. */
static void run_until(struct hal_loop *l, const int *flag)
{
	int64_t deadline = hal_loop_now_ms(l) + WAIT_MS;
	while (!*flag) {
		assert_true(hal_loop_now_ms(l) < deadline);
		assert_true(hal_loop_run_once(l, WAIT_MS) >= 0);
	}
}

/* ---- timers ---- */

struct order_rec {
	struct hal_loop *loop;
	int seen[8];
	int64_t fired_at[8];
	int count;
};

struct order_timer {
	struct order_rec *rec;
	int tag;
};

static int64_t order_cb(void *arg)
{
	struct order_timer *t = arg;
	struct order_rec *r = t->rec;
	r->fired_at[r->count] = hal_loop_now_ms(r->loop);
	r->seen[r->count++] = t->tag;
	return HAL_TIMER_STOP;
}

static void test_timer_order(void **state)
{
	struct hal_loop *l = *state;
	struct order_rec rec = { .loop = l };
	struct order_timer t[3] = { { &rec, 30 }, { &rec, 10 }, { &rec, 20 } };
	hal_timer_id ids[3];
	int64_t start = hal_loop_now_ms(l);
	for (int i = 0; i < 3; i++)
		assert_int_equal(hal_loop_add_timer(l, t[i].tag, order_cb, &t[i], &ids[i]), 0);
	assert_true(ids[0] > 0 && ids[1] > 0 && ids[2] > 0);
	assert_true(ids[0] != ids[1] && ids[1] != ids[2]);
	int64_t deadline = start + WAIT_MS;
	while (rec.count < 3) {
		assert_true(hal_loop_now_ms(l) < deadline);
		assert_true(hal_loop_run_once(l, -1) >= 0);
	}
	assert_int_equal(rec.seen[0], 10);
	assert_int_equal(rec.seen[1], 20);
	assert_int_equal(rec.seen[2], 30);
	/* Never early. */
	for (int i = 0; i < 3; i++)
		assert_true(rec.fired_at[i] >= start + rec.seen[i]);
	/* Finished timers are gone. */
	assert_int_equal(hal_loop_cancel_timer(l, ids[0]), -ENOENT);
}

struct resched {
	int calls;
	int limit;
};

static int64_t resched_cb(void *arg)
{
	struct resched *r = arg;
	r->calls++;
	return r->calls < r->limit ? 1 : HAL_TIMER_STOP;
}

static int64_t flag_cb(void *arg)
{
	*(int *)arg = 1;
	return HAL_TIMER_STOP;
}

static void test_timer_reschedule(void **state)
{
	struct hal_loop *l = *state;
	struct resched r = { .limit = 4 };
	hal_timer_id id;
	assert_int_equal(hal_loop_add_timer(l, 0, resched_cb, &r, &id), 0);
	int64_t deadline = hal_loop_now_ms(l) + WAIT_MS;
	while (r.calls < r.limit) {
		assert_true(hal_loop_now_ms(l) < deadline);
		assert_true(hal_loop_run_once(l, WAIT_MS) >= 0);
	}
	assert_int_equal(hal_loop_cancel_timer(l, id), -ENOENT);
	/* Stopped for good: a later sentinel fires with no more calls. */
	int done = 0;
	hal_timer_id sid;
	assert_int_equal(hal_loop_add_timer(l, 10, flag_cb, &done, &sid), 0);
	run_until(l, &done);
	assert_int_equal(r.calls, r.limit);
}

static void test_timer_zero_delay_does_not_starve(void **state)
{
	struct hal_loop *l = *state;
	struct resched r = { .limit = 1000 };
	hal_timer_id id;
	/* Returns 1 ms, but even a 0 would run at most once per turn. */
	assert_int_equal(hal_loop_add_timer(l, 0, resched_cb, &r, &id), 0);
	assert_int_equal(hal_loop_run_once(l, 0), 1);
	assert_int_equal(r.calls, 1);
	assert_int_equal(hal_loop_cancel_timer(l, id), 0);
	assert_int_equal(hal_loop_cancel_timer(l, id), -ENOENT);
}

struct self_cancel {
	struct hal_loop *loop;
	hal_timer_id id;
	int calls;
	int cancel_rc;
	int second_rc;
};

static int64_t self_cancel_cb(void *arg)
{
	struct self_cancel *s = arg;
	s->calls++;
	s->cancel_rc = hal_loop_cancel_timer(s->loop, s->id);
	s->second_rc = hal_loop_cancel_timer(s->loop, s->id);
	return 1; /* would reschedule, but the cancel wins */
}

static void test_timer_cancel_own(void **state)
{
	struct hal_loop *l = *state;
	struct self_cancel s = { .loop = l };
	assert_int_equal(hal_loop_add_timer(l, 0, self_cancel_cb, &s, &s.id), 0);
	int done = 0;
	hal_timer_id sid;
	assert_int_equal(hal_loop_add_timer(l, 20, flag_cb, &done, &sid), 0);
	run_until(l, &done);
	assert_int_equal(s.calls, 1);
	assert_int_equal(s.cancel_rc, 0);
	assert_int_equal(s.second_rc, -ENOENT);
	assert_int_equal(hal_loop_cancel_timer(l, s.id), -ENOENT);
}

struct cancel_other {
	struct hal_loop *loop;
	hal_timer_id victim;
	int calls;
	int rc;
};

static int64_t cancel_other_cb(void *arg)
{
	struct cancel_other *c = arg;
	c->calls++;
	c->rc = hal_loop_cancel_timer(c->loop, c->victim);
	return HAL_TIMER_STOP;
}

static int64_t victim_cb(void *arg)
{
	(*(int *)arg)++;
	return HAL_TIMER_STOP;
}

static void test_timer_cancel_other_due_same_turn(void **state)
{
	struct hal_loop *l = *state;
	struct cancel_other c = { .loop = l };
	int victim_calls = 0;
	hal_timer_id cid;
	/* Both due now; the first added runs first and cancels the second. */
	assert_int_equal(hal_loop_add_timer(l, 0, cancel_other_cb, &c, &cid), 0);
	assert_int_equal(hal_loop_add_timer(l, 0, victim_cb, &victim_calls, &c.victim), 0);
	assert_int_equal(hal_loop_run_once(l, 0), 1);
	assert_int_equal(c.calls, 1);
	assert_int_equal(c.rc, 0);
	int done = 0;
	hal_timer_id sid;
	assert_int_equal(hal_loop_add_timer(l, 10, flag_cb, &done, &sid), 0);
	run_until(l, &done);
	assert_int_equal(victim_calls, 0);
}

static void test_timer_bad_args(void **state)
{
	struct hal_loop *l = *state;
	hal_timer_id id = 0;
	assert_int_equal(hal_loop_add_timer(l, -1, victim_cb, NULL, &id), -EINVAL);
	assert_int_equal(hal_loop_add_timer(l, 1, NULL, NULL, &id), -EINVAL);
	assert_int_equal(hal_loop_cancel_timer(l, 0), -ENOENT);
	assert_int_equal(hal_loop_cancel_timer(l, 12345), -ENOENT);
	/* Nothing to do: a bounded wait returns with no callbacks. */
	assert_int_equal(hal_loop_run_once(l, 1), 0);
}

/* ---- fds ---- */

struct pipe_watch {
	struct hal_loop *loop;
	int fds[2];
	int calls;
	unsigned events;
	struct pipe_watch *other; /* unwatched and freed by our callback */
};

/* The watch whose callback ran (the other one is freed by then). */
static struct pipe_watch *unwatch_survivor;

static void unwatch_other_cb(void *arg, int fd, unsigned events)
{
	struct pipe_watch *p = arg;
	unwatch_survivor = p;
	assert_int_equal(fd, p->fds[0]);
	p->calls++;
	p->events = events;
	if (p->other) {
		struct pipe_watch *o = p->other;
		assert_int_equal(hal_loop_unwatch_fd(p->loop, o->fds[0]), 0);
		close(o->fds[0]);
		close(o->fds[1]);
		/* Freed: if the loop still dispatched o's pending event, the
		 * callback below would touch freed memory (ASan) and the other
		 * struct's count would move. */
		free(o);
		p->other = NULL;
		o = NULL;
	}
	/* Our own watch goes too, from inside our own callback. */
	assert_int_equal(hal_loop_unwatch_fd(p->loop, fd), 0);
}

static struct pipe_watch *pipe_watch_new(struct hal_loop *l)
{
	struct pipe_watch *p = calloc(1, sizeof(*p));
	assert_non_null(p);
	p->loop = l;
	assert_int_equal(pipe(p->fds), 0);
	return p;
}

static void test_unwatch_inside_callback(void **state)
{
	struct hal_loop *l = *state;
	struct pipe_watch *a = pipe_watch_new(l), *b = pipe_watch_new(l);
	unwatch_survivor = NULL;
	a->other = b;
	b->other = a;
	assert_int_equal(hal_loop_watch_fd(l, a->fds[0], HAL_IO_READ, unwatch_other_cb, a), 0);
	assert_int_equal(hal_loop_watch_fd(l, b->fds[0], HAL_IO_READ, unwatch_other_cb, b), 0);
	/* Both readable before the turn: both events come in one epoll batch. */
	assert_int_equal(write(a->fds[1], "x", 1), 1);
	assert_int_equal(write(b->fds[1], "y", 1), 1);
	assert_int_equal(hal_loop_run_once(l, WAIT_MS), 1);
	struct pipe_watch *survivor = unwatch_survivor;
	assert_true(survivor == a || survivor == b);
	assert_int_equal(survivor->calls, 1);
	assert_true(survivor->events & HAL_IO_READ);
	assert_null(survivor->other);
	/* Still readable, but unwatched: nothing runs. */
	assert_int_equal(hal_loop_run_once(l, 0), 0);
	assert_int_equal(hal_loop_unwatch_fd(l, survivor->fds[0]), -ENOENT);
	close(survivor->fds[0]);
	close(survivor->fds[1]);
	free(survivor);
}

static void record_cb(void *arg, int fd, unsigned events)
{
	struct pipe_watch *p = arg;
	(void)fd;
	p->calls++;
	p->events = events;
}

static void test_err_always_reported(void **state)
{
	struct hal_loop *l = *state;
	struct pipe_watch *p = pipe_watch_new(l);
	/* Asked for nothing, yet a hang-up is reported. */
	assert_int_equal(hal_loop_watch_fd(l, p->fds[0], 0, record_cb, p), 0);
	assert_int_equal(hal_loop_run_once(l, 0), 0);
	close(p->fds[1]);
	assert_int_equal(hal_loop_run_once(l, WAIT_MS), 1);
	assert_int_equal(p->calls, 1);
	assert_true(p->events & HAL_IO_ERR);
	assert_false(p->events & HAL_IO_READ);
	assert_int_equal(hal_loop_unwatch_fd(l, p->fds[0]), 0);
	close(p->fds[0]);
	free(p);
}

static void test_watch_replace_and_bad_args(void **state)
{
	struct hal_loop *l = *state;
	struct pipe_watch *p = pipe_watch_new(l), *q = pipe_watch_new(l);
	assert_int_equal(hal_loop_watch_fd(l, -1, HAL_IO_READ, record_cb, p), -EINVAL);
	assert_int_equal(hal_loop_watch_fd(l, p->fds[0], HAL_IO_READ, NULL, p), -EINVAL);
	assert_int_equal(hal_loop_watch_fd(l, p->fds[0], 1u << 7, record_cb, p), -EINVAL);
	assert_int_equal(hal_loop_watch_fd(l, 1 << 20, HAL_IO_READ, record_cb, p), -EBADF);
	assert_int_equal(hal_loop_unwatch_fd(l, 1 << 20), -ENOENT);
	/* Writable end: replace the watch's arg, the new one gets the event. */
	assert_int_equal(hal_loop_watch_fd(l, p->fds[1], HAL_IO_WRITE, record_cb, p), 0);
	assert_int_equal(hal_loop_watch_fd(l, p->fds[1], HAL_IO_WRITE, record_cb, q), 0);
	assert_int_equal(hal_loop_run_once(l, WAIT_MS), 1);
	assert_int_equal(p->calls, 0);
	assert_int_equal(q->calls, 1);
	assert_int_equal(q->events, HAL_IO_WRITE);
	assert_int_equal(hal_loop_unwatch_fd(l, p->fds[1]), 0);
	for (int i = 0; i < 2; i++) {
		close(p->fds[i]);
		close(q->fds[i]);
	}
	free(p);
	free(q);
}

/* ---- wakers and stop ---- */

struct waker_rec {
	int calls;
};

static void waker_cb(void *arg)
{
	((struct waker_rec *)arg)->calls++;
}

struct thread_arg {
	struct hal_loop *loop;
	hal_waker_id id;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int go;
	int rc;
};

static void *wake_thread(void *arg)
{
	struct thread_arg *t = arg;
	t->rc = hal_loop_wake(t->loop, t->id);
	return NULL;
}

static void test_wake_from_thread(void **state)
{
	struct hal_loop *l = *state;
	struct waker_rec rec = { 0 };
	struct thread_arg t = { .loop = l, .rc = -1 };
	assert_int_equal(hal_loop_add_waker(l, waker_cb, &rec, &t.id), 0);
	assert_true(t.id > 0);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, wake_thread, &t), 0);
	/* Blocks with no timeout until the other thread's wake arrives. */
	assert_int_equal(hal_loop_run_once(l, -1), 1);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(t.rc, 0);
	assert_int_equal(rec.calls, 1);
}

static void test_wake_coalesces(void **state)
{
	struct hal_loop *l = *state;
	struct waker_rec a = { 0 }, b = { 0 };
	hal_waker_id ia, ib;
	assert_int_equal(hal_loop_add_waker(l, waker_cb, &a, &ia), 0);
	assert_int_equal(hal_loop_add_waker(l, waker_cb, &b, &ib), 0);
	assert_int_equal(hal_loop_wake(l, ia), 0);
	assert_int_equal(hal_loop_wake(l, ia), 0);
	assert_int_equal(hal_loop_wake(l, ia), 0);
	assert_int_equal(hal_loop_run_once(l, WAIT_MS), 1);
	assert_int_equal(a.calls, 1);
	assert_int_equal(b.calls, 0);
	assert_int_equal(hal_loop_run_once(l, 0), 0);
	assert_int_equal(hal_loop_wake(l, 0), -EINVAL);
	assert_int_equal(hal_loop_wake(l, ib + 1), -EINVAL);
}

static void test_waker_table_full(void **state)
{
	struct hal_loop *l = *state;
	struct waker_rec rec = { 0 };
	hal_waker_id id;
	int added = 0;
	while (hal_loop_add_waker(l, waker_cb, &rec, &id) == 0)
		assert_true(++added <= 1024);
	assert_true(added >= 1);
	assert_int_equal(hal_loop_add_waker(l, waker_cb, &rec, &id), -ENOSPC);
	/* The last one still works. */
	assert_int_equal(hal_loop_wake(l, (hal_waker_id)added), 0);
	assert_int_equal(hal_loop_run_once(l, WAIT_MS), 1);
	assert_int_equal(rec.calls, 1);
}

static void *stop_thread(void *arg)
{
	struct thread_arg *t = arg;
	pthread_mutex_lock(&t->mu);
	while (!t->go)
		pthread_cond_wait(&t->cv, &t->mu);
	pthread_mutex_unlock(&t->mu);
	hal_loop_stop(t->loop);
	return NULL;
}

/* Runs inside run(): tells the stopper thread the loop is running. */
static int64_t release_stopper(void *arg)
{
	struct thread_arg *t = arg;
	pthread_mutex_lock(&t->mu);
	t->go = 1;
	pthread_cond_signal(&t->cv);
	pthread_mutex_unlock(&t->mu);
	return HAL_TIMER_STOP;
}

static void test_stop_from_thread(void **state)
{
	struct hal_loop *l = *state;
	struct thread_arg t = { .loop = l };
	pthread_mutex_init(&t.mu, NULL);
	pthread_cond_init(&t.cv, NULL);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, stop_thread, &t), 0);
	hal_timer_id id;
	assert_int_equal(hal_loop_add_timer(l, 0, release_stopper, &t, &id), 0);
	assert_int_equal(hal_loop_run(l), 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(t.go, 1);
	pthread_cond_destroy(&t.cv);
	pthread_mutex_destroy(&t.mu);
	/* A stop before run() ends that run() at once. */
	hal_loop_stop(l);
	assert_int_equal(hal_loop_run(l), 0);
}

static void test_destroy_with_pending_timers(void **state)
{
	struct hal_loop *l = *state;
	hal_timer_id id;
	struct resched r = { .limit = 10 };
	assert_int_equal(hal_loop_add_timer(l, 100000, resched_cb, &r, &id), 0);
	assert_int_equal(hal_loop_add_timer(l, 200000, resched_cb, &r, &id), 0);
	/* teardown frees them: valgrind/ASan check for leaks. */
	assert_true(hal_loop_clock(l) != NULL);
	assert_int_equal(r.calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_timer_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_reschedule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_zero_delay_does_not_starve, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timer_cancel_own, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timer_cancel_other_due_same_turn, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_timer_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unwatch_inside_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_err_always_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_replace_and_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_from_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_coalesces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_waker_table_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_from_thread, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_with_pending_timers, setup, teardown),
	};
	return cmocka_run_group_tests_name("hal_linux_loop", tests, NULL, NULL);
}
