/* Private to app/api: the per-request state and the handlers. */
#ifndef API_INTERNAL_H
#define API_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api/api.h"
#include "api/api_auth.h"
#include "api/api_json.h"
#include "api/api_routes.h"

struct MHD_Connection;
struct api_server;
struct api_msg_call;

/* A request waiting for the backend without holding its thread (async.c). */
enum api_async_state {
	API_ASYNC_NONE,
	API_ASYNC_PENDING,   /* submitted; the handler has not returned yet */
	API_ASYNC_SUSPENDED, /* the connection waits for the backend's answer */
	API_ASYNC_DONE,      /* answered: the next on_request responds */
};

struct api_req {
	struct api_server *srv;
	const struct api_backend *be;
	const struct api_config *cfg;
	struct MHD_Connection *conn;
	char *raw_uri;         /* the request target as received (query included) */
	bool started;          /* on_request has seen the request line */
	const struct api_route *route;
	char path_buf[512];
	const char *params[API_MAX_PARAMS];
	size_t n_params;
	struct api_principal who;
	bool twilio;           /* errors in Twilio's shape */
	/* the body */
	char *body;
	size_t body_len, body_cap;
	bool too_big;
	/* the response */
	int status;
	json_t *resp;          /* JSON body, or NULL with text */
	char *text;            /* malloc'd text body (metrics) */
	size_t text_len;
	const char *content_type;
	char retry_after[16];
	char location[128];
	bool done;             /* response queued */
	/* a message create in flight (async.c); async under the server's
	 * api_async lock while a backend thread may look at it */
	enum api_async_state async;
	struct api_msg_call *call;
	bool async_counted; /* in api_async.pending until on_completed */
	size_t max_body;    /* the server's limit when the request came */
};

/* Set an error response ({"error":{...}} or Twilio's shape). Returns 0. */
int api_err(struct api_req *r, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Error for a backend -errno. Returns 0. */
int api_err_errno(struct api_req *r, int err, const char *what);
/* Set a JSON response (steals obj). Returns 0. */
int api_ok(struct api_req *r, int status, json_t *obj);

/* Query string value or NULL. */
const char *api_query(struct api_req *r, const char *key);
/* Request header or NULL. */
const char *api_header(struct api_req *r, const char *key);
/* Parse the body as strict JSON and check it; on error the 400 is set and
 * NULL returned. */
json_t *api_body_json(struct api_req *r, const struct api_field *f, size_t n);
/* Parse a path parameter as a positive id; 0 on error (404 set). */
uint64_t api_param_id(struct api_req *r, size_t idx);
/* Read ?cursor= and ?limit= into page; on error 400 set and -EINVAL. */
int api_page_from_query(struct api_req *r, struct api_page *page);
/* {"data": arr, "next_cursor": cursor or null}. Steals arr. */
json_t *api_list_json(json_t *arr, const char *next_cursor);
/* Append an audit event for the caller. */
void api_audit(struct api_req *r, const char *action, const char *target_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A paged list handler's parts (list.c). fetch calls the backend's list op
 * with arg (the handler's filter) and fills at most page->limit items of
 * item_size bytes into out; render makes one item's JSON; what names the
 * list in an error ("users"). */
struct api_list {
	size_t item_size;
	int (*fetch)(struct api_req *r, const void *arg, const struct api_page *page, void *out,
		     size_t *n, char *next_cursor);
	json_t *(*render)(const void *item);
	const char *what;
};
/* Fetch one page and reply {"data":[...],"next_cursor":...}, or the error
 * (500 when out of memory, else the fetch's -errno). Returns 0. */
int api_list_run(struct api_req *r, const struct api_page *page, const struct api_list *l,
		 const void *arg);
/* api_list_run on the page of ?cursor= and ?limit= (400 when bad). */
int api_list_send(struct api_req *r, const struct api_list *l, const void *arg);

/* Message creates in flight (async.c); one per server. */
struct api_async {
	pthread_mutex_t mu;
	pthread_cond_t idle;
	unsigned pending; /* submitted creates not yet answered and completed */
	bool stopping;    /* the server is stopping: creates are refused */
	bool ready;
};
int api_async_init(struct api_async *a);
/* Refuses new creates and waits until every pending one is answered and
 * its response sent: MHD_stop_daemon must find no connection suspended,
 * and a committed message's 202 is not cut off. */
void api_async_drain(struct api_async *a);
void api_async_destroy(struct api_async *a);
struct api_async *api_server_async(struct api_server *s); /* server.c */

/* Sets r's response for a create's outcome: rc as msg_create returns, m the
 * message (the earlier one on a replay). */
typedef void (*api_msg_respond_fn)(struct api_req *r, int rc, bool replay,
				   const struct api_msg *m);
/* Creates the message n (its body is copied). With the backend's
 * msg_create_async the connection is suspended until the commit answers
 * (r->async != NONE when this returns), else respond runs before this
 * returns. Returns 0. */
int api_msg_submit(struct api_req *r, const struct api_msg_new *n, api_msg_respond_fn respond);
/* on_request for a request with r->async set: true while the connection
 * stays suspended (return MHD_YES), false when the response is set. */
bool api_async_step(struct api_req *r);
/* on_completed: what a create left behind. */
void api_async_free(struct api_req *r);

/* For a message whose body is cut (body_total > body_len): the whole text
 * from the backend's msg_body into o's "body", and the cut's marks
 * removed. Returns 0, or the backend's -errno (o left as it was). */
int api_msg_full_body(struct api_req *r, const struct api_msg *m, json_t *o);

/* JSON renderers. */
json_t *api_msg_json(const struct api_msg *m);
json_t *api_user_json(const struct api_user *u);
json_t *api_token_json(const struct api_token *t);
json_t *api_contact_json(const struct api_contact *c);
json_t *api_conv_json(const struct api_conversation *c);
json_t *api_tpl_json(const struct api_template *t);
json_t *api_channel_json(const struct api_channel *c);
json_t *api_webhook_json(const struct api_webhook *w, bool with_secret);
json_t *api_audit_json(const struct api_audit_event *e);

/* Handlers (route table in routes.c). */
int api_h_health(struct api_req *r);
int api_h_metrics(struct api_req *r);
int api_h_msg_create(struct api_req *r);
int api_h_msg_preview(struct api_req *r);
int api_h_msg_get(struct api_req *r);
int api_h_msg_list(struct api_req *r);
int api_h_msg_cancel(struct api_req *r);
int api_h_conv_list(struct api_req *r);
int api_h_conv_messages(struct api_req *r);
int api_h_contact_create(struct api_req *r);
int api_h_contact_get(struct api_req *r);
int api_h_contact_list(struct api_req *r);
int api_h_contact_update(struct api_req *r);
int api_h_contact_delete(struct api_req *r);
int api_h_tpl_create(struct api_req *r);
int api_h_tpl_get(struct api_req *r);
int api_h_tpl_list(struct api_req *r);
int api_h_tpl_update(struct api_req *r);
int api_h_tpl_delete(struct api_req *r);
int api_h_user_create(struct api_req *r);
int api_h_user_get(struct api_req *r);
int api_h_user_list(struct api_req *r);
int api_h_user_update(struct api_req *r);
int api_h_user_delete(struct api_req *r);
int api_h_token_create(struct api_req *r);
int api_h_token_list(struct api_req *r);
int api_h_token_revoke(struct api_req *r);
int api_h_channel_list(struct api_req *r);
int api_h_channel_get(struct api_req *r);
int api_h_channel_update(struct api_req *r);
int api_h_channel_assign(struct api_req *r);
int api_h_webhook_create(struct api_req *r);
int api_h_webhook_get(struct api_req *r);
int api_h_webhook_list(struct api_req *r);
int api_h_webhook_delete(struct api_req *r);
int api_h_audit_list(struct api_req *r);
int api_h_tw_create(struct api_req *r);
int api_h_tw_get(struct api_req *r);
int api_h_tw_list(struct api_req *r);
int api_h_cb_twilio(struct api_req *r);
int api_h_cb_telesign(struct api_req *r);

/* Provider callback keys and sink (callbacks.c), swapped under a mutex. */
struct api_cb_state;
int api_cb_state_new(struct api_cb_state **out, const struct api_callbacks_config *c);
int api_cb_state_set(struct api_cb_state *st, const struct api_callbacks_config *c);
void api_cb_state_free(struct api_cb_state *st);
struct api_cb_state *api_server_cb(struct api_server *s); /* server.c */

/* Twilio facade helpers (twilio.c). */
void api_twilio_sid(const struct api_config *cfg, uint64_t id, char out[35]);
int api_twilio_sid_parse(const struct api_config *cfg, const char *sid, uint64_t *id);
const char *api_twilio_status(enum msg_status s);
json_t *api_twilio_msg_json(const struct api_config *cfg, const struct api_msg *m);

/* Parse the PEM certificate and key and check that they pair (tls.c).
 * 0, or -EINVAL with the reason logged. */
int api_tls_check(const char *cert_pem, const char *key_pem);

/* Rate limiter (ratelimit.c). */
/* The smallest MHD connection memory pool (4 x max_header_bytes when that
 * is larger). libmicrohttpd 0.9.75 takes a pool above 32 KiB with mmap and
 * gives it back with munmap per connection (a TLB shoot-down on every
 * refused request, docs/benchmarks.md); 32 KiB comes from malloc. */
#define API_POOL_MIN 32768

struct api_ratelimit;
/* per_min 0: unlimited (take always returns 0). */
int api_ratelimit_new(struct api_ratelimit **out, unsigned per_min);
void api_ratelimit_free(struct api_ratelimit *rl);
/* A new limit (SIGHUP); every bucket starts full again. */
void api_ratelimit_set(struct api_ratelimit *rl, unsigned per_min);
/* 0 when allowed, else the seconds to wait (>= 1). */
unsigned api_ratelimit_take(struct api_ratelimit *rl, uint64_t token_id, int64_t now_ms);

#endif
