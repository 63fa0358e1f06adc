/* Knobs shared by the cloud channels (Twilio, Telesign), and the form
 * helpers their callback verifiers use.
 *
 * Retry rules (docs/cloud.md): a request that the provider certainly did not
 * act on is retried inside the channel, up to max_attempts in all: HTTP 429
 * (and Twilio 20429), HTTP 5xx, and connection failures (refused, DNS).
 * The delay is the provider's Retry-After when given (capped by
 * retry_after_max_ms), else backoff_base_ms * 2^(attempt-1) capped by
 * backoff_max_ms. A timeout after the request may have been sent is never
 * retried inside (the provider may have created the message): submit_done
 * reports it at once as -ETIMEDOUT, retryable, and the outbox decides. */
#ifndef CLOUD_CLOUD_H
#define CLOUD_CLOUD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cloud_http_config {
	int64_t request_timeout_ms;  /* whole exchange; 0: 15000 */
	int64_t connect_timeout_ms;  /* 0: 5000 */
	unsigned max_attempts;       /* 0: 3 (1 = never retry inside) */
	int64_t backoff_base_ms;     /* 0: 500 */
	int64_t backoff_max_ms;      /* 0: 30000 */
	int64_t retry_after_max_ms;  /* 0: 60000; a longer Retry-After fails retryable */
	unsigned max_in_flight;      /* 0: 64; submit() beyond: -EBUSY */
	bool insecure_tls;           /* tests only: skip certificate checks */
};

/* A decoded form parameter (application/x-www-form-urlencoded). */
struct cloud_param {
	char *name;
	char *value;
};

struct cloud_form {
	struct cloud_param *params;
	size_t count;
};

/* Decode body (not NUL-terminated) into out. '+' is a space, %XX a byte.
 * Returns 0, -EINVAL (bad %-escape, empty name) or -ENOMEM; on error out
 * is empty. Free with cloud_form_free. */
int cloud_form_parse(const char *body, size_t len, struct cloud_form *out);
void cloud_form_free(struct cloud_form *f);
/* The value of the first parameter named name, or NULL. */
const char *cloud_form_get(const struct cloud_form *f, const char *name);

/* Constant-time comparison of two NUL-terminated strings (time depends on
 * the length of b only). */
bool cloud_str_equal_ct(const char *a, const char *b);

#endif
