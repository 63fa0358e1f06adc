/* store_crm: the CRM side of the store (schema v3): users and API token
 * hashes, contacts with typed numbers, conversations, templates, the audit
 * log, settings, message listing, webhook subscriptions and the durable
 * webhook delivery queue. Same rules as store.h: thread-safe (one mutex per
 * connection), times in wall ms given by the caller, 0 or -errno:
 *   -EINVAL bad argument (nothing changed), -ENOENT no such row,
 *   -EEXIST unique constraint (username taken, hash reused),
 *   -EBUSY, -ENOSPC, -EIO as in store.h.
 *
 * Lists use keyset paging: `after` is the id of the last row of the
 * previous page (0: first page) for ascending lists, `before` the same for
 * newest-first lists. Each returns the rows written (<= max) and sets
 * *more when another page exists. Strings are copied byte for byte. */
#ifndef STORE_STORE_CRM_H
#define STORE_STORE_CRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

#define STORE_TYPE_MAX 16
#define STORE_URL_MAX 512
#define STORE_NUMBERS_MAX 8
#define STORE_TPL_BODY_MAX 6401 /* 1600 code points of UTF-8, NUL */

/* ---- users and tokens ---- */

struct store_user {
	uint64_t id;
	char username[STORE_NAME_MAX];
	int role;                      /* the API's enum api_role */
	char business_unit[STORE_NAME_MAX];
	char channel[STORE_NAME_MAX];  /* assigned sending channel, "" = any */
	int64_t created_at;
};
/* Inserts in->username/role/business_unit/channel; out gets the row. */
int store_user_create(struct store *s, const struct store_user *in, int64_t now,
		      struct store_user *out);
int store_user_get(struct store *s, uint64_t id, struct store_user *out);
/* Replaces role, business_unit and channel of in->id. */
int store_user_update(struct store *s, const struct store_user *in, struct store_user *out);
/* Deletes the user and (cascade) every token of theirs. */
int store_user_delete(struct store *s, uint64_t id);
int store_user_list(struct store *s, uint64_t after, struct store_user *out, size_t max,
		    size_t *n, bool *more);
/* Users with the given role (the bootstrap asks for administrators). */
int store_user_count_role(struct store *s, int role, uint64_t *n);

struct store_token {
	uint64_t id, user_id;
	char label[STORE_NAME_MAX];
	int64_t created_at;
};
/* Only the SHA-256 of a token is stored. -ENOENT: no such user. */
int store_token_create(struct store *s, uint64_t user_id, const uint8_t hash[STORE_HASH_LEN],
		       const char *label, int64_t now, struct store_token *out);
/* The live (not revoked) token with this hash, its user and the stored
 * hash. -ENOENT when none. */
int store_token_lookup(struct store *s, const uint8_t hash[STORE_HASH_LEN],
		       struct store_token *tok, struct store_user *user,
		       uint8_t stored[STORE_HASH_LEN]);
/* Revoked at once (committed before return). -ENOENT: no live token
 * token_id of user_id. */
int store_token_revoke(struct store *s, uint64_t user_id, uint64_t token_id, int64_t now);
/* The user's live tokens, ascending. */
int store_token_list(struct store *s, uint64_t user_id, uint64_t after, struct store_token *out,
		     size_t max, size_t *n, bool *more);

/* ---- contacts ---- */

struct store_contact_number {
	char type[STORE_TYPE_MAX];     /* business, mobile, home, other */
	char number[STORE_ADDR_MAX];
	bool do_not_text;
};

struct store_contact {
	uint64_t id;
	char name[STORE_NAME_MAX];
	char business_unit[STORE_NAME_MAX];
	char crm_type[STORE_NAME_MAX];
	char crm_id[STORE_KEY_MAX];
	struct store_contact_number numbers[STORE_NUMBERS_MAX];
	size_t n_numbers;
	int64_t created_at, updated_at;
};
/* -EINVAL: an unknown number type or an empty number; -E2BIG: too many. */
int store_contact_create(struct store *s, const struct store_contact *in, int64_t now,
			 struct store_contact *out);
int store_contact_get(struct store *s, uint64_t id, struct store_contact *out);
/* Replaces every field of in->id, numbers too (one transaction). */
int store_contact_update(struct store *s, const struct store_contact *in, int64_t now,
			 struct store_contact *out);
int store_contact_delete(struct store *s, uint64_t id);
/* business_unit NULL or "": every business unit. */
int store_contact_list(struct store *s, const char *business_unit, uint64_t after,
		       struct store_contact *out, size_t max, size_t *n, bool *more);

/* ---- conversations and message listing ---- */

struct store_conversation {
	uint64_t id;
	char number[STORE_ADDR_MAX];
	char business_unit[STORE_NAME_MAX];
	uint64_t contact_id;
	char crm_type[STORE_NAME_MAX];
	char crm_id[STORE_KEY_MAX];
	int64_t created_at, last_message_at;
};

/* Conversations of a number, or of a CRM record (crm_type and crm_id), in
 * a business unit (NULL/"": every one); newest id first. */
struct store_conv_filter {
	const char *number;
	const char *crm_type, *crm_id;
	const char *business_unit;
};
int store_conv_list(struct store *s, const struct store_conv_filter *f, uint64_t before,
		    struct store_conversation *out, size_t max, size_t *n, bool *more);
int store_conv_get(struct store *s, uint64_t id, struct store_conversation *out);

/* Message ids, newest first. Every field is optional (0 / NULL / -1). */
struct store_msg_filter {
	uint64_t user_id;              /* 0: every user */
	uint64_t conversation_id;      /* 0: every conversation */
	int status;                    /* enum msg_status, -1: any */
	int64_t since;                 /* created_at >= since; 0: all */
	const char *to, *from;
};
int store_msg_list(struct store *s, const struct store_msg_filter *f, uint64_t before,
		   uint64_t *ids, size_t max, size_t *n, bool *more);

/* Messages by (channel, status): count rows for metrics. Returns the rows
 * written (<= max) or -errno. */
struct store_status_count {
	char channel[STORE_NAME_MAX];  /* "" = not routed */
	enum msg_status status;
	uint64_t count;
};
int store_count_by_channel(struct store *s, struct store_status_count *out, size_t max);

/* ---- templates ---- */

struct store_template {
	uint64_t id, owner_id;
	int scope;                     /* 0 user, 1 business unit */
	char business_unit[STORE_NAME_MAX];
	char name[STORE_NAME_MAX];
	char body[STORE_TPL_BODY_MAX];
	int64_t created_at, updated_at;
};
int store_tpl_create(struct store *s, const struct store_template *in, int64_t now,
		     struct store_template *out);
int store_tpl_get(struct store *s, uint64_t id, struct store_template *out);
/* Replaces scope, business_unit, name and body of in->id. */
int store_tpl_update(struct store *s, const struct store_template *in, int64_t now,
		     struct store_template *out);
int store_tpl_delete(struct store *s, uint64_t id);
/* The owner's templates plus the business unit's shared ones, ascending. */
int store_tpl_list(struct store *s, uint64_t owner_id, const char *business_unit, uint64_t after,
		   struct store_template *out, size_t max, size_t *n, bool *more);

/* ---- audit log and settings ---- */

struct store_audit {
	uint64_t id;
	int64_t at;
	uint64_t actor_id;
	char actor[STORE_NAME_MAX];
	char action[STORE_NAME_MAX];
	char target[STORE_NAME_MAX];
	char detail[STORE_TEXT_MAX];
};
/* Appends (ev->id ignored); *id gets the new row's id (may be NULL). */
int store_audit_append(struct store *s, const struct store_audit *ev, uint64_t *id);
/* Newest first. */
int store_audit_list(struct store *s, uint64_t before, struct store_audit *out, size_t max,
		     size_t *n, bool *more);

/* Small named values (the facade's AccountSid, counters). -ENOENT: unset. */
int store_setting_get(struct store *s, const char *key, char *value, size_t len);
int store_setting_set(struct store *s, const char *key, const char *value);

/* ---- webhooks ---- */

struct store_webhook {
	uint64_t id;
	char url[STORE_URL_MAX];
	unsigned events;               /* bit per event type */
	char secret[65];
	bool enabled;
	int64_t created_at;
};
int store_webhook_create(struct store *s, const struct store_webhook *in, int64_t now,
			 struct store_webhook *out);
int store_webhook_get(struct store *s, uint64_t id, struct store_webhook *out);
/* Deletes the subscription and its pending deliveries. */
int store_webhook_delete(struct store *s, uint64_t id);
int store_webhook_list(struct store *s, uint64_t after, struct store_webhook *out, size_t max,
		       size_t *n, bool *more);

struct store_delivery {
	uint64_t id, webhook_id, conversation_id; /* webhook_id 0: Twilio StatusCallback */
	int event_type;
	char *payload;                 /* malloc'd, NUL-terminated: store_delivery_release */
	size_t payload_len;
	unsigned attempts;
	int64_t created_at, next_attempt_at;
};
/* One delivery per enabled webhook subscribed to event_type (bit
 * 1 << event_type), due now, committed before return. *n (may be NULL)
 * gets how many were queued (0 with no subscriber). */
int store_delivery_enqueue(struct store *s, int event_type, uint64_t conversation_id,
			   const char *payload, size_t len, int64_t now, size_t *n);
/* Event types of deliveries: the API's enum api_webhook_event_type values
 * (received, status), plus the Twilio StatusCallback POST of a message made
 * through the facade (webhook_id 0: not a subscription). */
enum store_event_type {
	STORE_EV_RECEIVED = 0,
	STORE_EV_STATUS = 1,
	STORE_EV_TWILIO_STATUS = 2,
};
const char *store_event_type_str(enum store_event_type t);

/* What a payload is built from, inside the transaction of the change. */
struct store_event_src {
	enum store_event_type type;
	const struct store_msg *msg;   /* as it is after the change */
	enum msg_status from;          /* status events: the status it left */
	int64_t now;
	/* Twilio StatusCallback only: settings "twilio_account_sid" and
	 * "twilio_auth_token" ("" when unset). */
	const char *account_sid, *auth_token;
};
/* Builds one delivery's payload (malloc'd, *len bytes, NUL-terminated) or
 * returns NULL (out of memory: the change is rolled back, never committed
 * without its event). */
typedef char *(*store_payload_fn)(void *arg, const struct store_event_src *ev, size_t *len);
/* Durable events in the SAME transaction as the change (docs/webhooks.md):
 * with a builder set, every move to sent, delivered, undelivered or failed
 * queues one STORE_EV_STATUS delivery per enabled webhook subscribed to it
 * and, when the message has a status_callback, one STORE_EV_TWILIO_STATUS
 * delivery (webhook_id 0); every received message queues STORE_EV_RECEIVED
 * deliveries. Without a builder (fn NULL) nothing is queued. Set it before
 * any traffic (crm_new does); fn NULL clears it. */
void store_set_payload_builder(struct store *s, store_payload_fn fn, void *arg);

/* Due deliveries (next_attempt_at <= now), oldest first, only the oldest
 * pending one of each (webhook, conversation): a later event of a
 * conversation never overtakes an earlier one to the same receiver.
 * Returns the count written (<= max) or -errno. */
int store_delivery_due(struct store *s, int64_t now, struct store_delivery *out, size_t max);
void store_delivery_release(struct store_delivery *d);
/* Delivered: removed from the queue. -ENOENT: not queued. */
int store_delivery_done(struct store *s, uint64_t id);
/* Failed attempt: attempts+1 and not before next. give_up drops it and
 * counts it in the setting "webhook_dropped". -ENOENT: not queued. */
int store_delivery_failed(struct store *s, uint64_t id, int64_t next, bool give_up);
/* Pending deliveries; and the earliest next_attempt_at (0: none). */
int store_delivery_backlog(struct store *s, uint64_t *n, int64_t *next_due);
/* The earliest next attempt after `after` of any queued delivery, 0 when
 * there is none (on the next_attempt_at index: no scan). */
int store_delivery_next_due(struct store *s, int64_t after, int64_t *when);

#endif
