/* application/x-www-form-urlencoded decoding (WHATWG URL spec, section 5.1
 * "application/x-www-form-urlencoded parsing"): '&'-separated name=value
 * pairs, '+' is a space, %HH a byte. Strict: a bad escape, a NUL byte or
 * invalid UTF-8 is an error, never silently dropped. */
#ifndef API_FORM_H
#define API_FORM_H

#include <stddef.h>

#define API_FORM_MAX_PAIRS 32

struct api_form_pair {
	char *name;
	char *value;
	size_t value_len;
};

struct api_form {
	struct api_form_pair pairs[API_FORM_MAX_PAIRS];
	size_t n;
};

/* Decode buf. Returns 0, -EINVAL (malformed, duplicate name), -E2BIG (more
 * than API_FORM_MAX_PAIRS pairs) or -ENOMEM. Free with api_form_free (also
 * after an error). */
int api_form_decode(const char *buf, size_t len, struct api_form *out);
void api_form_free(struct api_form *f);
/* The value of name, or NULL. */
const char *api_form_get(const struct api_form *f, const char *name);

/* Percent-encode a query value (unreserved kept, others %HH). Returns 0 or
 * -E2BIG. */
int api_form_escape(const char *s, char *out, size_t out_max);

#endif
