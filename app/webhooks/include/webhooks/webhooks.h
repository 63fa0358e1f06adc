/* webhooks: the delivery worker for the durable webhook queue.
 *
 * On the loop thread it fetches due deliveries through the api_backend's
 * queue ops (webhook_fetch_due: only the oldest pending delivery of each
 * webhook and conversation, so events of one conversation reach a receiver
 * in order), POSTs each JSON payload with libcurl multi on the same loop
 * (drivers/cloud curl_loop), signed with the webhook's secret by
 * api_webhook_sign (header X-Smsrelay-Signature, api_webhook.h), and:
 *   2xx             -> webhook_mark_delivered;
 *   anything else   -> webhook_mark_failed with the next attempt from
 *   (error, timeout)   webhooks_next_attempt (exponential: backoff_initial_ms
 *                      doubling up to backoff_max_ms), dropped only once
 *                      retry_for_ms (at least 24 h) have passed since the
 *                      event was queued.
 * A delivery with webhook_id 0 is a Twilio StatusCallback (payload
 * {"url","auth_token","params"} from the crm): POSTed as Twilio's form
 * with X-Twilio-Signature (api_twilio_signature), same retries.
 * Due times come from the backend's clock (now_ms), so a test can run the
 * queue on a virtual clock while curl uses real sockets.
 *
 * Everything but webhooks_notify runs on the loop thread. */
#ifndef WEBHOOKS_WEBHOOKS_H
#define WEBHOOKS_WEBHOOKS_H

#include <stdint.h>

#include "api/api_backend.h"
#include "cloud/curl_loop.h"
#include "hal/loop.h"

#define WEBHOOKS_EVENT_HEADER "X-Smsrelay-Event"
#define WEBHOOKS_DELIVERY_HEADER "X-Smsrelay-Delivery"

struct webhooks;

struct webhooks_config {
	struct hal_loop *loop;             /* required; not owned */
	const struct api_backend *backend; /* required: queue ops, webhook_get, now_ms */
	struct curl_loop *curl;            /* NULL: one of its own on loop */
	unsigned max_in_flight;            /* POSTs at once; 0: 8 */
	long timeout_ms;                   /* per POST, connect included; 0: 10000 */
	int64_t poll_ms;                   /* look for due deliveries this often; 0: 1000 */
	/* Retries (smsrelayd: [webhooks] backoff_initial_s, backoff_max_s,
	 * retry_for_h). 0 takes the default; anything else out of range is
	 * -EINVAL from webhooks_new. */
	int64_t backoff_initial_ms;        /* first retry after; 0: 10000; <= backoff_max_ms */
	int64_t backoff_max_ms;            /* cap between tries; 0: 3600000 */
	int64_t retry_for_ms;              /* give up after; 0: 24 h; >= WEBHOOKS_RETRY_MIN_MS */
};

#define WEBHOOKS_BACKOFF_INITIAL_MS 10000LL
#define WEBHOOKS_BACKOFF_MAX_MS 3600000LL
/* Receivers are promised at least a day of retries (issue 6). */
#define WEBHOOKS_RETRY_MIN_MS (24LL * 3600 * 1000)

struct webhooks_metrics {
	uint64_t posted;                   /* attempts started */
	uint64_t delivered;
	uint64_t failed_attempts;          /* non-2xx, error or timeout */
	uint64_t dropped;                  /* given up after the retry window */
	unsigned in_flight;
};

/* Returns 0, -EINVAL, -ENOMEM or -EIO (curl). Starts the poll timer. */
int webhooks_new(struct webhooks **out, const struct webhooks_config *cfg);
/* Aborts POSTs in flight (their deliveries stay queued) and frees. Call
 * when the loop no longer runs (hal_loop cannot remove a waker). NULL is
 * fine. */
void webhooks_destroy(struct webhooks *w);
/* Any thread (argument: the struct webhooks *): something was queued, look
 * now. Fits crm_set_webhook_notify. */
void webhooks_notify(void *w);
/* One pass now: start POSTs for due deliveries. Returns how many were
 * started or -errno from the backend. */
int webhooks_kick(struct webhooks *w);
void webhooks_metrics_get(const struct webhooks *w, struct webhooks_metrics *out);
/* Loop thread (smsrelayd's SIGHUP): new per-POST timeout and retry
 * settings, checked as in webhooks_new (0 takes the default; -EINVAL
 * changes nothing). A delivery already waiting keeps its next attempt;
 * the next failure uses the new backoff. */
int webhooks_set_timing(struct webhooks *w, long timeout_ms, int64_t backoff_initial_ms,
			int64_t backoff_max_ms, int64_t retry_for_ms);
/* How long the worker would sleep now before its next look at the queue:
 * until the earliest queued delivery falls due, poll_ms while due ones
 * wait behind deliveries in flight, 60 s when nothing is queued (an idle
 * appliance does not wake up for webhooks). */
int64_t webhooks_next_look_ms(struct webhooks *w);
/* The next attempt after `attempts` failures of a delivery queued at
 * created_at, under w's retry settings: backoff_initial_ms doubling per
 * failure, capped at backoff_max_ms. *give_up is set only once now >=
 * created_at + retry_for_ms. Returns the time of the next attempt. */
int64_t webhooks_next_attempt(const struct webhooks *w, unsigned attempts, int64_t created_at,
			      int64_t now, bool *give_up);

#endif
