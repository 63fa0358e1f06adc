/* Twilio StatusCallback POSTs: a delivery with webhook_id 0 carries
 * {"url", "auth_token", "params": {name: value}} (built by the crm in the
 * status change's own transaction). It is POSTed as Twilio does: the params
 * as application/x-www-form-urlencoded, signed in X-Twilio-Signature with
 * the account's auth token (api_twilio_signature: HMAC-SHA1 over the URL
 * and the sorted name+value pairs, base64). */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_webhook.h"
#include "webhooks_priv.h"

#define TW_PARAMS_MAX 16

/* name=value&... with curl's percent-encoding. Returns 0 or -errno. */
static int form_encode(CURL *easy, const char *const *pairs, size_t n, char **out)
{
	size_t cap = 1, used = 0;
	char *buf = NULL;

	for (size_t i = 0; i < 2 * n; i++) {
		char *e = curl_easy_escape(easy, pairs[i], 0);
		size_t len = e ? strlen(e) : 0;
		char *nb;

		if (!e) {
			free(buf);
			return -ENOMEM;
		}
		nb = realloc(buf, cap + len + 1);
		if (!nb) {
			curl_free(e);
			free(buf);
			return -ENOMEM;
		}
		buf = nb;
		cap += len + 1;
		if (i)
			buf[used++] = i % 2 ? '=' : '&';
		memcpy(buf + used, e, len);
		used += len;
		buf[used] = '\0';
		curl_free(e);
	}
	*out = buf ? buf : strdup("");
	return *out ? 0 : -ENOMEM;
}

/* The pairs of params (object of strings); -EINVAL on anything else. */
static int collect(json_t *params, const char **pairs, size_t *n)
{
	const char *k;
	json_t *v;

	*n = 0;
	if (!json_is_object(params))
		return -EINVAL;
	json_object_foreach(params, k, v) {
		if (!json_is_string(v) || *n >= TW_PARAMS_MAX)
			return -EINVAL;
		pairs[2 * *n] = k;
		pairs[2 * *n + 1] = json_string_value(v);
		(*n)++;
	}
	return 0;
}

int wh_twilio_request(CURL *easy, const char *payload, size_t len, struct curl_slist **hdrs,
		      char **body)
{
	const char *pairs[2 * TW_PARAMS_MAX];
	char sig[64], line[128];
	const char *url, *token;
	size_t n = 0;
	json_t *o = json_loadb(payload, len, 0, NULL);
	int rc = -EINVAL;

	url = json_string_value(json_object_get(o, "url"));
	token = json_string_value(json_object_get(o, "auth_token"));
	if (o && url && url[0] && token && token[0])
		rc = collect(json_object_get(o, "params"), pairs, &n);
	if (!rc)
		rc = api_twilio_signature(token, url, pairs, n, sig, sizeof(sig));
	if (!rc)
		rc = form_encode(easy, pairs, n, body);
	if (!rc) {
		*hdrs = curl_slist_append(NULL,
					  "Content-Type: application/x-www-form-urlencoded");
		snprintf(line, sizeof(line), "X-Twilio-Signature: %s", sig);
		*hdrs = *hdrs ? curl_slist_append(*hdrs, line) : NULL;
		*hdrs = *hdrs ? curl_slist_append(*hdrs, "Expect:") : NULL;
		rc = *hdrs ? 0 : -ENOMEM;
	}
	if (!rc && (curl_easy_setopt(easy, CURLOPT_URL, url) != CURLE_OK ||
		    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK))
		rc = -EINVAL;
	if (!rc) {
		curl_easy_setopt(easy, CURLOPT_HTTPHEADER, *hdrs);
		curl_easy_setopt(easy, CURLOPT_POST, 1L);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDS, *body);
		curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(*body));
		curl_easy_setopt(easy, CURLOPT_USERAGENT, "TwilioProxy/1.1");
	}
	json_decref(o); /* url is copied by curl; pairs are no longer used */
	return rc;
}
