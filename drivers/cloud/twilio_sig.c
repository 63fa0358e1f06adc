/* Twilio status callbacks: X-Twilio-Signature and the status mapping.
 * Scheme (twilio.com/docs/usage/webhooks/webhooks-security): take the full
 * URL Twilio requested, append every POST parameter sorted by name as
 * name + value with no separators, HMAC-SHA1 it with the auth token, base64.
 * Repeated identical name/value pairs count once and equal names sort by
 * value, as Twilio's own RequestValidator implementations do. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/base64.h>
#include <mbedtls/md.h>

#include "cloud/twilio.h"
#include "cloud_core.h"
#include "drivers/msg_status.h"

static int param_cmp(const void *a, const void *b)
{
	const struct cloud_param *pa = *(const struct cloud_param *const *)a;
	const struct cloud_param *pb = *(const struct cloud_param *const *)b;
	int r = strcmp(pa->name, pb->name);
	return r ? r : strcmp(pa->value, pb->value);
}

int twilio_signature_compute(const char *auth_token, const char *url,
			     const struct cloud_form *params, char out[29])
{
	if (!auth_token || !url || !params || !out)
		return -EINVAL;
	const struct cloud_param **sorted = NULL;
	if (params->count) {
		sorted = calloc(params->count, sizeof(*sorted));
		if (!sorted)
			return -ENOMEM;
	}
	for (size_t i = 0; i < params->count; i++)
		sorted[i] = &params->params[i];
	if (params->count)
		qsort(sorted, params->count, sizeof(*sorted), param_cmp);
	struct cloud_buf s = { 0 };
	int rc = cloud_buf_puts(&s, url);
	for (size_t i = 0; !rc && i < params->count; i++) {
		if (i && param_cmp(&sorted[i - 1], &sorted[i]) == 0)
			continue;
		rc = cloud_buf_puts(&s, sorted[i]->name);
		if (!rc)
			rc = cloud_buf_puts(&s, sorted[i]->value);
	}
	free(sorted);
	unsigned char mac[20];
	if (!rc && mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA1),
				   (const unsigned char *)auth_token, strlen(auth_token),
				   (const unsigned char *)s.data, s.len, mac) != 0)
		rc = -EINVAL;
	cloud_buf_free(&s);
	size_t olen = 0;
	if (!rc && mbedtls_base64_encode((unsigned char *)out, 29, &olen, mac, sizeof(mac)) != 0)
		rc = -EINVAL;
	return rc;
}

bool twilio_signature_valid(const char *auth_token, const char *url,
			    const struct cloud_form *params, const char *signature)
{
	char want[29];
	if (!signature || twilio_signature_compute(auth_token, url, params, want) < 0)
		return false;
	return cloud_str_equal_ct(signature, want);
}

int twilio_status_report(const struct cloud_form *params, struct channel_report *out)
{
	if (!params || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	/* SmsSid/SmsStatus are the older names Twilio still sends alongside. */
	const char *sid = cloud_form_get(params, "MessageSid");
	if (!sid)
		sid = cloud_form_get(params, "SmsSid");
	const char *status = cloud_form_get(params, "MessageStatus");
	if (!status)
		status = cloud_form_get(params, "SmsStatus");
	const char *err = cloud_form_get(params, "ErrorCode");
	const char *to = cloud_form_get(params, "To");
	if (!sid || !*sid || !status || cloud_copy(out->ref, sizeof(out->ref), sid) < 0)
		return -EINVAL;
	if (to && cloud_copy(out->recipient, sizeof(out->recipient), to) < 0)
		return -EINVAL;
	int code = 0;
	if (err && *err) {
		char *end;
		long v = strtol(err, &end, 10);
		if (*end || v < 0 || v > 999999)
			return -EINVAL;
		code = (int)v;
	}
	struct msg_status_map m;
	if (msg_status_from_twilio(status, code, &m) < 0)
		return -EINVAL;
	out->state = cloud_delivery_of(m.status);
	out->code = code;
	return 0;
}
