/* Message creates that do not hold a server thread for their commit.
 *
 * A durable create waits for its group commit (an fsync). Waiting on the
 * MHD thread would cap a group at the number of server threads, and so the
 * rate at threads per commit time. With the backend's msg_create_async the
 * request joins the commit, the connection is suspended (libmicrohttpd's
 * suspend/resume), and the thread serves other connections. The backend's
 * done callback, on the committer thread, resumes the connection; MHD then
 * calls on_request again, which lands in api_async_step and answers.
 *
 * States of a request, under a->mu: PENDING (submitted, the handler has
 * not returned yet), SUSPENDED, DONE. done may run before the handler
 * returns (then nothing is suspended). The stop drains: new creates are
 * refused, and MHD_stop_daemon (which must not find a suspended
 * connection) waits until every create submitted has been answered and
 * its response sent (on_completed): a commit that was made is answered,
 * not cut off by the stop. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "api_internal.h"

/* What a create in flight needs: the job and the storage it points to. */
struct api_msg_call {
	struct api_msg_job job; /* first: done gets &job */
	struct api_msg out;
	char text[API_BODY_BYTES_MAX + 1];
	struct api_req *r;
	api_msg_respond_fn respond;
};

int api_async_init(struct api_async *a)
{
	memset(a, 0, sizeof(*a));
	if (pthread_mutex_init(&a->mu, NULL))
		return -ENOMEM;
	if (pthread_cond_init(&a->idle, NULL)) {
		pthread_mutex_destroy(&a->mu);
		return -ENOMEM;
	}
	a->ready = true;
	return 0;
}

void api_async_drain(struct api_async *a)
{
	if (!a->ready)
		return;
	pthread_mutex_lock(&a->mu);
	a->stopping = true;
	while (a->pending)
		pthread_cond_wait(&a->idle, &a->mu);
	pthread_mutex_unlock(&a->mu);
}

void api_async_destroy(struct api_async *a)
{
	if (!a->ready)
		return;
	pthread_cond_destroy(&a->idle);
	pthread_mutex_destroy(&a->mu);
	a->ready = false;
}

static void pending_done(struct api_async *a)
{
	pthread_mutex_lock(&a->mu);
	if (--a->pending == 0)
		pthread_cond_broadcast(&a->idle);
	pthread_mutex_unlock(&a->mu);
}

/* The backend's answer, on its thread. r is not touched after a->mu is
 * released unless the connection is suspended: a running handler may
 * answer and free it at once. A suspended one waits for our resume. */
static void on_job_done(struct api_msg_job *job)
{
	struct api_msg_call *c = (struct api_msg_call *)job;
	struct api_req *r = c->r;
	struct api_async *a = api_server_async(r->srv);
	struct MHD_Connection *conn = r->conn;
	bool suspended;

	pthread_mutex_lock(&a->mu);
	suspended = r->async == API_ASYNC_SUSPENDED;
	r->async = API_ASYNC_DONE;
	pthread_mutex_unlock(&a->mu);
	if (suspended)
		MHD_resume_connection(conn);
}

/* A replay answers with the earlier message as it is now. */
static void finish(struct api_req *r)
{
	struct api_msg_call *c = r->call;
	int rc = c->job.rc;

	r->call = NULL;
	if (rc == 0 && c->job.replay)
		rc = r->be->ops->msg_get(r->be->ctx, c->out.id, &c->out);
	c->respond(r, rc, c->job.replay, &c->out);
	free(c);
}

bool api_async_step(struct api_req *r)
{
	struct api_async *a = api_server_async(r->srv);
	bool waiting;

	pthread_mutex_lock(&a->mu);
	if (r->async == API_ASYNC_PENDING) {
		MHD_suspend_connection(r->conn);
		r->async = API_ASYNC_SUSPENDED;
	}
	waiting = r->async == API_ASYNC_SUSPENDED;
	pthread_mutex_unlock(&a->mu);
	if (waiting)
		return true;
	r->async = API_ASYNC_NONE; /* done has run: no other thread has r */
	finish(r);
	return false;
}

int api_msg_submit(struct api_req *r, const struct api_msg_new *n, api_msg_respond_fn respond)
{
	struct api_async *a = api_server_async(r->srv);
	struct api_msg_call *c;
	bool replay = false;
	int rc;

	if (n->body_len > API_BODY_BYTES_MAX)
		return api_err(r, 400, "too_long", "the message text exceeds %d bytes",
			       API_BODY_BYTES_MAX);
	c = calloc(1, sizeof(*c));
	if (!c)
		return api_err(r, 500, "internal", "out of memory");
	c->job.in = *n;
	if (n->body_len)
		memcpy(c->text, n->body, n->body_len);
	c->job.in.body = c->text;
	c->job.out = &c->out;
	c->job.done = on_job_done;
	c->r = r;
	c->respond = respond;
	if (!r->be->ops->msg_create_async) {
		rc = r->be->ops->msg_create(r->be->ctx, &c->job.in, &c->out, &replay);
		respond(r, rc, replay, &c->out);
		free(c);
		return 0;
	}
	pthread_mutex_lock(&a->mu);
	rc = a->stopping ? -EAGAIN : 0;
	if (!rc) {
		a->pending++; /* until on_completed (api_async_free) */
		r->async_counted = true;
		r->async = API_ASYNC_PENDING;
		r->call = c;
	}
	pthread_mutex_unlock(&a->mu);
	if (!rc && (rc = r->be->ops->msg_create_async(r->be->ctx, &c->job)) != 0) {
		r->async = API_ASYNC_NONE; /* refused before the commit: no done */
		r->call = NULL;
		r->async_counted = false;
		pending_done(a);
	}
	if (rc) {
		respond(r, rc, false, &c->out);
		free(c);
	}
	return 0;
}

void api_async_free(struct api_req *r)
{
	free(r->call);
	r->call = NULL;
	if (r->async_counted) {
		r->async_counted = false;
		pending_done(api_server_async(r->srv));
	}
}
