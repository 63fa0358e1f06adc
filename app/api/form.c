/* application/x-www-form-urlencoded, strictly. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_form.h"
#include "api/api_json.h"

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

/* Decode s[0..len) into a new NUL-terminated string. */
static int unescape(const char *s, size_t len, char **out, size_t *out_len)
{
	char *d = malloc(len + 1);
	size_t n = 0;

	if (!d)
		return -ENOMEM;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '+') {
			d[n++] = ' ';
		} else if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= len) {
				free(d);
				return -EINVAL;
			}
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0) {
				free(d);
				return -EINVAL;
			}
			d[n++] = (char)(hi << 4 | lo);
			i += 2;
		} else {
			d[n++] = s[i];
		}
	}
	d[n] = 0;
	/* A NUL would cut the string where C code reads it: refuse it. */
	if (memchr(d, 0, n)) {
		free(d);
		return -EINVAL;
	}
	*out = d;
	*out_len = n;
	return 0;
}

int api_form_decode(const char *buf, size_t len, struct api_form *out)
{
	static const struct api_field utf8 = { .name = "form", .type = API_FT_STRING,
					       .flags = API_FF_TEXT };
	size_t i = 0;

	memset(out, 0, sizeof(*out));
	while (i < len) {
		const char *seg = buf + i, *amp = memchr(seg, '&', len - i), *eq;
		size_t sl = amp ? (size_t)(amp - seg) : len - i, nl, dl;
		struct api_form_pair *p;
		int rc;

		i += sl + 1;
		if (sl == 0)
			continue; /* "a=1&&b=2": empty sequences are skipped (WHATWG) */
		if (out->n == API_FORM_MAX_PAIRS)
			return -E2BIG;
		eq = memchr(seg, '=', sl);
		nl = eq ? (size_t)(eq - seg) : sl;
		p = &out->pairs[out->n];
		rc = unescape(seg, nl, &p->name, &dl);
		if (rc)
			return rc;
		rc = eq ? unescape(eq + 1, sl - nl - 1, &p->value, &p->value_len)
			: unescape("", 0, &p->value, &p->value_len);
		if (rc) {
			free(p->name);
			p->name = NULL;
			return rc;
		}
		out->n++;
		if (dl == 0 || api_json_check_string(&utf8, p->name, dl, NULL) ||
		    api_json_check_string(&utf8, p->value, p->value_len, NULL))
			return -EINVAL;
		for (size_t k = 0; k + 1 < out->n; k++)
			if (strcmp(out->pairs[k].name, p->name) == 0)
				return -EINVAL;
	}
	return 0;
}

void api_form_free(struct api_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->pairs[i].name);
		free(f->pairs[i].value);
	}
	f->n = 0;
}

const char *api_form_get(const struct api_form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->pairs[i].name, name) == 0)
			return f->pairs[i].value;
	return NULL;
}

int api_form_escape(const char *s, char *out, size_t out_max)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~';
		if (n + (keep ? 1 : 3) >= out_max)
			return -E2BIG;
		if (keep) {
			out[n++] = (char)c;
		} else {
			out[n++] = '%';
			out[n++] = hex[c >> 4];
			out[n++] = hex[c & 15];
		}
	}
	if (n >= out_max)
		return -E2BIG;
	out[n] = 0;
	return 0;
}
