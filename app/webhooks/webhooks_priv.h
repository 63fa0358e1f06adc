/* Internals of the webhook worker. */
#ifndef WEBHOOKS_PRIV_H
#define WEBHOOKS_PRIV_H

#include <curl/curl.h>
#include <stddef.h>

/* A Twilio StatusCallback delivery (webhook_id 0, payload from the crm):
 * sets URL, form body (*body, malloc'd, must outlive the transfer) and
 * headers (*hdrs, incl. X-Twilio-Signature) on easy. Returns 0, -EINVAL
 * (malformed payload, no URL or auth token) or -ENOMEM. */
int wh_twilio_request(CURL *easy, const char *payload, size_t len, struct curl_slist **hdrs,
		      char **body);

#endif
