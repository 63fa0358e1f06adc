/* outbox_enqueue_async: answers after the commit, on the committer thread,
 * exactly once; mixes with sleeping callers in one group commit; keeps
 * idempotency; refuses bad input at once without a callback; and
 * outbox_destroy commits and answers what it took. Synchronises on the
 * callbacks (a condition variable), never on time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/sim.h"
#include "outbox/outbox.h"

#define T0 1700000000000LL
#define THREADS 8
#define PER_THREAD 50
#define TOTAL (THREADS * PER_THREAD)

/* One request and its answer; the strings outlive the request. */
struct pending {
	char body[48], key[32];
	struct outbox_msg m;
	struct outbox_result res;
	int rc;
	int calls;
	pthread_t answered_on;
};

struct fx {
	struct hal_clock clock;
	struct hal_loop loop;
	struct hal_rng rng;
	struct store *store;
	struct outbox *ob;
	struct routing_backoff_cfg backoff;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int answered;
	struct pending p[TOTAL];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct store_opts so = { .path = ":memory:" };
	struct outbox_config c = {
		.loop = &f->loop, .rng = &f->rng, .backoff = &f->backoff,
		.busy_retry_ms = 1000, .default_validity_s = 3600,
	};

	assert_int_equal(hal_vclock_new(&f->clock, T0), 0);
	assert_int_equal(hal_loop_sim_new(&f->loop, &f->clock), 0);
	assert_int_equal(hal_rng_sim_new(&f->rng, 7), 0);
	assert_int_equal(store_open(&f->store, &so), 0);
	f->backoff = (struct routing_backoff_cfg){ .base_ms = 1000, .max_ms = 8000,
						   .floor_ms = 100, .max_attempts = 3 };
	c.store = f->store;
	assert_int_equal(outbox_new(&f->ob, &c), 0);
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	outbox_destroy(f->ob);
	store_close(f->store);
	hal_loop_destroy(&f->loop);
	hal_rng_destroy(&f->rng);
	hal_vclock_destroy(&f->clock);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	free(f);
	return 0;
}

struct done_arg {
	struct fx *f;
	struct pending *p;
};

static struct done_arg args[TOTAL];

static void on_done(void *arg, int rc, const struct outbox_result *res)
{
	struct done_arg *a = arg;

	pthread_mutex_lock(&a->f->mu);
	a->p->rc = rc;
	a->p->res = *res;
	a->p->calls++;
	a->p->answered_on = pthread_self();
	a->f->answered++;
	pthread_cond_broadcast(&a->f->cv);
	pthread_mutex_unlock(&a->f->mu);
}

static void wait_answers(struct fx *f, int n)
{
	pthread_mutex_lock(&f->mu);
	while (f->answered < n)
		pthread_cond_wait(&f->cv, &f->mu);
	pthread_mutex_unlock(&f->mu);
}

static int submit(struct fx *f, int i, const char *key)
{
	struct pending *p = &f->p[i];

	p->m = (struct outbox_msg){ .to = "+4917612345678", .body = p->body };
	p->m.body_len = (size_t)snprintf(p->body, sizeof(p->body), "async %d", i);
	if (key) {
		/* "same" as given; "ka" made unique per request */
		if (strcmp(key, "ka") == 0)
			snprintf(p->key, sizeof(p->key), "ka-%d", i);
		else
			snprintf(p->key, sizeof(p->key), "%s", key);
		p->m.idem_key = p->key;
	}
	args[i] = (struct done_arg){ .f = f, .p = p };
	return outbox_enqueue_async(f->ob, &p->m, on_done, &args[i]);
}

struct submitter {
	struct fx *f;
	int first;
	int refused;
	int sync_bad;
};

/* Each thread also makes one blocking enqueue, so groups mix both kinds. */
static void *submitter_main(void *arg)
{
	struct submitter *s = arg;
	struct outbox_msg m = { .to = "+4917612345679", .body = "sync", .body_len = 4 };
	struct outbox_result r;

	for (int i = 0; i < PER_THREAD; i++) {
		if (submit(s->f, s->first + i, "ka") != 0)
			s->refused++;
		if (i == PER_THREAD / 2 && (outbox_enqueue(s->f->ob, &m, &r) != 0 || !r.id))
			s->sync_bad++;
	}
	return NULL;
}

static void test_async_many_threads(void **state)
{
	struct fx *f = *state;
	struct submitter s[THREADS];
	pthread_t t[THREADS];
	struct outbox_metrics mt;
	uint64_t n;

	for (int i = 0; i < THREADS; i++) {
		s[i] = (struct submitter){ .f = f, .first = i * PER_THREAD };
		assert_int_equal(pthread_create(&t[i], NULL, submitter_main, &s[i]), 0);
	}
	for (int i = 0; i < THREADS; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(s[i].refused, 0);
		assert_int_equal(s[i].sync_bad, 0);
	}
	wait_answers(f, TOTAL);
	for (int i = 0; i < TOTAL; i++) {
		struct pending *p = &f->p[i];
		struct store_msg got;

		assert_int_equal(p->calls, 1);
		assert_int_equal(p->rc, 0);
		assert_false(p->res.replay);
		assert_int_equal(p->res.status, MSG_QUEUED);
		assert_string_equal(p->res.encoding, "gsm7");
		assert_int_equal(p->res.segments, 1);
		assert_false(pthread_equal(p->answered_on, pthread_self()));
		/* Committed before the answer: the row is there, byte for byte. */
		assert_int_equal(store_msg_get(f->store, p->res.id, &got), 0);
		assert_int_equal(got.body_len, p->m.body_len);
		assert_memory_equal(got.body, p->body, p->m.body_len);
		store_msg_release(&got);
	}
	assert_int_equal(store_count_status(f->store, MSG_QUEUED, &n), 0);
	assert_int_equal(n, TOTAL + THREADS);
	outbox_metrics_get(f->ob, &mt);
	assert_int_equal(mt.enqueued, TOTAL + THREADS);
}

/* Submits a copy of p[from]'s message as request i (same key), with body. */
static void resubmit(struct fx *f, int i, int from, const char *body)
{
	f->p[i].m = f->p[from].m;
	f->p[i].m.body = body;
	f->p[i].m.body_len = strlen(body);
	args[i] = (struct done_arg){ .f = f, .p = &f->p[i] };
	assert_int_equal(outbox_enqueue_async(f->ob, &f->p[i].m, on_done, &args[i]), 0);
}

static void test_async_idempotency(void **state)
{
	struct fx *f = *state;

	assert_int_equal(submit(f, 0, "same"), 0);
	wait_answers(f, 1);
	assert_int_equal(f->p[0].rc, 0);
	assert_false(f->p[0].res.replay);
	/* The same key and payload: the earlier message, flagged a replay. */
	resubmit(f, 1, 0, f->p[0].body);
	wait_answers(f, 2);
	assert_int_equal(f->p[1].rc, 0);
	assert_true(f->p[1].res.replay);
	assert_int_equal(f->p[1].res.id, f->p[0].res.id);
	/* The same key with another payload: -EEXIST, with the earlier id. */
	resubmit(f, 2, 0, "other");
	wait_answers(f, 3);
	assert_int_equal(f->p[2].rc, -EEXIST);
	assert_int_equal(f->p[2].res.id, f->p[0].res.id);
}

static void test_async_refused_at_once(void **state)
{
	struct fx *f = *state;
	struct outbox_msg bad = { .to = "4917612345678", .body = "x", .body_len = 1 };
	uint64_t n;

	args[0] = (struct done_arg){ .f = f, .p = &f->p[0] };
	assert_int_equal(outbox_enqueue_async(f->ob, &bad, on_done, &args[0]), -EINVAL);
	bad.to = "+4917612345678";
	assert_int_equal(outbox_enqueue_async(f->ob, &bad, NULL, NULL), -EINVAL);
	bad.encoding = "latin1";
	assert_int_equal(outbox_enqueue_async(f->ob, &bad, on_done, &args[0]), -EINVAL);
	assert_int_equal(outbox_enqueue_async(NULL, &bad, on_done, &args[0]), -EINVAL);
	assert_int_equal(f->answered, 0);
	assert_int_equal(store_count_status(f->store, MSG_QUEUED, &n), 0);
	assert_int_equal(n, 0);
}

/* What was taken before outbox_destroy is committed and answered before
 * it returns; after that nothing is taken. */
static void test_async_destroy_answers_pending(void **state)
{
	struct fx *f = *state;
	uint64_t n;

	for (int i = 0; i < 20; i++)
		assert_int_equal(submit(f, i, NULL), 0);
	outbox_destroy(f->ob);
	f->ob = NULL;
	assert_int_equal(f->answered, 20);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(f->p[i].calls, 1);
		assert_int_equal(f->p[i].rc, 0);
	}
	assert_int_equal(store_count_status(f->store, MSG_QUEUED, &n), 0);
	assert_int_equal(n, 20);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_async_many_threads),
		T(test_async_idempotency),
		T(test_async_refused_at_once),
		T(test_async_destroy_answers_pending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
