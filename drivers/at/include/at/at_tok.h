/* Zero-copy tokenizer for AT response lines ("+CREG: 2,1,\"00C3\",\"1A2B\",7").
 *
 * Fields are separated by commas; a field may be quoted (commas inside quotes
 * do not split); spaces around fields are ignored. Every getter consumes one
 * field, even when it then fails, so optional fields can be skipped.
 * Getter returns:
 *   0        the field was read;
 *   -ENOENT  no field left, or the field is empty ("1,,3"): absent value;
 *   -EINVAL  malformed (not a number, unterminated quote, junk after quote);
 *   -ERANGE  a number outside [min, max];
 *   -E2BIG   a string that does not fit the caller's buffer (nothing is
 *            silently truncated; buf is set to ""). */
#ifndef AT_TOK_H
#define AT_TOK_H

#include <stdbool.h>
#include <stddef.h>

/* A piece of a line: not NUL-terminated, valid while the line is. */
struct at_span {
	const char *p;
	size_t len;
};

struct at_tok {
	const char *p;   /* next unread byte */
	const char *end; /* end of the fields (trailing spaces trimmed) */
	bool done;       /* no field left */
};

/* Start after prefix ("+CSQ:", case-insensitive, spaces after it skipped).
 * prefix NULL: the whole line is fields. Returns 0 or -EINVAL when the line
 * does not start with prefix. */
int at_tok_init(struct at_tok *t, const char *line, const char *prefix);
/* Same over a span (e.g. the inside of "( ... )"). */
void at_tok_init_span(struct at_tok *t, const char *p, size_t len);

/* Next field as a span (quotes removed); *quoted tells whether it was quoted
 * (may be NULL). An empty field gives 0 with len 0. -ENOENT, -EINVAL. */
int at_tok_span(struct at_tok *t, struct at_span *out, bool *quoted);
/* Decimal integer (quoted accepted), range-checked. */
int at_tok_int(struct at_tok *t, long min, long max, long *out);
/* Hexadecimal integer (quoted or not, no 0x), range-checked. */
int at_tok_hex(struct at_tok *t, unsigned long max, unsigned long *out);
/* String into buf (NUL-terminated). An empty field gives "" and 0. */
int at_tok_str(struct at_tok *t, char *buf, size_t len);
/* Skip one field. Returns 0, -ENOENT or -EINVAL. */
int at_tok_skip(struct at_tok *t);
/* Fields left (without consuming them); a malformed rest counts as one. */
size_t at_tok_count(const struct at_tok *t);
static inline bool at_tok_more(const struct at_tok *t)
{
	return !t->done;
}

/* True when s (len bytes) is non-empty and all hex digits. */
bool at_is_hex(const char *s, size_t len);
/* Does line start with prefix (case-insensitive)? */
bool at_has_prefix(const char *line, const char *prefix);

#endif
