/* Form encoding and decoding (application/x-www-form-urlencoded), bounded
 * buffers, constant-time compare. Escaping is libcurl's. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cloud_core.h"

int cloud_buf_append(struct cloud_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > CLOUD_RESP_MAX * 4)
		return -E2BIG;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int cloud_buf_puts(struct cloud_buf *b, const char *s)
{
	return cloud_buf_append(b, s, strlen(s));
}

int cloud_buf_add_param(struct cloud_buf *b, const char *name, const char *value)
{
	char *n = curl_easy_escape(NULL, name, 0);
	char *v = curl_easy_escape(NULL, value, 0);
	int rc = -ENOMEM;
	if (n && v) {
		rc = b->len ? cloud_buf_puts(b, "&") : 0;
		if (!rc)
			rc = cloud_buf_puts(b, n);
		if (!rc)
			rc = cloud_buf_puts(b, "=");
		if (!rc)
			rc = cloud_buf_puts(b, v);
	}
	curl_free(n);
	curl_free(v);
	return rc;
}

void cloud_buf_free(struct cloud_buf *b)
{
	free(b->data);
	*b = (struct cloud_buf){ 0 };
}

/* Decode one %-escaped, '+'-for-space piece. Returns a malloc'd string or
 * NULL (errno-like code in *rc). */
static char *form_decode(const char *s, size_t n, int *rc)
{
	char *out = malloc(n + 1);
	if (!out) {
		*rc = -ENOMEM;
		return NULL;
	}
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= n || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2])) {
				free(out);
				*rc = -EINVAL;
				return NULL;
			}
			char hex[3] = { s[i + 1], s[i + 2], 0 };
			out[o++] = (char)strtoul(hex, NULL, 16);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	/* An embedded NUL would make the value silently shorter. */
	if (strlen(out) != o) {
		free(out);
		*rc = -EINVAL;
		return NULL;
	}
	return out;
}

void cloud_form_free(struct cloud_form *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->count; i++) {
		free(f->params[i].name);
		free(f->params[i].value);
	}
	free(f->params);
	f->params = NULL;
	f->count = 0;
}

int cloud_form_parse(const char *body, size_t len, struct cloud_form *out)
{
	if (!out || (!body && len))
		return -EINVAL;
	*out = (struct cloud_form){ 0 };
	size_t pos = 0;
	while (pos < len) {
		const char *amp = memchr(body + pos, '&', len - pos);
		size_t end = amp ? (size_t)(amp - body) : len;
		if (end > pos) {
			const char *eq = memchr(body + pos, '=', end - pos);
			size_t nend = eq ? (size_t)(eq - body) : end;
			int rc = 0;
			if (nend == pos) {
				cloud_form_free(out);
				return -EINVAL;
			}
			struct cloud_param *p = realloc(out->params, (out->count + 1) * sizeof(*p));
			if (!p) {
				cloud_form_free(out);
				return -ENOMEM;
			}
			out->params = p;
			char *n = form_decode(body + pos, nend - pos, &rc);
			char *v = n ? form_decode(eq ? eq + 1 : body + end,
						  eq ? end - nend - 1 : 0, &rc)
				    : NULL;
			if (!n || !v) {
				free(n);
				cloud_form_free(out);
				return rc;
			}
			out->params[out->count++] = (struct cloud_param){ n, v };
		}
		pos = end + 1;
	}
	return 0;
}

const char *cloud_form_get(const struct cloud_form *f, const char *name)
{
	for (size_t i = 0; f && i < f->count; i++)
		if (strcmp(f->params[i].name, name) == 0)
			return f->params[i].value;
	return NULL;
}

bool cloud_str_equal_ct(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	size_t la = strlen(a), lb = strlen(b);
	unsigned char diff = (unsigned char)(la != lb);
	/* Walk b's length; index into a modulo its length so every byte of b
	 * costs the same whatever a holds. */
	for (size_t i = 0; i < lb; i++)
		diff |= (unsigned char)(a[la ? i % la : 0] ^ b[i]);
	return diff == 0 && la == lb;
}

int cloud_copy(char *dst, size_t n, const char *src)
{
	size_t l = strlen(src);
	if (l >= n)
		return -E2BIG;
	memcpy(dst, src, l + 1);
	return 0;
}
