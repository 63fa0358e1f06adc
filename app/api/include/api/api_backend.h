/* api_backend: everything app/api needs from the rest of the appliance, as
 * one ops table plus a context (like the HAL seams). The API never touches
 * SQL, the outbox or a channel: the firmware fills this table from the
 * store, outbox and CRM modules; the tests fill it with a fake.
 *
 * Threading: the HTTP server calls these ops from its own threads, several
 * at once. Every op MUST be safe to call concurrently (the store serialises
 * on its connection mutex).
 *
 * Strings: every char array below is NUL-terminated; the API has already
 * validated what it passes in (lengths within the API_*_MAX limits, no
 * control characters except \n \r \t in bodies, E.164 numbers), so the
 * backend stores text byte for byte, never trims, never truncates. Text the
 * backend returns MUST fit the arrays (it was validated on the way in).
 *
 * Return values of every int op: 0 on success or -errno, mapped onto HTTP by
 * the API (api_errno_status in api.h):
 *   -EINVAL  bad argument the API could not check itself   -> 400
 *   -ENOENT  no such object (or not visible to the caller)  -> 404
 *   -EEXIST  conflict: unique name taken, idempotency key
 *            reused with another payload                    -> 409
 *   -EPERM   illegal lifecycle move (cancel a sent message) -> 409
 *   -EACCES  the actor may not touch this object            -> 403
 *   -E2BIG   too much (e.g. too many numbers)               -> 400
 *   -EBUSY / -EAGAIN  store busy, retry                     -> 503
 *   anything else (-EIO, -ENOSPC, -ENOMEM)                  -> 500
 *
 * Lists: every list op takes a struct api_page (cursor "" = first page,
 * limit 1..API_PAGE_MAX), fills at most page->limit items into the
 * caller's array, sets *n, and writes the cursor of the next page into
 * next_cursor ("" when this was the last page). Cursors are opaque to the
 * API: it only checks they are 1..API_CURSOR_MAX-1 chars of [A-Za-z0-9_-].
 *
 * Times are wall-clock milliseconds since the Unix epoch (UTC); 0 = none. */
#ifndef API_BACKEND_H
#define API_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/msg_status.h"

#define API_NUMBER_MAX 17       /* "+" and 15 digits, NUL */
#define API_NAME_MAX 64         /* usernames, channel names, BUs, labels */
#define API_KEY_MAX 128         /* CRM record ids, idempotency keys */
#define API_TEXT_MAX 256        /* error texts, audit details */
#define API_URL_MAX 512
#define API_CURSOR_MAX 65
#define API_BODY_CHARS_MAX 1600 /* code points, like Twilio's limit */
#define API_BODY_BYTES_MAX (API_BODY_CHARS_MAX * 4)
#define API_PAGE_MAX 100
#define API_CONTACT_NUMBERS_MAX 8
#define API_HASH_LEN 32         /* SHA-256 */
#define API_METRIC_ROWS_MAX 64
#define API_MODEMS_MAX 8
#define API_LATENCY_BUCKETS 10  /* bounds in api_metrics.h */

/* ---- users, roles, tokens ---- */

enum api_role {
	API_ROLE_SALESPERSON,
	API_ROLE_SALES_MANAGER,
	API_ROLE_ADMINISTRATOR,
	API_ROLE_COUNT
};

/* Who is calling: what token_lookup returns for a valid token. */
struct api_principal {
	uint64_t user_id;
	uint64_t token_id;
	enum api_role role;
	char username[API_NAME_MAX];
	char business_unit[API_NAME_MAX];
};

struct api_user {
	uint64_t id;
	char username[API_NAME_MAX];
	enum api_role role;
	char business_unit[API_NAME_MAX];
	char channel[API_NAME_MAX]; /* assigned sending channel, "" = any */
	int64_t created_at;
};

struct api_token {
	uint64_t id;
	uint64_t user_id;
	char label[API_NAME_MAX];
	int64_t created_at;
};

/* ---- messages ---- */

enum api_msg_source {
	API_SRC_REST,   /* POST /api/v1/messages */
	API_SRC_TWILIO, /* the Twilio facade */
};

/* A message the API accepted; the backend commits it durably before the op
 * returns (the 202 follows). */
struct api_msg_new {
	uint64_t user_id;
	char business_unit[API_NAME_MAX];
	enum api_msg_source source;
	char to[API_NUMBER_MAX];          /* E.164, chosen from the contact if any */
	char from[API_NUMBER_MAX];        /* "" = the channel's own number */
	const char *body;                 /* rendered text, UTF-8, body_len bytes */
	size_t body_len;
	char encoding[8];                 /* "gsm7" / "ucs2" */
	unsigned segments;                /* >= 1 */
	char channel_pref[API_NAME_MAX];  /* "auto", "modem", "twilio", "modem0" */
	uint64_t contact_id;              /* 0 = sent to a bare number */
	char number_type[16];             /* the contact number chosen, recorded */
	char record_type[API_NAME_MAX];   /* CRM record link, "" = none */
	char record_id[API_KEY_MAX];
	uint64_t template_id;             /* 0 = none */
	int64_t send_at;                  /* > now: scheduled */
	int64_t expires_at;               /* validity end, 0 = never */
	char status_callback[API_URL_MAX];/* Twilio StatusCallback, "" = none */
	char idem_key[API_KEY_MAX];       /* Idempotency-Key, "" = none */
	uint8_t payload_hash[API_HASH_LEN]; /* SHA-256 of what was asked */
};

struct api_msg {
	uint64_t id;
	uint64_t user_id;
	uint64_t conversation_id;
	uint64_t contact_id;
	bool inbound;
	enum msg_status status;
	enum api_msg_source source;
	char to[API_NUMBER_MAX];
	char from[API_NUMBER_MAX];
	char body[API_BODY_BYTES_MAX + 1];
	size_t body_len;
	/* The whole text's bytes. More than body_len only for an inbound
	 * message of many parts longer than body[]: body then holds its start,
	 * cut on a UTF-8 boundary; msg_body gives the whole. */
	size_t body_total;
	char encoding[8];
	unsigned segments;
	char channel_pref[API_NAME_MAX];
	char channel[API_NAME_MAX];       /* "" until routed */
	char number_type[16];
	char record_type[API_NAME_MAX];
	char record_id[API_KEY_MAX];
	char business_unit[API_NAME_MAX];
	int error_code;                   /* 0 = none */
	char error_text[API_TEXT_MAX];
	int64_t created_at, updated_at, send_at, sent_at, expires_at;
};

/* A message create in flight (msg_create_async). The API owns the job and
 * keeps it, and the strings in points to, until done has run. */
struct api_msg_job {
	struct api_msg_new in;   /* the request; the backend may complete it */
	struct api_msg *out;     /* the API's buffer */
	int rc;                  /* set before done: as msg_create returns */
	bool replay;             /* set before done */
	/* Set by the API; must not block (it hands the result over). */
	void (*done)(struct api_msg_job *job);
};

struct api_msg_query {
	uint64_t user_id;                 /* 0 = every user (administrators) */
	bool any_status;
	enum msg_status status;           /* when !any_status */
	int64_t since;                    /* created_at >= since; 0 = all */
	char to[API_NUMBER_MAX];          /* "" = any (Twilio's To filter) */
	char from[API_NUMBER_MAX];        /* "" = any (Twilio's From filter) */
};

/* ---- contacts, conversations, templates ---- */

struct api_contact_number {
	char type[16];                    /* business, mobile, home, other */
	char number[API_NUMBER_MAX];
	bool do_not_text;
};

struct api_contact {
	uint64_t id;
	char name[API_NAME_MAX];
	char business_unit[API_NAME_MAX];
	char record_type[API_NAME_MAX];
	char record_id[API_KEY_MAX];
	struct api_contact_number numbers[API_CONTACT_NUMBERS_MAX];
	size_t n_numbers;
	int64_t created_at, updated_at;
};

struct api_conversation {
	uint64_t id;
	char number[API_NUMBER_MAX];      /* the other party */
	char business_unit[API_NAME_MAX];
	uint64_t contact_id;
	char record_type[API_NAME_MAX];
	char record_id[API_KEY_MAX];
	int64_t last_message_at;
};

struct api_conv_query {
	char number[API_NUMBER_MAX];      /* either a number ... */
	char record_type[API_NAME_MAX];   /* ... or a record */
	char record_id[API_KEY_MAX];
	char business_unit[API_NAME_MAX]; /* "" = every BU (administrators) */
};

enum api_tpl_scope {
	API_TPL_USER,          /* the owner's own */
	API_TPL_BUSINESS_UNIT, /* shared in a business unit (sales managers) */
};

struct api_template {
	uint64_t id;
	uint64_t owner_id;
	enum api_tpl_scope scope;
	char business_unit[API_NAME_MAX];
	char name[API_NAME_MAX];
	char body[API_BODY_BYTES_MAX + 1]; /* "{{var}}" placeholders */
	int64_t created_at, updated_at;
};

/* ---- channels ---- */

struct api_channel {
	char name[API_NAME_MAX];          /* "modem0", "twilio" */
	char kind[16];                    /* "modem", "twilio", "telesign" */
	bool enabled;
	bool healthy;                     /* provider health / modem usable */
	uint64_t queue_depth;
	/* modem only (kind "modem"); live values from the modem driver */
	int signal_dbm;                   /* 0 = unknown */
	char registration[24];            /* "home", "roaming", "searching", "denied", "unknown" */
	char operator_name[API_NAME_MAX];
	char health_text[API_TEXT_MAX];   /* last provider error, "" = fine */
};

/* ---- webhooks (subscriptions and the durable delivery queue) ---- */

enum api_webhook_event_type {
	API_EV_MESSAGE_RECEIVED,
	API_EV_MESSAGE_STATUS,
	API_EV_COUNT
};

struct api_webhook {
	uint64_t id;
	char url[API_URL_MAX];
	unsigned events;                  /* bit (1u << enum api_webhook_event_type) */
	char secret[65];                  /* 64 hex chars; shown once at creation */
	bool enabled;
	int64_t created_at;
};

/* One queued delivery. The store keeps them durably, in order per
 * conversation: fetch_due never returns a delivery while an older one of
 * the same conversation is still pending. */
struct api_webhook_delivery {
	uint64_t id;
	uint64_t webhook_id;
	uint64_t conversation_id;
	enum api_webhook_event_type type;
	char *payload;                    /* JSON body; owned by the backend */
	size_t payload_len;
	unsigned attempts;
	int64_t created_at;               /* retried until created_at + 24 h at least */
	int64_t next_attempt_at;
};

/* ---- audit ---- */

struct api_audit_event {
	uint64_t id;                      /* set by the backend */
	int64_t at;
	uint64_t actor_id;
	char actor[API_NAME_MAX];
	char action[API_NAME_MAX];        /* "user.create", "token.revoke", ... */
	char target[API_NAME_MAX];        /* "user/12", "token/7", "webhook/3" */
	char detail[API_TEXT_MAX];        /* JSON or text, "" = none */
};

/* ---- health and metrics ---- */

struct api_health {
	bool ready;                       /* store open, outbox running */
	char detail[API_TEXT_MAX];        /* why not ready */
};

struct api_metric_row {                   /* messages by status and channel */
	char channel[API_NAME_MAX];       /* "" = not routed yet */
	enum msg_status status;
	uint64_t count;
};

struct api_modem_metrics {
	char name[API_NAME_MAX];
	int signal_dbm;                   /* 0 = unknown */
	int registered;                   /* 1 home/roaming, 0 not */
};

/* Send latency: accepted -> sent, seconds, per bucket (NOT cumulative; the
 * bounds are api_metrics_latency_bounds[]; the last bucket is +Inf). */
struct api_metrics {
	struct api_metric_row rows[API_METRIC_ROWS_MAX];
	size_t n_rows;
	uint64_t queue_depth;
	uint64_t latency_buckets[API_LATENCY_BUCKETS + 1];
	double latency_sum_s;
	uint64_t latency_count;
	uint64_t retries_total;
	uint64_t possible_duplicates;     /* sends requeued by the crash rule */
	struct api_modem_metrics modems[API_MODEMS_MAX];
	size_t n_modems;
	uint64_t webhook_backlog;
};

/* ---- the ops ---- */

struct api_page {
	char cursor[API_CURSOR_MAX];      /* "" = first page */
	unsigned limit;                   /* 1..API_PAGE_MAX */
};

struct api_backend_ops {
	/* Wall clock in ms (virtual in tests): rate limits, dates. */
	int64_t (*now_ms)(void *ctx);
	/* Random bytes for tokens and webhook secrets (hal_rng on the
	 * board). Returns 0 or -errno. */
	int (*random)(void *ctx, void *buf, size_t len);
	/* Wake the core (outbox) after a message was committed or canceled. */
	void (*wake)(void *ctx);

	/* Readiness for GET /health. Returns 0 or -errno (-> not ready). */
	int (*health)(void *ctx, struct api_health *out);
	/* Fill the snapshot for GET /metrics (zeroed by the caller). */
	int (*metrics)(void *ctx, struct api_metrics *out);

	/* -- auth -- */
	/* The token whose SHA-256 is hash: fill the principal and the stored
	 * hash (the API compares it again in constant time). -ENOENT when
	 * none (or revoked). */
	int (*token_lookup)(void *ctx, const uint8_t hash[API_HASH_LEN],
			    struct api_principal *out, uint8_t stored[API_HASH_LEN]);
	/* Store a new token for user_id (only the hash). -ENOENT: no user. */
	int (*token_create)(void *ctx, uint64_t user_id, const uint8_t hash[API_HASH_LEN],
			    const char *label, struct api_token *out);
	/* Revoke at once: the next token_lookup fails. -ENOENT: no such token
	 * of that user. */
	int (*token_revoke)(void *ctx, uint64_t user_id, uint64_t token_id);
	int (*token_list)(void *ctx, uint64_t user_id, const struct api_page *page,
			  struct api_token *out, size_t *n, char *next_cursor);

	/* -- users (administrators only; the API checks) -- */
	int (*user_create)(void *ctx, const struct api_user *in, struct api_user *out);
	int (*user_get)(void *ctx, uint64_t id, struct api_user *out);
	/* Replace role, business_unit and channel of in->id. */
	int (*user_update)(void *ctx, const struct api_user *in, struct api_user *out);
	/* Also revokes the user's tokens. */
	int (*user_delete)(void *ctx, uint64_t id);
	int (*user_list)(void *ctx, const struct api_page *page, struct api_user *out, size_t *n,
			 char *next_cursor);

	/* -- messages -- */
	/* Commit a new message (accepted -> queued/scheduled) before returning.
	 * Idempotency: with a non-empty idem_key of the same user, an earlier
	 * message with the same payload_hash is returned with *replay = true
	 * and nothing is stored; another payload is -EEXIST. */
	int (*msg_create)(void *ctx, const struct api_msg_new *in, struct api_msg *out,
			  bool *replay);
	/* Optional: msg_create without holding the caller's thread for the
	 * commit. Returns 0 when job->done will be called exactly once, from
	 * any thread, with job->rc, job->replay and job->out set as msg_create
	 * would have (on a replay only job->out->id: the API reads the rest);
	 * else msg_create's -errno, and done is never called. */
	int (*msg_create_async)(void *ctx, struct api_msg_job *job);
	int (*msg_get)(void *ctx, uint64_t id, struct api_msg *out);
	/* Optional: the whole text of message id (malloc'd, *len bytes), for
	 * one whose body_total exceeds what struct api_msg holds. */
	int (*msg_body)(void *ctx, uint64_t id, char **body, size_t *len);
	/* Cancel: -EPERM unless accepted, scheduled or queued. Fills out with
	 * the message after the move. */
	int (*msg_cancel)(void *ctx, uint64_t id, struct api_msg *out);
	/* Newest first. */
	int (*msg_list)(void *ctx, const struct api_msg_query *q, const struct api_page *page,
			struct api_msg *out, size_t *n, char *next_cursor);

	/* -- conversations -- */
	int (*conv_list)(void *ctx, const struct api_conv_query *q, const struct api_page *page,
			 struct api_conversation *out, size_t *n, char *next_cursor);
	int (*conv_get)(void *ctx, uint64_t id, struct api_conversation *out);
	/* Messages of a conversation, newest first. */
	int (*conv_messages)(void *ctx, uint64_t conv_id, const struct api_page *page,
			     struct api_msg *out, size_t *n, char *next_cursor);

	/* -- contacts -- */
	int (*contact_create)(void *ctx, const struct api_contact *in, struct api_contact *out);
	int (*contact_get)(void *ctx, uint64_t id, struct api_contact *out);
	/* Replace every field of in->id (numbers too). */
	int (*contact_update)(void *ctx, const struct api_contact *in, struct api_contact *out);
	int (*contact_delete)(void *ctx, uint64_t id);
	/* business_unit "" = every BU. */
	int (*contact_list)(void *ctx, const char *business_unit, const struct api_page *page,
			    struct api_contact *out, size_t *n, char *next_cursor);

	/* -- templates -- */
	int (*tpl_create)(void *ctx, const struct api_template *in, struct api_template *out);
	int (*tpl_get)(void *ctx, uint64_t id, struct api_template *out);
	int (*tpl_update)(void *ctx, const struct api_template *in, struct api_template *out);
	int (*tpl_delete)(void *ctx, uint64_t id);
	/* The user's own templates plus the business unit's ones. */
	int (*tpl_list)(void *ctx, uint64_t owner_id, const char *business_unit,
			const struct api_page *page, struct api_template *out, size_t *n,
			char *next_cursor);

	/* -- channels -- */
	int (*channel_list)(void *ctx, struct api_channel *out, size_t max, size_t *n);
	int (*channel_get)(void *ctx, const char *name, struct api_channel *out);
	int (*channel_set_enabled)(void *ctx, const char *name, bool enabled);
	/* Assign the sending channel of a user ("" = any). */
	int (*channel_assign)(void *ctx, const char *name, uint64_t user_id);

	/* -- webhooks: subscriptions -- */
	int (*webhook_create)(void *ctx, const struct api_webhook *in, struct api_webhook *out);
	int (*webhook_get)(void *ctx, uint64_t id, struct api_webhook *out);
	int (*webhook_delete)(void *ctx, uint64_t id);
	int (*webhook_list)(void *ctx, const struct api_page *page, struct api_webhook *out,
			    size_t *n, char *next_cursor);

	/* -- webhooks: the durable delivery queue (the store implements it;
	 * the webhook sender calls it, the API server does not) --
	 * enqueue: one row per subscribed webhook, committed before returning,
	 *   also while the CRM is down (store and forward).
	 * fetch_due: up to max deliveries with next_attempt_at <= now, oldest
	 *   first, at most one per conversation, never one whose conversation
	 *   has an older pending delivery; payloads are malloc'd copies freed
	 *   by webhook_release.
	 * mark_delivered: removes it from the backlog.
	 * mark_failed: attempts+1 and next_attempt_at = next (computed by
	 *   api_webhook_next_attempt); give_up = true drops it (only once
	 *   created_at + 24 h has passed) and counts it.
	 * backlog: pending deliveries (metrics). */
	int (*webhook_enqueue)(void *ctx, enum api_webhook_event_type type,
			       uint64_t conversation_id, const char *payload, size_t len);
	int (*webhook_fetch_due)(void *ctx, int64_t now, struct api_webhook_delivery *out,
				 size_t max, size_t *n);
	void (*webhook_release)(void *ctx, struct api_webhook_delivery *d);
	int (*webhook_mark_delivered)(void *ctx, uint64_t delivery_id);
	int (*webhook_mark_failed)(void *ctx, uint64_t delivery_id, int64_t next, bool give_up);
	int (*webhook_backlog)(void *ctx, uint64_t *n);
	/* Optional: the earliest next attempt after `after` of any queued
	 * delivery (0: none), so the delivery worker sleeps until then rather
	 * than polls. */
	int (*webhook_next_due)(void *ctx, int64_t after, int64_t *when);

	/* -- audit -- */
	/* Append one event (ev->id is set by the backend). */
	int (*audit_append)(void *ctx, const struct api_audit_event *ev);
	/* Newest first. */
	int (*audit_list)(void *ctx, const struct api_page *page, struct api_audit_event *out,
			  size_t *n, char *next_cursor);
};

struct api_backend {
	const struct api_backend_ops *ops;
	void *ctx;
};

const char *api_role_str(enum api_role r); /* "salesperson" "sales_manager" "administrator" */
int api_role_parse(const char *s);         /* role or -EINVAL */
const char *api_tpl_scope_str(enum api_tpl_scope s); /* "user" "business_unit" */
const char *api_webhook_event_type_str(enum api_webhook_event_type t);
const char *api_msg_source_str(enum api_msg_source s);

#endif
