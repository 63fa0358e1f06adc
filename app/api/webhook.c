/* Webhook signatures (HMAC-SHA256), retry policy, Twilio's signature. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/base64.h>
#include <mbedtls/md.h>

#include "api/api_auth.h"
#include "api/api_webhook.h"

static int hmac_sha256_ts(const char *secret, int64_t t, const void *body, size_t len,
			  unsigned char mac[32])
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	mbedtls_md_context_t c;
	char ts[24];
	int n = snprintf(ts, sizeof(ts), "%" PRId64 ".", t);
	int rc;

	mbedtls_md_init(&c);
	rc = mbedtls_md_setup(&c, md, 1) ||
	     mbedtls_md_hmac_starts(&c, (const unsigned char *)secret, strlen(secret)) ||
	     mbedtls_md_hmac_update(&c, (const unsigned char *)ts, (size_t)n) ||
	     mbedtls_md_hmac_update(&c, body, len) || mbedtls_md_hmac_finish(&c, mac);
	mbedtls_md_free(&c);
	return rc ? -EIO : 0;
}

int api_webhook_sign(const char *secret, const void *body, size_t len, int64_t t,
		     char out[API_WEBHOOK_SIG_MAX])
{
	unsigned char mac[32];
	int n;

	if (!secret || !*secret || (!body && len) || t < 0)
		return -EINVAL;
	if (hmac_sha256_ts(secret, t, body, len, mac))
		return -EIO;
	n = snprintf(out, API_WEBHOOK_SIG_MAX, "t=%" PRId64 ",v1=", t);
	for (size_t i = 0; i < sizeof(mac); i++)
		snprintf(out + n + 2 * i, 3, "%02x", mac[i]);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int api_webhook_verify(const char *secret, const void *body, size_t len, const char *header,
		       int64_t now)
{
	unsigned char mac[32], got[32];
	const char *v1;
	char *end;
	long long t;

	if (!secret || !header || strncmp(header, "t=", 2) != 0)
		return -EINVAL;
	errno = 0;
	t = strtoll(header + 2, &end, 10);
	if (errno || end == header + 2 || t < 0 || strncmp(end, ",v1=", 4) != 0)
		return -EINVAL;
	v1 = end + 4;
	if (strlen(v1) != 64)
		return -EINVAL;
	for (size_t i = 0; i < 32; i++) {
		int hi = hexval(v1[2 * i]), lo = hexval(v1[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		got[i] = (unsigned char)(hi << 4 | lo);
	}
	if (hmac_sha256_ts(secret, t, body, len, mac))
		return -EIO;
	if (!api_ct_equal(mac, got, sizeof(mac)))
		return -EACCES;
	if (t > now + API_WEBHOOK_REPLAY_WINDOW_S || t < now - API_WEBHOOK_REPLAY_WINDOW_S)
		return -ETIMEDOUT;
	return 0;
}

int64_t api_webhook_next_attempt(unsigned attempts, int64_t created_at, int64_t now,
				 bool *give_up)
{
	int64_t delay = 10000;

	for (unsigned i = 0; i < attempts && delay < 3600000; i++)
		delay *= 2;
	if (delay > 3600000)
		delay = 3600000;
	*give_up = now >= created_at + API_WEBHOOK_RETRY_WINDOW_MS;
	return now + delay;
}

static int cmp_pair(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(x[0], y[0]);
}

int api_twilio_signature(const char *token, const char *url, const char *const *pairs,
			 size_t n_pairs, char *out, size_t out_max)
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
	const char **sorted = NULL;
	mbedtls_md_context_t c;
	unsigned char mac[20];
	size_t olen = 0;
	int rc;

	if (!token || !url || (n_pairs && !pairs))
		return -EINVAL;
	/* Twilio's rule: the full URL, then each POST parameter name and value
	 * concatenated, sorted by name. */
	if (n_pairs) {
		sorted = malloc(n_pairs * 2 * sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
		memcpy(sorted, pairs, n_pairs * 2 * sizeof(*sorted));
		qsort(sorted, n_pairs, 2 * sizeof(*sorted), cmp_pair);
	}
	mbedtls_md_init(&c);
	rc = mbedtls_md_setup(&c, md, 1) ||
	     mbedtls_md_hmac_starts(&c, (const unsigned char *)token, strlen(token)) ||
	     mbedtls_md_hmac_update(&c, (const unsigned char *)url, strlen(url));
	for (size_t i = 0; !rc && i < n_pairs * 2; i++)
		rc = mbedtls_md_hmac_update(&c, (const unsigned char *)sorted[i],
					    strlen(sorted[i]));
	rc = rc || mbedtls_md_hmac_finish(&c, mac);
	mbedtls_md_free(&c);
	free(sorted);
	if (rc)
		return -EIO;
	if (mbedtls_base64_encode((unsigned char *)out, out_max, &olen, mac, sizeof(mac)))
		return -EINVAL;
	return 0;
}
