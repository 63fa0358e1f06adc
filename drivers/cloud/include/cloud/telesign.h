/* The Telesign channel: Messaging API (POST {base}/v1/messaging) on libcurl
 * multi driven by hal_loop. Implements drivers/channel.h.
 *
 *   submit  -> form phone_number (digits, no '+'), message, message_type
 *              (ARN by default); HTTP Basic customer_id:api_key. The answer's
 *              status.code decides, not the HTTP status: a code the table
 *              maps to sent/delivered -> part_sent(0, 1, reference_id) +
 *              submit_done(0); anything else fails with that code.
 *   status  -> GET {base}/v1/messaging/{reference_id} until a final code,
 *              or callbacks (telesign_channel_callback).
 *
 * Callback authentication (developer.telesign.com/enterprise/docs/
 * authenticate-callbacks): header "Authorization: TSA {customer_id}:{sig}"
 * with sig = base64(HMAC-SHA256(base64decode(api_key), raw body)). */
#ifndef CLOUD_TELESIGN_H
#define CLOUD_TELESIGN_H

#include "cloud/cloud.h"
#include "cloud/twilio.h" /* struct cloud_stats */
#include "drivers/channel.h"
#include "hal/loop.h"

struct telesign_config {
	const char *name;          /* NULL: "telesign" */
	const char *base_url;      /* NULL: "https://rest-ww.telesign.com" */
	const char *customer_id;   /* required */
	const char *api_key;       /* base64, required */
	const char *message_type;  /* NULL: "ARN" (alerts, reminders, notifications) */
	bool poll_status;          /* poll GET /v1/messaging/{id} until final */
	int64_t poll_interval_ms;  /* 0: 30000 */
	struct cloud_http_config http;
};

int telesign_channel_new(struct hal_loop *loop, const struct telesign_config *cfg,
			 const struct channel_events *ev, struct channel *out);

/* Verify a callback: auth is the Authorization header ("TSA cid:sig"; a bare
 * sig is accepted too), body the raw request body. Pure, thread-safe,
 * constant-time compare. */
bool telesign_callback_valid(const char *customer_id, const char *api_key, const char *auth,
			     const char *body, size_t len);
/* base64(HMAC-SHA256(base64decode(api_key), body)) into out (45 bytes).
 * Returns 0 or -EINVAL (api_key not base64). */
int telesign_signature_compute(const char *api_key, const char *body, size_t len, char out[45]);
/* Map a callback or status body ({"reference_id", "status": {"code"}}).
 * Returns 0 or -EINVAL. */
int telesign_status_report(const char *body, size_t len, struct channel_report *out);
/* Verify, map and call events->delivery. Returns 0, -EPERM or -EINVAL. */
int telesign_channel_callback(struct channel *ch, const char *auth, const char *body,
			      size_t len);
/* One status polling round now. Returns 0 or -EINVAL. */
int telesign_channel_poll_now(struct channel *ch);
int telesign_channel_stats(struct channel *ch, struct cloud_stats *out);

#endif
