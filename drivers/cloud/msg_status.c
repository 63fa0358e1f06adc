/* The message lifecycle and the ONE table of native statuses (see
 * drivers/msg_status.h). Sources, cited beside each table:
 *   - 3GPP TS 23.040 9.2.3.15 (TP-Status);
 *   - Twilio: the Message resource's status enum in twilio_api_v2010.json
 *     (../shared/specs, components.schemas.message_enum_status) and Twilio's
 *     error dictionary (twilio.com/docs/api/errors/<code>);
 *   - Telesign: "All status and error codes"
 *     (developer.telesign.com/enterprise/docs/all-status-and-error-codes). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "drivers/msg_status.h"

static const char *const status_names[MSG_STATUS_COUNT] = {
	[MSG_ACCEPTED] = "accepted",   [MSG_SCHEDULED] = "scheduled",
	[MSG_QUEUED] = "queued",       [MSG_SENDING] = "sending",
	[MSG_SENT] = "sent",           [MSG_DELIVERED] = "delivered",
	[MSG_UNDELIVERED] = "undelivered", [MSG_FAILED] = "failed",
	[MSG_EXPIRED] = "expired",     [MSG_CANCELED] = "canceled",
	[MSG_RECEIVED] = "received",
};

const char *msg_status_str(enum msg_status s)
{
	if ((unsigned)s >= MSG_STATUS_COUNT)
		return "unknown";
	return status_names[s];
}

int msg_status_parse(const char *s)
{
	if (!s)
		return -EINVAL;
	for (int i = 0; i < MSG_STATUS_COUNT; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -EINVAL;
}

bool msg_status_final(enum msg_status s)
{
	switch (s) {
	case MSG_DELIVERED:
	case MSG_UNDELIVERED:
	case MSG_FAILED:
	case MSG_EXPIRED:
	case MSG_CANCELED:
	case MSG_RECEIVED:
		return true;
	default:
		return false;
	}
}

#define BIT(s) (1u << (s))
/* Legal steps, one bit mask of targets per source. sending -> queued and
 * sent -> queued are the outbox's retries (a retryable failure before or
 * after the channel took the message). */
static const unsigned lifecycle_next[MSG_STATUS_COUNT] = {
	[MSG_ACCEPTED] = BIT(MSG_SCHEDULED) | BIT(MSG_QUEUED) | BIT(MSG_CANCELED) |
			 BIT(MSG_FAILED) | BIT(MSG_EXPIRED),
	[MSG_SCHEDULED] = BIT(MSG_QUEUED) | BIT(MSG_CANCELED) | BIT(MSG_FAILED) |
			  BIT(MSG_EXPIRED),
	[MSG_QUEUED] = BIT(MSG_SENDING) | BIT(MSG_SCHEDULED) | BIT(MSG_CANCELED) |
		       BIT(MSG_FAILED) | BIT(MSG_EXPIRED),
	[MSG_SENDING] = BIT(MSG_SENT) | BIT(MSG_QUEUED) | BIT(MSG_FAILED) |
			BIT(MSG_CANCELED) | BIT(MSG_EXPIRED),
	[MSG_SENT] = BIT(MSG_DELIVERED) | BIT(MSG_UNDELIVERED) | BIT(MSG_FAILED) |
		     BIT(MSG_EXPIRED) | BIT(MSG_QUEUED),
};

bool msg_status_can_move(enum msg_status from, enum msg_status to)
{
	if ((unsigned)from >= MSG_STATUS_COUNT || (unsigned)to >= MSG_STATUS_COUNT)
		return false;
	return (lifecycle_next[from] & BIT(to)) != 0;
}

static void map_set(struct msg_status_map *out, enum msg_status s, bool retryable,
		    const char *text)
{
	out->status = s;
	out->retryable = retryable;
	out->text = text;
}

/* ---- 3GPP TS 23.040 9.2.3.15 TP-Status ---------------------------------- */

struct tp_st_entry {
	unsigned char value;
	enum msg_status status;
	bool retryable;
	const char *text;
};

/* The assigned values. Group 0x20.. is "temporary error, SC still trying":
 * not final, so the part stays sent. */
static const struct tp_st_entry tp_st_table[] = {
	{ 0x00, MSG_DELIVERED, false, "received by the SME" },
	{ 0x01, MSG_DELIVERED, false, "forwarded to the SME, delivery unconfirmed" },
	{ 0x02, MSG_DELIVERED, false, "replaced by the SC" },
	{ 0x20, MSG_SENT, false, "congestion, SC still trying" },
	{ 0x21, MSG_SENT, false, "SME busy, SC still trying" },
	{ 0x22, MSG_SENT, false, "no response from SME, SC still trying" },
	{ 0x23, MSG_SENT, false, "service rejected, SC still trying" },
	{ 0x24, MSG_SENT, false, "quality of service not available, SC still trying" },
	{ 0x25, MSG_SENT, false, "error in SME, SC still trying" },
	{ 0x40, MSG_UNDELIVERED, false, "remote procedure error" },
	{ 0x41, MSG_UNDELIVERED, false, "incompatible destination" },
	{ 0x42, MSG_UNDELIVERED, false, "connection rejected by SME" },
	{ 0x43, MSG_UNDELIVERED, false, "not obtainable" },
	{ 0x44, MSG_UNDELIVERED, false, "quality of service not available" },
	{ 0x45, MSG_UNDELIVERED, false, "no interworking available" },
	{ 0x46, MSG_EXPIRED, false, "SM validity period expired" },
	{ 0x47, MSG_UNDELIVERED, false, "SM deleted by originating SME" },
	{ 0x48, MSG_UNDELIVERED, false, "SM deleted by SC administration" },
	{ 0x49, MSG_UNDELIVERED, false, "SM does not exist" },
	{ 0x60, MSG_UNDELIVERED, true, "congestion, SC gave up" },
	{ 0x61, MSG_UNDELIVERED, true, "SME busy, SC gave up" },
	{ 0x62, MSG_UNDELIVERED, true, "no response from SME, SC gave up" },
	{ 0x63, MSG_UNDELIVERED, true, "service rejected, SC gave up" },
	{ 0x64, MSG_UNDELIVERED, true, "quality of service not available, SC gave up" },
	{ 0x65, MSG_UNDELIVERED, true, "error in SME, SC gave up" },
};

int msg_status_from_tp_st(int tp_st, struct msg_status_map *out)
{
	if (tp_st < 0 || tp_st > 0xff || !out)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(tp_st_table) / sizeof(tp_st_table[0]); i++) {
		const struct tp_st_entry *e = &tp_st_table[i];
		if (e->value == tp_st) {
			map_set(out, e->status, e->retryable, e->text);
			return 0;
		}
	}
	/* SC-specific ranges take their group's meaning (23.040: 0x10-0x1F
	 * completed, 0x30-0x3F still trying, 0x50-0x5F permanent, 0x70-0x7F
	 * temporary, SC gave up). */
	if (tp_st >= 0x10 && tp_st <= 0x1f)
		map_set(out, MSG_DELIVERED, false, "completed (SC-specific value)");
	else if (tp_st >= 0x30 && tp_st <= 0x3f)
		map_set(out, MSG_SENT, false, "SC still trying (SC-specific value)");
	else if (tp_st >= 0x50 && tp_st <= 0x5f)
		map_set(out, MSG_UNDELIVERED, false, "permanent error (SC-specific value)");
	else if (tp_st >= 0x70 && tp_st <= 0x7f)
		map_set(out, MSG_UNDELIVERED, true, "temporary error, SC gave up (SC-specific value)");
	else
		/* Reserved values (0x03-0x0F, 0x26-0x2F, 0x4A-0x4F, 0x66-0x6F,
		 * 0x80-0xFF): 23.040 tells the SME to read them as "service
		 * rejected" (0x63). */
		map_set(out, MSG_UNDELIVERED, true, "reserved value, read as service rejected");
	return 0;
}

/* ---- Twilio -------------------------------------------------------------- */

struct twilio_status_entry {
	const char *name;
	enum msg_status status;
	const char *text;
};

/* message_enum_status of twilio_api_v2010.json. Everything the provider still
 * holds is "sent" for us: the channel has taken the message. */
static const struct twilio_status_entry twilio_status_table[] = {
	{ "accepted", MSG_SENT, "accepted by Twilio" },
	{ "scheduled", MSG_SENT, "scheduled at Twilio" },
	{ "queued", MSG_SENT, "queued at Twilio" },
	{ "sending", MSG_SENT, "Twilio is sending" },
	{ "sent", MSG_SENT, "sent to the carrier" },
	{ "partially_delivered", MSG_SENT, "partially delivered" },
	{ "delivered", MSG_DELIVERED, "delivered" },
	{ "read", MSG_DELIVERED, "read by the recipient" },
	{ "undelivered", MSG_UNDELIVERED, "undelivered" },
	{ "failed", MSG_FAILED, "failed" },
	{ "canceled", MSG_CANCELED, "canceled" },
	{ "receiving", MSG_RECEIVED, "inbound, receiving" },
	{ "received", MSG_RECEIVED, "inbound, received" },
};

struct code_entry {
	int code;
	enum msg_status status;
	bool retryable;
	const char *text;
};

/* Twilio's error dictionary (twilio.com/docs/api/errors/<code>). 429, 500
 * and 503 are HTTP statuses some answers carry in their "code". */
static const struct code_entry twilio_error_table[] = {
	{ 429, MSG_FAILED, true, "too many requests" },
	{ 500, MSG_FAILED, true, "provider internal error" },
	{ 503, MSG_FAILED, true, "provider unavailable" },
	{ 20003, MSG_FAILED, false, "authentication failed" },
	{ 20404, MSG_FAILED, false, "resource not found" },
	{ 20429, MSG_FAILED, true, "too many requests" },
	{ 20500, MSG_FAILED, true, "Twilio internal error" },
	{ 20503, MSG_FAILED, true, "Twilio service unavailable" },
	{ 21211, MSG_FAILED, false, "invalid 'To' phone number" },
	{ 21408, MSG_FAILED, false, "permission to send to this region not enabled" },
	{ 21602, MSG_FAILED, false, "message body is required" },
	{ 21603, MSG_FAILED, false, "'From' or MessagingServiceSid required" },
	{ 21604, MSG_FAILED, false, "'To' phone number is required" },
	{ 21606, MSG_FAILED, false, "'From' is not a valid message-capable number" },
	{ 21608, MSG_FAILED, false, "unverified number on a trial account" },
	{ 21610, MSG_FAILED, false, "recipient opted out (STOP)" },
	{ 21611, MSG_FAILED, true, "'From' has too many queued messages" },
	{ 21612, MSG_FAILED, false, "cannot route to this number" },
	{ 21614, MSG_FAILED, false, "'To' is not a valid mobile number" },
	{ 21617, MSG_FAILED, false, "body exceeds 1600 characters" },
	{ 30001, MSG_FAILED, true, "queue overflow" },
	{ 30002, MSG_FAILED, false, "account suspended" },
	{ 30003, MSG_UNDELIVERED, true, "unreachable destination handset" },
	{ 30004, MSG_UNDELIVERED, false, "message blocked" },
	{ 30005, MSG_UNDELIVERED, false, "unknown destination handset" },
	{ 30006, MSG_UNDELIVERED, false, "landline or unreachable carrier" },
	{ 30007, MSG_UNDELIVERED, false, "message filtered by the carrier" },
	{ 30008, MSG_UNDELIVERED, true, "unknown error" },
	{ 30009, MSG_UNDELIVERED, true, "missing inbound segment" },
	{ 30010, MSG_FAILED, false, "price exceeds max price" },
	{ 30034, MSG_UNDELIVERED, false, "sender not registered (US A2P 10DLC)" },
};

static const struct code_entry *code_find(const struct code_entry *t, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return &t[i];
	return NULL;
}

#define TWILIO_ERRORS (sizeof(twilio_error_table) / sizeof(twilio_error_table[0]))

int msg_status_from_twilio_error(int error_code, struct msg_status_map *out)
{
	if (error_code <= 0 || !out)
		return -EINVAL;
	const struct code_entry *e = code_find(twilio_error_table, TWILIO_ERRORS, error_code);
	if (e) {
		map_set(out, e->status, e->retryable, e->text);
		return 0;
	}
	/* Unlisted codes: never retried blindly (a retry costs money and may
	 * annoy the recipient); 30xxx are carrier outcomes after sending. */
	if (error_code >= 30000 && error_code < 31000)
		map_set(out, MSG_UNDELIVERED, false, "carrier error (unlisted code)");
	else
		map_set(out, MSG_FAILED, false, "Twilio error (unlisted code)");
	return 0;
}

int msg_status_from_twilio(const char *status, int error_code, struct msg_status_map *out)
{
	if (!status || !out || error_code < 0)
		return -EINVAL;
	for (size_t i = 0; i < sizeof(twilio_status_table) / sizeof(twilio_status_table[0]); i++) {
		const struct twilio_status_entry *e = &twilio_status_table[i];
		if (strcmp(e->name, status) != 0)
			continue;
		map_set(out, e->status, false, e->text);
		/* For a failure, the error code says whether retrying helps and
		 * gives the better text. */
		if ((e->status == MSG_FAILED || e->status == MSG_UNDELIVERED) && error_code > 0) {
			struct msg_status_map err;
			msg_status_from_twilio_error(error_code, &err);
			out->retryable = err.retryable;
			out->text = err.text;
		}
		return 0;
	}
	return -EINVAL;
}

/* ---- Telesign ------------------------------------------------------------ */

/* Transaction status codes (three digits; "intermediate" ones stay sent)
 * and the error codes (five digits) that come back in status.code. */
static const struct code_entry telesign_table[] = {
	{ 200, MSG_DELIVERED, false, "delivered to handset" },
	{ 201, MSG_DELIVERED, false, "message read" },
	{ 203, MSG_SENT, false, "delivered to gateway" },
	{ 207, MSG_UNDELIVERED, false, "error delivering to handset (reason unknown)" },
	{ 210, MSG_UNDELIVERED, true, "temporary phone error" },
	{ 211, MSG_UNDELIVERED, false, "permanent phone error" },
	{ 220, MSG_UNDELIVERED, false, "gateway/network cannot route message" },
	{ 221, MSG_EXPIRED, false, "message expired before delivery" },
	{ 222, MSG_UNDELIVERED, false, "SMS not supported" },
	{ 229, MSG_FAILED, false, "blocked by your request" },
	{ 230, MSG_FAILED, false, "blocked by Telesign" },
	{ 231, MSG_FAILED, false, "invalid/unsupported content" },
	{ 233, MSG_FAILED, false, "message blocked" },
	{ 237, MSG_FAILED, false, "blocked in requested country" },
	{ 238, MSG_FAILED, false, "destination blocked by prefix" },
	{ 250, MSG_SENT, false, "final status unknown" },
	{ 251, MSG_SENT, false, "sent out, no delivery receipt" },
	{ 290, MSG_SENT, false, "message in progress" },
	{ 295, MSG_SENT, false, "status delayed" },
	{ 500, MSG_FAILED, false, "transaction not attempted" },
	{ 10000, MSG_FAILED, true, "Telesign internal error" },
};

int msg_status_from_telesign(int code, struct msg_status_map *out)
{
	if (code <= 0 || !out)
		return -EINVAL;
	const struct code_entry *e =
		code_find(telesign_table, sizeof(telesign_table) / sizeof(telesign_table[0]), code);
	if (e) {
		map_set(out, e->status, e->retryable, e->text);
		return 0;
	}
	/* Unlisted: other 2xx status codes are SMS outcomes we cannot place,
	 * so keep the message sent (a later status settles it); anything else
	 * is a failure that is not retried blindly. */
	if (code >= 200 && code < 300)
		map_set(out, MSG_SENT, false, "Telesign status (unlisted code)");
	else
		map_set(out, MSG_FAILED, false, "Telesign error (unlisted code)");
	return 0;
}
