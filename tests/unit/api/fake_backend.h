/* An in-memory struct api_backend for the API tests: every op the server
 * calls, with counters the tests assert on ("nothing stored"). */
#ifndef FAKE_BACKEND_H
#define FAKE_BACKEND_H

#include <pthread.h>

#include "api/api_backend.h"

#define FB_MAX 64
#define FB_MSGS 128

struct fake_backend {
	pthread_mutex_t mu;
	int64_t now;
	uint32_t rnd;
	unsigned wakes;
	bool not_ready;
	struct api_user users[FB_MAX];
	size_t n_users;
	struct { struct api_token t; uint8_t hash[API_HASH_LEN]; bool revoked; } tokens[FB_MAX];
	size_t n_tokens;
	struct api_msg *msgs; /* FB_MSGS */
	struct { char key[API_KEY_MAX]; uint8_t hash[API_HASH_LEN]; uint64_t user; } idem[FB_MSGS];
	size_t n_msgs;
	struct api_contact contacts[FB_MAX];
	size_t n_contacts;
	struct api_template *tpls; /* FB_MAX */
	size_t n_tpls;
	struct api_conversation convs[FB_MAX];
	size_t n_convs;
	struct api_channel channels[4];
	size_t n_channels;
	struct api_webhook webhooks[FB_MAX];
	size_t n_webhooks;
	struct api_audit_event audit[FB_MAX * 4];
	size_t n_audit;
	uint64_t backlog;
	/* msg_create_async (fake_backend_async_ops()): answered at once, or
	 * held until fake_async_release when hold is set; refuse != 0 is
	 * returned instead. Under mu; held_cv signals a new held job. */
	bool hold;
	int refuse;
	pthread_cond_t held_cv;
	struct api_msg_job *held[FB_MAX];
	size_t n_held;
	/* fake_add_long_inbound's message: its whole text */
	uint64_t long_id;
	char *long_text;
};

extern const struct api_backend_ops fake_backend_ops;
/* fake_backend_ops plus msg_create_async (a static copy, made on the
 * first call). */
const struct api_backend_ops *fake_backend_async_ops(void);

/* An inbound message for user whose text is longer than struct api_msg's
 * body (stored cut, with body_total); msg_body gives it whole. Returns the
 * message id. */
uint64_t fake_add_long_inbound(struct fake_backend *fb, uint64_t user, const char *text);

/* Waits until n jobs are held. */
void fake_async_wait_held(struct fake_backend *fb, size_t n);
/* Creates the held messages and calls their done, on this thread. */
void fake_async_release(struct fake_backend *fb);

void fake_backend_init(struct fake_backend *fb);
void fake_backend_fini(struct fake_backend *fb);
/* Add a user and a token for it; returns the token text (static per slot). */
uint64_t fake_add_user(struct fake_backend *fb, const char *name, enum api_role role,
		       const char *bu, char token_out[65]);
/* Totals of stored objects (messages + contacts + templates + users +
 * webhooks + tokens), to assert that bad input stored nothing. */
size_t fake_stored(struct fake_backend *fb);

#endif
