/* Message creates over a backend with msg_create_async: the connection is
 * suspended while the commit is pending, so one server thread serves many
 * waiting creates; answers that come before the handler returns; replays,
 * conflicts and refusals keep their statuses; a stop with creates pending
 * waits for their answers. Synchronises on the fake backend's held jobs,
 * never on time. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>

#include "api/api.h"
#include "api_http_harness.h"

#define CLIENTS 8
#define TW_PATH "/2010-04-01/Accounts/" ACCT "/Messages.json"

/* One server thread: a create that held it would stall every other. */
static int setup_one_thread(void **state)
{
	struct api_config cfg = { .bind_addr = "127.0.0.1", .twilio_account_sid = ACCT,
				  .rate_per_min = 100000, .threads = 1 };

	return setup_ops(state, &cfg, fake_backend_async_ops());
}

/* Answered before the handler returns: nothing is suspended. */
static void test_answer_before_return(void **state)
{
	struct env *e = *state;
	const char *body = "{\"to\":\"+14155550100\",\"body\":\"hi\"}";
	const char *key = "Idempotency-Key: k1";
	struct resp r;
	uint64_t id;

	r = call(e, "POST", "/api/v1/messages", bearer(e->sales), body, key);
	expect_status(&r, 202);
	id = (uint64_t)json_integer_value(json_object_get(r.json, "id"));
	assert_true(id > 0);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "queued");
	assert_false(json_is_true(json_object_get(r.json, "replayed")));
	resp_free(&r);
	/* Replay: the earlier message, read back (job->out carries the id). */
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales), body, key);
	expect_status(&r, 202);
	assert_int_equal(json_integer_value(json_object_get(r.json, "id")), id);
	assert_true(json_is_true(json_object_get(r.json, "replayed")));
	assert_string_equal(json_string_value(json_object_get(r.json, "to")), "+14155550100");
	resp_free(&r);
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales),
		 "{\"to\":\"+14155550100\",\"body\":\"other\"}", key);
	assert_error(&r, 409, "idempotency_conflict");
	resp_free(&r);
	r = call(e, "POST", TW_PATH, basic_auth(e->sales), "To=%2B14155550101&Body=tw", NULL);
	expect_status(&r, 201);
	assert_string_equal(json_string_value(json_object_get(r.json, "body")), "tw");
	resp_free(&r);
	assert_int_equal(e->fb.n_msgs, 2);
	assert_int_equal(e->fb.wakes, 2);
}

struct client {
	struct env *e;
	int idx;
	struct resp r;
};

static void *client_main(void *arg)
{
	struct client *c = arg;
	char body[80];

	snprintf(body, sizeof(body), "{\"to\":\"+1415555%04d\",\"body\":\"c%d\"}", c->idx,
		 c->idx);
	c->r = call(c->e, "POST", "/api/v1/messages", bearer(c->e->sales), body, NULL);
	return NULL;
}

static void start_clients(struct env *e, struct client *c, pthread_t *t)
{
	for (int i = 0; i < CLIENTS; i++) {
		c[i] = (struct client){ .e = e, .idx = i };
		assert_int_equal(pthread_create(&t[i], NULL, client_main, &c[i]), 0);
	}
}

/* Every client's create reaches the backend while none is answered: the
 * one thread was never held. It still answers other requests meanwhile. */
static void test_one_thread_many_pending(void **state)
{
	struct env *e = *state;
	struct client c[CLIENTS];
	pthread_t t[CLIENTS];
	struct resp r;

	e->fb.hold = true;
	start_clients(e, c, t);
	fake_async_wait_held(&e->fb, CLIENTS);
	r = call(e, "GET", "/health", NULL, NULL, NULL);
	expect_status(&r, 200);
	resp_free(&r);
	assert_int_equal(e->fb.n_msgs, 0);
	fake_async_release(&e->fb);
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(t[i], NULL);
		expect_status(&c[i].r, 202);
		for (int j = 0; j < i; j++)
			assert_true(json_integer_value(json_object_get(c[i].r.json, "id")) !=
				    json_integer_value(json_object_get(c[j].r.json, "id")));
	}
	for (int i = 0; i < CLIENTS; i++)
		resp_free(&c[i].r);
	assert_int_equal(e->fb.n_msgs, CLIENTS);
}

/* Refused before the commit: the backend's error, in the error shape. */
static void test_refused_at_once(void **state)
{
	struct env *e = *state;
	struct resp r;

	e->fb.refuse = -EAGAIN;
	r = call(e, "POST", "/api/v1/messages", bearer(e->sales),
		 "{\"to\":\"+14155550100\",\"body\":\"hi\"}", NULL);
	assert_error(&r, 503, NULL);
	resp_free(&r);
	e->fb.refuse = -EINVAL;
	r = call(e, "POST", TW_PATH, basic_auth(e->sales), "To=%2B14155550101&Body=tw", NULL);
	assert_int_equal(r.status, 400);
	resp_free(&r);
	assert_int_equal(e->fb.n_msgs, 0);
}

static void *stop_main(void *arg)
{
	struct env *e = arg;

	api_server_stop(e->srv);
	return NULL;
}

/* A stop with creates pending waits for their answers and sends them (MHD
 * must not be stopped with a suspended connection, and a committed
 * message gets its 202), then completes. */
static void test_stop_with_pending(void **state)
{
	struct env *e = *state;
	struct client c[CLIENTS];
	pthread_t t[CLIENTS], stopper;

	e->fb.hold = true;
	start_clients(e, c, t);
	fake_async_wait_held(&e->fb, CLIENTS);
	assert_int_equal(pthread_create(&stopper, NULL, stop_main, e), 0);
	fake_async_release(&e->fb);
	pthread_join(stopper, NULL);
	e->srv = NULL; /* stopped: teardown's stop is a no-op */
	for (int i = 0; i < CLIENTS; i++) {
		pthread_join(t[i], NULL);
		/* Committed, so answered before the server stopped. */
		expect_status(&c[i].r, 202);
		resp_free(&c[i].r);
	}
	assert_int_equal(e->fb.n_msgs, CLIENTS);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup_one_thread, teardown)
	const struct CMUnitTest tests[] = {
		T(test_answer_before_return),
		T(test_one_thread_many_pending),
		T(test_refused_at_once),
		T(test_stop_with_pending),
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
