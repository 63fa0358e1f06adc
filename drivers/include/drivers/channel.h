/* The channel contract: the one interface every way of sending an SMS
 * implements (the local modem, Twilio, Telesign), so the outbox routes one
 * queue across all of them (Kannel's smscconn_p.h habit: written MUST/MAY
 * rules).
 *
 * Threading: every call and every callback happens on the loop thread.
 *
 * Rules for implementations:
 * - submit() MUST NOT block. It MUST copy whatever it keeps from the message
 *   (the caller's buffers are gone when it returns). It returns 0 when the
 *   channel took the message; then the channel MUST call events->submit_done
 *   exactly once for it, later (never from inside submit()), with the
 *   outcome. A negative return means the channel did not take it and MUST
 *   NOT call submit_done for it: -EBUSY (at capacity now: try later or
 *   elsewhere), -ENOTCONN (channel down), -EINVAL (the message can never go
 *   through this channel, e.g. too many parts).
 * - A multipart message is one submit. A channel that sends parts itself (the
 *   modem) MUST report each part's reference through part_sent before
 *   submit_done; a provider that splits on its side reports one reference.
 *   part is 0-based (0 .. total-1); ref is never empty and unique for a
 *   long time (the modem's is "<TP-MR>@<wall ms>.<n>", TP-MR first).
 * - submit_done carries status 0 (the network/provider accepted every part)
 *   or -errno with `retryable` and the channel's own code (CMS error, Twilio
 *   error code, Telesign status) and a short text. After a failure some
 *   parts may have been sent: parts_sent says how many.
 * - cancel() MAY be NULL. When present it cancels a message not yet handed
 *   to the network (0; -EBUSY when some part already went, -ENOENT when
 *   unknown); the channel then calls submit_done with -ECANCELED, later,
 *   never from inside cancel().
 * - delivery() reports arrive any time after part_sent, matched by the
 *   channel's reference (TP-MR + recipient for the modem, provider id for
 *   clouds); the channel maps its native status onto enum channel_delivery.
 * - inbound() hands one received SMS (or one part of a multipart one) to the
 *   application. The application returns 0 only once the message is durably
 *   stored; only then MAY the channel delete it from its source (AT+CMGD,
 *   acknowledge to the provider). On a negative return the channel MUST keep
 *   it and offer it again later (e.g. at its next storage sweep).
 * - health() is called whenever the channel's ability to send changes. */
#ifndef DRIVERS_CHANNEL_H
#define DRIVERS_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHANNEL_REF_MAX 64    /* provider ids ("SM" + 32 hex), TP-MR as text */
#define CHANNEL_NUMBER_MAX 24 /* "+" and up to 15 digits, or alphanumeric */
#define CHANNEL_TEXT_MAX 128

enum channel_kind {
	CHANNEL_MODEM,
	CHANNEL_TWILIO,
	CHANNEL_TELESIGN,
};
const char *channel_kind_str(enum channel_kind k);

struct channel_msg {
	uint64_t id;          /* the store's message id; echoed in callbacks */
	const char *to;       /* E.164: "+" and digits */
	const char *from;     /* sending number or alphanumeric id; NULL: default */
	const char *text;     /* UTF-8 */
	size_t text_len;
	bool want_report;     /* ask for a delivery report */
	int64_t validity_s;   /* 0: channel default */
	bool flash;           /* class 0 */
	bool ucs2;            /* force UCS-2 */
};

struct channel_outcome {
	int status;           /* 0 or -errno */
	bool retryable;
	int code;             /* the channel's own code; 0 when none */
	unsigned parts_sent;
	unsigned parts_total;
	char text[CHANNEL_TEXT_MAX];
};

enum channel_delivery {
	CHANNEL_DELIVERED,        /* final: the handset has it */
	CHANNEL_UNDELIVERED,      /* final: the network gave up */
	CHANNEL_PENDING,          /* not final: still trying (e.g. TP-ST 0x20..) */
};
const char *channel_delivery_str(enum channel_delivery d);

struct channel_report {
	char ref[CHANNEL_REF_MAX];    /* part reference as given in part_sent */
	char recipient[CHANNEL_NUMBER_MAX];
	enum channel_delivery state;
	int code;                     /* native: TP-ST, provider status/error */
	int64_t at_ms;                /* discharge time (wall ms) or 0 */
	/* The channel no longer knows the part (its table of sent parts is
	 * gone, e.g. over a restart) and says what it knows: ref is a prefix
	 * of the part's reference; the part is the newest one still without
	 * a final report, to recipient, sent at or after sent_after_ms. */
	bool ref_prefix;
	int64_t sent_after_ms;
};

struct channel_inbound {
	char from[CHANNEL_NUMBER_MAX];
	char to[CHANNEL_NUMBER_MAX];  /* the receiving number when known */
	const char *text;             /* UTF-8 (hex for 8-bit data) */
	size_t text_len;
	const char *encoding;         /* "gsm7" "ucs2" "8bit" */
	int64_t sent_ms;              /* SCTS as wall ms; 0 unknown */
	/* Concatenation: total == 1 for a single message. ref is unique per
	 * (from, total) for a while, as the sender chose it. */
	unsigned concat_ref, concat_total, concat_seq;
	char source_ref[CHANNEL_REF_MAX]; /* e.g. "SM:3" storage index, or provider id */
};

struct channel_health {
	bool can_send;
	bool registered;    /* modem: on the network; clouds: reachable */
	int signal_dbm;     /* modem only; 0 unknown */
	char operator_name[32];
	char detail[CHANNEL_TEXT_MAX];
};

struct channel_events {
	void (*part_sent)(void *arg, uint64_t msg_id, unsigned part, unsigned total,
			  const char *ref);
	void (*submit_done)(void *arg, uint64_t msg_id, const struct channel_outcome *o);
	void (*delivery)(void *arg, const struct channel_report *r);
	int (*inbound)(void *arg, const struct channel_inbound *m);
	void (*health)(void *arg, const struct channel_health *h);
	void *arg;
};

struct channel_ops {
	int (*submit)(void *ctx, const struct channel_msg *m);
	int (*cancel)(void *ctx, uint64_t msg_id);                    /* MAY be NULL */
	int (*get_health)(void *ctx, struct channel_health *out);
	void (*destroy)(void *ctx);
};

struct channel {
	const struct channel_ops *ops;
	void *ctx;
	enum channel_kind kind;
	char name[32]; /* "modem0", "twilio" */
};

static inline int channel_submit(struct channel *c, const struct channel_msg *m)
{
	return c->ops->submit(c->ctx, m);
}

#endif
