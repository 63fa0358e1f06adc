/* The Twilio channel: Programmable Messaging over the 2010-04-01 REST API
 * (twilio_api_v2010.json in ../shared/specs), on libcurl multi driven by
 * hal_loop. Implements drivers/channel.h.
 *
 *   submit  -> POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json
 *              form: To, From | MessagingServiceSid, Body, [StatusCallback],
 *              [ValidityPeriod]; HTTP Basic (AccountSid:AuthToken or API key
 *              sid:secret). 201 -> part_sent(0, 1, sid) + submit_done(0).
 *   status  -> status callbacks (twilio_channel_status_callback) when the
 *              appliance has a public URL, else polling:
 *              GET .../Messages/{Sid}.json until final.
 *   inbound -> polling: GET .../Messages.json?To={from}&DateSent>={day}
 *              (every page), deduplicated by sid. */
#ifndef CLOUD_TWILIO_H
#define CLOUD_TWILIO_H

#include "cloud/cloud.h"
#include "drivers/channel.h"
#include "hal/loop.h"

struct twilio_config {
	const char *name;                  /* instance tag; NULL: "twilio" */
	const char *base_url;              /* NULL: "https://api.twilio.com" */
	const char *account_sid;           /* AC + 32 hex (required) */
	const char *auth_token;            /* signs callbacks; Basic auth unless API key */
	const char *api_key_sid;           /* optional SK...: Basic auth with it */
	const char *api_key_secret;
	const char *from;                  /* default sender (or NULL with ...) */
	const char *messaging_service_sid; /* MG + 32 hex; used when no From */
	const char *status_callback_url;   /* public URL; NULL: poll statuses */
	bool poll_inbound;                 /* list inbound messages To `from` */
	int64_t poll_interval_ms;          /* 0: 30000 */
	struct cloud_http_config http;
};

/* Validates cfg (-EINVAL with a log line naming the bad field), copies it,
 * and fills *out. Polling (statuses without a callback URL, inbound when
 * poll_inbound) starts at once. Returns 0, -EINVAL or -ENOMEM. */
int twilio_channel_new(struct hal_loop *loop, const struct twilio_config *cfg,
		       const struct channel_events *ev, struct channel *out);

/* X-Twilio-Signature: base64(HMAC-SHA1(auth_token, url + for each parameter
 * sorted by name (then value), name + value)). Identical name/value pairs
 * count once, as Twilio's own validators do. url is the full URL Twilio
 * called, query string included. Returns true when signature matches
 * (constant-time compare). Pure and thread-safe. */
bool twilio_signature_valid(const char *auth_token, const char *url,
			    const struct cloud_form *params, const char *signature);
/* The signature itself (for the mock provider and tests). out must hold
 * 29 bytes. Returns 0 or -EINVAL/-ENOMEM. */
int twilio_signature_compute(const char *auth_token, const char *url,
			     const struct cloud_form *params, char out[29]);

/* Map a status callback's form (MessageSid, MessageStatus, ErrorCode, To)
 * onto a report. Pure. Returns 0 or -EINVAL (missing/unknown fields). */
int twilio_status_report(const struct cloud_form *params, struct channel_report *out);

/* A status callback request received on the loop thread: verify the
 * signature with the channel's auth token, map it, and call
 * events->delivery. Returns 0, -EPERM (bad signature) or -EINVAL. */
int twilio_channel_status_callback(struct channel *ch, const char *url, const char *body,
				   size_t len, const char *signature);

/* Run one polling round now (statuses of accepted messages, inbound list)
 * instead of waiting for poll_interval_ms. Returns 0, -EBUSY (the previous
 * round is still running) or -EINVAL. */
int twilio_channel_poll_now(struct channel *ch);

/* Counters for tests and metrics. */
struct cloud_stats {
	unsigned long requests;      /* HTTP exchanges started */
	unsigned long retries;       /* internal retries scheduled */
	int64_t last_retry_delay_ms; /* delay chosen for the latest retry */
	unsigned long accepted;
	unsigned long failed;
	unsigned long polls;
	unsigned long inbound;
	unsigned long reports;
	unsigned polls_running;      /* polling GETs on the wire now */
};
int twilio_channel_stats(struct channel *ch, struct cloud_stats *out);

#endif
