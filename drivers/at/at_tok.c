/* Zero-copy AT field tokenizer: see at_tok.h. */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <strings.h>

#include "at/at_tok.h"

bool at_has_prefix(const char *line, const char *prefix)
{
	if (!line || !prefix)
		return false;
	return strncasecmp(line, prefix, strlen(prefix)) == 0;
}

bool at_is_hex(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	return true;
}

void at_tok_init_span(struct at_tok *t, const char *p, size_t len)
{
	const char *end = p + len;
	while (p < end && *p == ' ')
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	t->p = p;
	t->end = end;
	t->done = (p == end);
}

int at_tok_init(struct at_tok *t, const char *line, const char *prefix)
{
	t->p = t->end = line;
	t->done = true;
	if (!line)
		return -EINVAL;
	if (prefix) {
		if (!at_has_prefix(line, prefix))
			return -EINVAL;
		line += strlen(prefix);
	}
	at_tok_init_span(t, line, strlen(line));
	return 0;
}

int at_tok_span(struct at_tok *t, struct at_span *out, bool *quoted)
{
	const char *p = t->p, *start, *stop;
	bool q = false;

	if (t->done)
		return -ENOENT;
	while (p < t->end && *p == ' ')
		p++;
	if (p < t->end && *p == '"') {
		q = true;
		start = ++p;
		while (p < t->end && *p != '"')
			p++;
		if (p == t->end) {
			t->done = true;
			t->p = t->end;
			return -EINVAL;
		}
		stop = p++;
		while (p < t->end && *p == ' ')
			p++;
		if (p < t->end && *p != ',') {
			/* junk after the closing quote: skip to the next comma */
			while (p < t->end && *p != ',')
				p++;
			t->done = (p == t->end);
			t->p = p < t->end ? p + 1 : p;
			return -EINVAL;
		}
	} else {
		start = p;
		while (p < t->end && *p != ',')
			p++;
		stop = p;
		while (stop > start && stop[-1] == ' ')
			stop--;
	}
	if (p < t->end) { /* at a comma: another field follows, maybe empty */
		t->p = p + 1;
	} else {
		t->p = p;
		t->done = true;
	}
	out->p = start;
	out->len = (size_t)(stop - start);
	if (quoted)
		*quoted = q;
	return 0;
}

int at_tok_skip(struct at_tok *t)
{
	struct at_span s;
	return at_tok_span(t, &s, NULL);
}

size_t at_tok_count(const struct at_tok *t)
{
	struct at_tok c = *t;
	struct at_span s;
	size_t n = 0;
	while (!c.done) {
		(void)at_tok_span(&c, &s, NULL);
		n++;
	}
	return n;
}

int at_tok_int(struct at_tok *t, long min, long max, long *out)
{
	struct at_span s;
	int rc = at_tok_span(t, &s, NULL);
	long v = 0;
	bool neg = false;
	size_t i = 0;

	if (rc)
		return rc;
	if (s.len == 0)
		return -ENOENT;
	if (s.p[0] == '-' || s.p[0] == '+') {
		neg = s.p[0] == '-';
		i = 1;
	}
	if (i == s.len)
		return -EINVAL;
	for (; i < s.len; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return -EINVAL;
		if (v > (LONG_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (s.p[i] - '0');
	}
	if (neg)
		v = -v;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int at_tok_hex(struct at_tok *t, unsigned long max, unsigned long *out)
{
	struct at_span s;
	int rc = at_tok_span(t, &s, NULL);
	unsigned long v = 0;

	if (rc)
		return rc;
	if (s.len == 0)
		return -ENOENT;
	if (!at_is_hex(s.p, s.len))
		return -EINVAL;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		unsigned d = (c <= '9') ? (unsigned)(c - '0')
			   : (c <= 'F') ? (unsigned)(c - 'A' + 10) : (unsigned)(c - 'a' + 10);
		if (v > (ULONG_MAX >> 4))
			return -ERANGE;
		v = (v << 4) | d;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int at_tok_str(struct at_tok *t, char *buf, size_t len)
{
	struct at_span s;
	int rc;

	if (!buf || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	rc = at_tok_span(t, &s, NULL);
	if (rc)
		return rc;
	if (s.len >= len)
		return -E2BIG;
	memcpy(buf, s.p, s.len);
	buf[s.len] = '\0';
	return 0;
}
