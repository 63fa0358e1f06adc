/* Webhook signatures and retry policy.
 *
 * Every webhook POST carries
 *     X-Smsrelay-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
 * where the HMAC key is the webhook's secret and the message is
 * "<t>.<raw body>". A receiver recomputes it, compares in constant time and
 * refuses a t more than API_WEBHOOK_REPLAY_WINDOW_S away from its own clock
 * (replay window: 5 minutes). */
#ifndef API_WEBHOOK_H
#define API_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define API_WEBHOOK_SIG_HEADER "X-Smsrelay-Signature"
#define API_WEBHOOK_REPLAY_WINDOW_S 300
#define API_WEBHOOK_SIG_MAX 96 /* "t=" 20 digits ",v1=" 64 hex NUL */
/* Deliveries are retried at least this long after they were queued. */
#define API_WEBHOOK_RETRY_WINDOW_MS (24LL * 3600 * 1000)

/* Header value for body signed at unix time t. Returns 0, -EINVAL or -EIO. */
int api_webhook_sign(const char *secret, const void *body, size_t len, int64_t t,
		     char out[API_WEBHOOK_SIG_MAX]);

/* Verify a header value against body at unix time now. Returns 0,
 * -EINVAL (malformed header), -EACCES (wrong signature) or -ETIMEDOUT
 * (t outside the replay window). */
int api_webhook_verify(const char *secret, const void *body, size_t len, const char *header,
		       int64_t now);

/* Next attempt after `attempts` failures of a delivery queued at
 * created_at: exponential from 10 s doubling up to 1 h between tries.
 * *give_up is set only once now >= created_at + API_WEBHOOK_RETRY_WINDOW_MS
 * (so retries last at least 24 h). Returns the time of the next attempt. */
int64_t api_webhook_next_attempt(unsigned attempts, int64_t created_at, int64_t now,
				 bool *give_up);

/* Twilio's X-Twilio-Signature: base64(HMAC-SHA1(token, url + sorted
 * key+value pairs)). pairs is keys and values alternating. out >= 32.
 * Returns 0, -EINVAL or -EIO. */
int api_twilio_signature(const char *token, const char *url, const char *const *pairs,
			 size_t n_pairs, char *out, size_t out_max);

#endif
