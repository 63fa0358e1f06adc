/* The message lifecycle, and the ONE table that maps every channel's native
 * status onto it (3GPP TP-Status, Twilio statuses and error codes, Telesign
 * status codes), each with a retryable flag.
 *
 * Outbound: accepted -> queued -> sending -> sent -> delivered | undelivered,
 *           or failed / expired / canceled; scheduled before queued when
 *           sent later.
 * Inbound:  received.
 *
 * It sits in drivers/ because the cloud channels classify provider answers
 * with it and the outbox (app/) drives the lifecycle with it. */
#ifndef DRIVERS_MSG_STATUS_H
#define DRIVERS_MSG_STATUS_H

#include <stdbool.h>

enum msg_status {
	MSG_ACCEPTED,
	MSG_SCHEDULED,
	MSG_QUEUED,
	MSG_SENDING,
	MSG_SENT,
	MSG_DELIVERED,
	MSG_UNDELIVERED,
	MSG_FAILED,
	MSG_EXPIRED,
	MSG_CANCELED,
	MSG_RECEIVED,
	MSG_STATUS_COUNT
};

/* "accepted", "scheduled", ... (the API's and the store's spelling). */
const char *msg_status_str(enum msg_status s);
/* Returns the status or -EINVAL. */
int msg_status_parse(const char *s);
/* No transition leaves a final status (delivered, undelivered, failed,
 * expired, canceled, received). */
bool msg_status_final(enum msg_status s);
/* Whether from -> to is a legal lifecycle step. Staying in the same status
 * is not a step (false). sending -> queued and sent -> queued are the
 * outbox's retries. */
bool msg_status_can_move(enum msg_status from, enum msg_status to);

/* What a native status means for the lifecycle. */
struct msg_status_map {
	enum msg_status status; /* where the message (or part) goes */
	bool retryable;         /* a failure that another attempt may fix */
	const char *text;       /* short human text */
};

/* All lookups return 0 and fill out, or -EINVAL (out of range, NULL, or an
 * unknown Twilio status string). A code missing from the table still maps
 * (never retryable); out->text says "unlisted". */

/* 3GPP TS 23.040 9.2.3.15 TP-Status (0..255). SC-specific values take their
 * group's meaning; reserved values read as 0x63 "service rejected" as the
 * spec asks. 0x20..0x3F (SC still trying) map to MSG_SENT: not final. */
int msg_status_from_tp_st(int tp_st, struct msg_status_map *out);
/* Twilio message status ("queued", "sent", "delivered", "undelivered",
 * "failed", ...) with its error_code (0 when none). */
int msg_status_from_twilio(const char *status, int error_code, struct msg_status_map *out);
/* Twilio error code alone (a 4xx answer to a create): 21211 invalid To ->
 * failed, permanent; 20429 / 429 -> retryable; ... */
int msg_status_from_twilio_error(int error_code, struct msg_status_map *out);
/* Telesign status.code (e.g. 200 delivered, 203 delivered to gateway, 290
 * in progress, 207 not delivered, 10000 internal error ...). Intermediate
 * codes map to MSG_SENT. */
int msg_status_from_telesign(int code, struct msg_status_map *out);

#endif
