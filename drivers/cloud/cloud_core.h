/* Internal: what the Twilio and Telesign channels share. One cloud_core per
 * channel: a curl_loop, the submitted jobs (one POST each, with retries),
 * fire-and-forget GETs for polling, health, counters. */
#ifndef CLOUD_CORE_H
#define CLOUD_CORE_H


#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cloud/cloud.h"
#include "cloud/curl_loop.h"
#include "cloud/twilio.h"
#include "drivers/channel.h"
#include "hal/loop.h"

#define CLOUD_RESP_MAX (256 * 1024) /* a larger answer fails the exchange */

/* A growable, bounded text buffer (always NUL-terminated when len > 0). */
struct cloud_buf {
	char *data;
	size_t len;
	size_t cap;
};
int cloud_buf_append(struct cloud_buf *b, const char *s, size_t n);
int cloud_buf_puts(struct cloud_buf *b, const char *s);
/* Appends "&name=value" (no '&' first), both %-escaped. */
int cloud_buf_add_param(struct cloud_buf *b, const char *name, const char *value);
void cloud_buf_free(struct cloud_buf *b);

enum cloud_verdict_kind {
	CLOUD_ACCEPTED, /* ref holds the provider's id */
	CLOUD_FAILED,   /* code/retryable/text/status say why */
	CLOUD_RETRY,    /* not acted on by the provider: retry (429, 5xx) */
};

struct cloud_verdict {
	enum cloud_verdict_kind kind;
	int status; /* -errno for CLOUD_FAILED */
	int code;   /* provider's code, 0 none */
	bool retryable;
	char ref[CHANNEL_REF_MAX];
	char text[CHANNEL_TEXT_MAX];
};

struct cloud_provider {
	void *arg;
	/* Judge a completed HTTP exchange of a submit. */
	void (*classify)(void *arg, long http_status, const char *body, size_t len,
			 struct cloud_verdict *v);
	/* A message was accepted with ref (e.g. start polling it). May be NULL. */
	void (*accepted)(void *arg, uint64_t msg_id, const char *to, const char *ref);
};

struct cloud_job;
struct cloud_get;

struct cloud_core {
	struct hal_loop *loop;
	struct curl_loop *cl;
	char name[32];
	struct cloud_http_config http;
	struct channel_events ev;
	struct cloud_provider prov;
	char *username;
	char *password;
	struct cloud_job *jobs;
	struct cloud_get *gets;
	unsigned in_flight; /* jobs taken and not done */
	unsigned transport_failures; /* consecutive */
	bool reachable;
	struct cloud_stats stats;
};

int cloud_core_init(struct cloud_core *c, struct hal_loop *loop, const char *name,
		    const struct cloud_http_config *http, const struct channel_events *ev,
		    const struct cloud_provider *prov, const char *username, const char *password);
void cloud_core_fini(struct cloud_core *c);

/* Take a message: POST body (form) to url. Copies everything. Returns 0,
 * -EBUSY (max_in_flight), -ENOMEM. submit_done follows later, once. */
int cloud_core_submit(struct cloud_core *c, uint64_t msg_id, const char *to, const char *url,
		      const char *body);
/* Cancel a message waiting for its first or next attempt. Returns 0,
 * -ENOENT, or -EINPROGRESS (a request is on the wire now). */
int cloud_core_cancel(struct cloud_core *c, uint64_t msg_id);

/* GET url; cb gets rc 0 and the HTTP status and body, or rc -errno
 * (transport failure, body NULL). Returns 0 or -errno (no callback). */
typedef void (*cloud_get_cb)(void *arg, int rc, long http_status, const char *body,
			     size_t len);
int cloud_core_get(struct cloud_core *c, const char *url, cloud_get_cb cb, void *arg);

int cloud_core_health(struct cloud_core *c, struct channel_health *out);

/* Copy src into dst[n] (NUL-terminated); -E2BIG when it does not fit. */
int cloud_copy(char *dst, size_t n, const char *src);
/* Map a lifecycle status onto a delivery state. */
enum channel_delivery cloud_delivery_of(int msg_status);

#endif
