/* store: the durable store of smsrelay, and the ONLY place with SQL.
 *
 * SQLite in WAL mode with synchronous=FULL, so every commit that returns 0
 * is on disk (one fsync of the WAL). Every state change of a message is one
 * transaction, checked with msg_status_can_move(), and leaves a row in the
 * message's history. Statements are prepared once per connection and cached.
 *
 * Threading: one struct store is one connection guarded by one mutex; every
 * function may be called from any thread (API threads, the outbox committer,
 * the loop thread). Calls are serialised.
 *
 * Times are wall-clock milliseconds since the Unix epoch, given by the
 * caller (so tests run on a virtual clock).
 *
 * Return values: 0 on success or -errno: -EINVAL (bad argument, nothing
 * changed), -ENOENT (no such message), -EPERM (an illegal lifecycle move,
 * nothing changed), -EEXIST (idempotency conflict), -EBUSY (database locked
 * past the busy timeout), -ENOSPC (disk full), -EIO (any other SQLite error;
 * the transaction was rolled back). See docs/store.md for the schema. */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/msg_status.h"

/* The schema version this build writes (PRAGMA user_version). */
#define STORE_SCHEMA_VERSION 6

#define STORE_ADDR_MAX 32     /* E.164 or alphanumeric sender, NUL included */
#define STORE_NAME_MAX 64     /* channel names, preferences, BUs, CRM types */
#define STORE_KEY_MAX 128     /* idempotency keys, CRM ids */
#define STORE_TEXT_MAX 256    /* error texts */
#define STORE_BODY_MAX 65536  /* bytes; 255 UCS-2 parts fit easily */
#define STORE_HASH_LEN 32     /* SHA-256 of the payload */

struct store;

struct store_opts {
	const char *path;      /* file, or ":memory:" */
	const char *vfs;       /* SQLite VFS name; NULL: the default (tests shim it) */
	int busy_timeout_ms;   /* 0: 5000 */
	bool full_check;       /* integrity_check instead of quick_check at open */
	int64_t now_ms;        /* names a moved-aside corrupt file; 0: time() */
};

/* Opens (creating if needed), checks integrity and migrates in place.
 * A corrupt file is renamed to <path>.corrupt-<UTC time> (with its -wal and
 * -shm) with an error log line, and a fresh database is created.
 * Returns 0, -ENOTSUP (the file's schema is newer than this build: both
 * versions are logged, the file is untouched), -EINVAL, -ENOMEM or -EIO. */
int store_open(struct store **out, const struct store_opts *opts);
void store_close(struct store *s);
/* The file's schema version (STORE_SCHEMA_VERSION after a successful open). */
int store_schema_version(struct store *s);

/* For tests of migrations: create a database at path holding the schema of
 * exactly `version` (1..STORE_SCHEMA_VERSION) built from the same const
 * migration history store_open uses. Returns 0, -EINVAL, -EEXIST (the file
 * has a schema already) or -EIO. */
int store_create_at_version(const char *path, int version);

enum store_dir {
	STORE_DIR_OUT = 0,
	STORE_DIR_IN = 1,
};
const char *store_dir_str(enum store_dir d);

/* A new outbound message. Strings may be NULL (absent) unless noted. */
struct store_msg_new {
	const char *to;           /* required */
	const char *from;
	const char *body;         /* bytes, stored byte for byte; may hold NUL */
	size_t body_len;
	const char *encoding;     /* "gsm7" "ucs2" "8bit" or NULL */
	unsigned segments;        /* >= 1 */
	const char *channel_pref; /* "auto", "modem", "modem0", "twilio", ... */
	const char *crm_type, *crm_id;
	int64_t contact_id, user_id; /* 0: none */
	const char *idem_key;        /* v4: unique per user_id (0: no user) */
	const uint8_t *payload_hash; /* STORE_HASH_LEN bytes; required with a key */
	int64_t send_at;          /* > now: scheduled */
	int64_t expires_at;       /* 0: never */
	/* v3: the conversation is found or made for (to, business_unit) in the
	 * same transaction; contact and CRM record are linked to it. */
	const char *business_unit; /* NULL: "" */
	int source;               /* the API's source (REST, Twilio facade) */
	const char *number_type;  /* contact number type chosen, NULL: "" */
	int64_t template_id;      /* 0: none */
	const char *status_callback; /* Twilio StatusCallback URL, NULL: "" */
};

/* One caller's part of a group-committed batch. */
struct store_enqueue {
	const struct store_msg_new *m;
	/* out */
	int rc;                   /* 0, -EEXIST (key with another payload), -EINVAL, -E2BIG */
	uint64_t id;              /* the message (also the existing one on -EEXIST) */
	enum msg_status status;   /* queued or scheduled (or the replayed one's) */
	bool replay;              /* same key and payload: the earlier message */
	/* a new message (rc 0, not a replay): what the row holds beyond m, so
	 * the caller can answer without reading it back */
	uint64_t conversation_id;
	int64_t created_at;       /* = updated_at, the batch's now */
};

/* Inserts all items in ONE transaction and one fsync. Each item gets its own
 * rc; a rejected item does not affect the others. The new messages go
 * accepted -> queued (or -> scheduled when send_at > now) in history.
 * Returns 0 when the transaction committed, else -errno and every item's rc
 * is that error (nothing was stored). */
int store_enqueue_batch(struct store *s, struct store_enqueue *items, size_t n, int64_t now);

/* A message as stored. body is malloc'd: release with store_msg_release. */
struct store_msg {
	uint64_t id;
	enum store_dir dir;
	enum msg_status status;
	char to[STORE_ADDR_MAX], from[STORE_ADDR_MAX];
	char *body;
	size_t body_len;
	char encoding[16];
	unsigned segments;
	char channel_pref[STORE_NAME_MAX], channel[STORE_NAME_MAX];
	char sender[STORE_ADDR_MAX];
	char crm_type[STORE_NAME_MAX], crm_id[STORE_KEY_MAX];
	int64_t contact_id, user_id;
	char idem_key[STORE_KEY_MAX];
	int64_t send_at, expires_at, next_attempt_at;
	unsigned attempts, parts_total;
	bool possible_dup;
	int last_error_code;
	char last_error_text[STORE_TEXT_MAX];
	int64_t created_at, updated_at, queued_at, sending_at, sent_at, delivered_at,
		finished_at, received_at;
	/* v3 */
	uint64_t conversation_id;
	char business_unit[STORE_NAME_MAX];
	int source;
	char number_type[16];
	int64_t template_id;
	char status_callback[512];
};
/* Returns 0, -ENOENT, -ENOMEM or -EIO. */
int store_msg_get(struct store *s, uint64_t id, struct store_msg *out);
void store_msg_release(struct store_msg *m);

/* What else changes with a status move (all optional: 0/NULL = keep). */
struct store_move {
	const char *event;        /* history text ("claim", "retry", "cancel") */
	const char *channel;      /* the chosen channel */
	const char *sender;       /* the sending number */
	int attempts_delta;       /* +1 when an attempt starts */
	int64_t next_attempt_at;  /* when queued again: not before */
	int err_code;             /* recorded when err_text is set */
	const char *err_text;
	bool possible_dup;        /* set the message's possible-duplicate flag */
};
/* One transaction: check the current status is `from` (-EPERM otherwise,
 * so a racing change is seen) and that from -> to is legal
 * (msg_status_can_move, -EPERM), apply, add a history row. Moving to `sent`
 * also moves on to delivered/undelivered when every part already is. */
int store_msg_move(struct store *s, uint64_t id, enum msg_status from, enum msg_status to,
		   const struct store_move *mv, int64_t now);
/* One change of a store_batch. */
enum store_op_kind {
	STORE_OP_MOVE,       /* store_msg_move(id, from, to, &mv) */
	STORE_OP_PART_SENT,  /* store_part_sent(id, part, total, channel, ref) */
	STORE_OP_KIND_COUNT
};
const char *store_op_kind_str(enum store_op_kind k);

struct store_op {
	enum store_op_kind kind;
	uint64_t id;
	enum msg_status from, to;    /* MOVE */
	struct store_move mv;        /* MOVE */
	unsigned part, total;        /* PART_SENT */
	const char *channel, *ref;   /* PART_SENT */
	int rc;                      /* out: this op's result (as the single call) */
};
/* Applies ops in order in ONE transaction (one fsync), each as the single
 * call would (same checks, history and webhook rows) under its own
 * savepoint: an op that fails (op->rc < 0) changes nothing and the others
 * go on. Returns 0 when the transaction committed (outcomes in op->rc), or
 * -errno when it did not: then nothing changed and every op->rc is that
 * error. */
int store_batch(struct store *s, struct store_op *ops, size_t n, int64_t now);
/* A queued or scheduled message is not to be tried before `at` (routing
 * said wait): no status change, no history row. Returns 0, -ENOENT, -EPERM
 * (not waiting). */
int store_msg_defer(struct store *s, uint64_t id, int64_t at, int64_t now);
/* Record the chosen channel without a status change. */
int store_msg_set_channel(struct store *s, uint64_t id, const char *channel, int64_t now);

/* Due outbound messages: queued or scheduled with next_attempt_at <= now
 * (scheduled ones carry send_at there), not expired, oldest first, at most
 * max ids. Returns the count (>= 0) or -errno. Claiming changes nothing: the
 * caller moves each one to sending. */
int store_due(struct store *s, int64_t now, uint64_t *ids, size_t max);
/* The earliest future moment something is due (a queued/scheduled message's
 * next_attempt_at or any waiting message's expires_at); 0 when none.
 * Returns 0 or -errno. */
int store_next_due(struct store *s, int64_t now, int64_t *when);
/* Moves every accepted/queued/scheduled message whose expires_at <= now to
 * expired (one transaction each). Returns how many (>= 0) or -errno. */
int store_expire_due(struct store *s, int64_t now);
/* Counts outbound messages waiting (accepted, queued, scheduled). */
int store_queue_depth(struct store *s, uint64_t *depth);
/* Counts messages in status st. */
int store_count_status(struct store *s, enum msg_status st, uint64_t *n);

/* ---- parts ---- */
/* The channel sent part `part` (0-based) of `total` with reference ref.
 * Recorded as `sent`; total is the channel's count (a cloud provider that
 * splits itself reports 1). Returns 0, -ENOENT, -EINVAL. */
int store_part_sent(struct store *s, uint64_t id, unsigned part, unsigned total,
		    const char *channel, const char *ref, int64_t now);

struct store_report_result {
	uint64_t msg_id;           /* 0: no part matched */
	enum msg_status msg_status;/* the message's status after the report */
	bool msg_changed;          /* the message moved (delivered/undelivered) */
};
/* A delivery report for the part with (channel, ref), newest first; when
 * recipient is non-empty its last 9 digits must match the message's. final
 * = delivered or undelivered part status; pending only records the code.
 * The message moves to delivered when every part is delivered, to
 * undelivered when any part is undelivered (only from sent).
 * Returns 0 (res->msg_id 0 when nothing matched), -EINVAL or -EIO. */
int store_part_report(struct store *s, const char *channel, const char *ref,
		      const char *recipient, enum msg_status part_status, int code,
		      int64_t at, int64_t now, struct store_report_result *res);

/* store_part_report for a channel that no longer knows which part a report
 * is for (its table of sent parts is gone, e.g. over a restart; the modem
 * knows only the report's TP-MR): the part is the newest one on channel
 * whose ref starts with ref_prefix, still sent (no final report yet), sent
 * at or after sent_after, and to recipient as above. */
int store_part_report_prefix(struct store *s, const char *channel, const char *ref_prefix,
			     int64_t sent_after, const char *recipient,
			     enum msg_status part_status, int code, int64_t at, int64_t now,
			     struct store_report_result *res);

struct store_part {
	unsigned idx;
	char channel[STORE_NAME_MAX];
	char ref[64];
	enum msg_status status;
	int64_t sent_at, delivered_at;
	int error_code;
};
/* Copies up to max parts of a message in index order; returns the total or
 * -errno. */
int store_parts_get(struct store *s, uint64_t id, struct store_part *out, size_t max);

/* ---- inbound ---- */
struct store_inbound {
	const char *channel;       /* required */
	const char *from;          /* required */
	const char *to;            /* may be NULL */
	const char *body;
	size_t body_len;
	const char *encoding;
	int64_t sent_at;           /* 0 unknown */
	unsigned concat_ref, concat_total, concat_seq; /* total 1: single */
	const char *source_ref;
};
/* Stores one inbound SMS or one part of a multipart one, durably (the
 * channel may delete its copy once this returns 0). A part is kept in
 * inbound_parts; when the last part arrives the parts are joined in seq
 * order into one received message in the same transaction. A part offered
 * again (same sender, ref, total, seq) is accepted and ignored.
 * *msg_id gets the received message's id, or 0 while parts are missing.
 * Returns 0, -EINVAL (bad seq/total, empty from) or -errno. */
int store_inbound_add(struct store *s, const struct store_inbound *in, int64_t now,
		      uint64_t *msg_id);
/* Number of stored parts of incomplete inbound messages. */
int store_inbound_pending(struct store *s, uint64_t *n);
/* A multipart message whose newest part arrived before `before` is not
 * going to be completed: store it as received with the parts that came, in
 * order (never dropped), and record an "incomplete" event whose code is the
 * number of missing parts. At most 16 messages per call, each in this one
 * transaction with its webhook rows; *flushed says how many. */
int store_inbound_flush_stale(struct store *s, int64_t before, int64_t now, unsigned *flushed);

/* ---- history ---- */
struct store_event {
	int64_t at;
	int from;                  /* enum msg_status, or -1 for the first */
	enum msg_status to;
	char event[32];
	int code;
};
/* Copies up to max history rows of a message in order; returns the total or
 * -errno. */
int store_events_get(struct store *s, uint64_t id, struct store_event *out, size_t max);

/* ---- crash recovery ---- */
struct store_recovery {
	unsigned to_sent;          /* every part had a reference: sent */
	unsigned requeued;         /* no (or not every) reference: queued again */
	unsigned expired;          /* would be requeued, but past expires_at */
};
/* The crash rule (docs/store.md): for every message left in `sending`,
 * if the channel recorded a reference for every part it announced (and at
 * least one) the message moves to sent; otherwise it goes back to queued,
 * due now, flagged possible_dup (the channel may have sent it before the
 * crash), or to expired when its validity has passed.
 * Call once at start, before dispatching. Returns 0 or -errno. */
int store_recover_sending(struct store *s, int64_t now, struct store_recovery *r);

#endif
