/* Value checks for board.conf: numbers with full strtol checks, booleans,
 * names, paths and port specs. Every check reports one message through
 * board_fail() at the current line; nothing is ever truncated. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "board_int.h"

/* Values are quoted in messages up to this many characters. */
#define QUOTE_MAX "40"

static const unsigned std_bauds[] = {
    9600,   19200,   38400,   57600,   115200,	230400,	 460800,  500000,  576000,
    921600, 1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
};

static bool char_ok(unsigned char c, enum board_charset cs)
{
	switch (cs) {
	case BOARD_CS_NAME:
		return isalnum(c) || c == '_' || c == '-';
	case BOARD_CS_LINE:
		return isalnum(c) || strchr("_.:/-", c) != NULL;
	case BOARD_CS_PATH:
		return c > ' ' && c < 0x7f;
	case BOARD_CS_TEXT:
		return c >= ' ' && c != 0x7f;
	}
	return false;
}

static const char *charset_str(enum board_charset cs)
{
	switch (cs) {
	case BOARD_CS_NAME:
		return "letters, digits, '_' and '-'";
	case BOARD_CS_LINE:
		return "letters, digits and _ . : / -";
	case BOARD_CS_PATH:
		return "printable ASCII without blanks";
	case BOARD_CS_TEXT:
		return "no control characters";
	}
	return "?";
}

bool board_name_ok(const char *s, size_t len)
{
	if (len == 0 || len >= HAL_BOARD_NAME_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!char_ok((unsigned char)s[i], BOARD_CS_NAME))
			return false;
	return true;
}

int board_copy(struct board_parse *st, const char *key, const char *value, char *dst,
	       size_t dst_len, enum board_charset cs)
{
	size_t n = strlen(value);

	if (n == 0)
		return board_fail(st, st->lineno, "%s: empty value", key);
	if (n >= dst_len)
		return board_fail(st, st->lineno, "%s: value too long (%zu characters, max %zu)",
				  key, n, dst_len - 1);
	for (size_t i = 0; i < n; i++)
		if (!char_ok((unsigned char)value[i], cs))
			return board_fail(st, st->lineno,
					  "%s: bad character 0x%02x at position %zu (allowed: %s)",
					  key, (unsigned char)value[i], i + 1, charset_str(cs));
	memcpy(dst, value, n + 1);
	return 0;
}

static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int board_uint(struct board_parse *st, const char *key, const char *value, long min, long max,
	       unsigned *out)
{
	char *end = NULL;
	long v;

	if (!*value)
		return board_fail(st, st->lineno, "%s: empty value", key);
	/* strtol alone would accept " 5", "+5" and "5x"; a board file
	 * must say exactly what it means. */
	if (!is_number(value))
		return board_fail(st, st->lineno, "%s: '%." QUOTE_MAX "s' is not a number", key,
				  value);
	errno = 0;
	v = strtol(value, &end, 10);
	if (end == value || *end)
		return board_fail(st, st->lineno, "%s: '%." QUOTE_MAX "s' is not a number", key,
				  value);
	if (errno == ERANGE || v < min || v > max)
		return board_fail(st, st->lineno, "%s: %." QUOTE_MAX "s is out of range (%ld..%ld)",
				  key, value, min, max);
	*out = (unsigned)v;
	return 0;
}

int board_bool(struct board_parse *st, const char *key, const char *value, bool *out)
{
	static const char *const yes[] = {"true", "yes", "1"};
	static const char *const no[] = {"false", "no", "0"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(value, yes[i])) {
			*out = true;
			return 0;
		}
		if (!strcasecmp(value, no[i])) {
			*out = false;
			return 0;
		}
	}
	return board_fail(st, st->lineno,
			  "%s: '%." QUOTE_MAX "s' is not a boolean (true/false/yes/no/1/0)", key,
			  value);
}

int board_baud(struct board_parse *st, const char *key, const char *value, unsigned *out)
{
	char list[192] = "";
	size_t used = 0;
	unsigned v;
	int rc = board_uint(st, key, value, std_bauds[0], 4000000, &v);

	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(std_bauds) / sizeof(std_bauds[0]); i++) {
		if (std_bauds[i] == v) {
			*out = v;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(std_bauds) / sizeof(std_bauds[0]); i++) {
		int w =
		    snprintf(list + used, sizeof(list) - used, "%s%u", i ? " " : "", std_bauds[i]);
		if (w < 0 || (size_t)w >= sizeof(list) - used)
			break;
		used += (size_t)w;
	}
	return board_fail(st, st->lineno, "%s: %u is not a standard rate (%s)", key, v, list);
}

int board_abs_path(struct board_parse *st, const char *key, const char *value, char *dst,
		   size_t dst_len)
{
	if (value[0] && value[0] != '/')
		return board_fail(st, st->lineno, "%s: '%." QUOTE_MAX "s' is not an absolute path",
				  key, value);
	return board_copy(st, key, value, dst, dst_len, BOARD_CS_PATH);
}

static size_t span_hex(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && isxdigit((unsigned char)s[n]))
		n++;
	return n;
}

/* "usb:VVVV:PPPP[:SERIAL][#N]", the grammar hal_serial_resolve() takes. */
static bool usb_spec_ok(const char *s)
{
	size_t n;

	s += 4; /* "usb:" */
	if (span_hex(s, 5) != 4 || s[4] != ':')
		return false;
	s += 5;
	if (span_hex(s, 5) != 4)
		return false;
	s += 4;
	if (*s == ':') {
		n = strcspn(++s, ":#");
		if (n == 0 || n >= sizeof(((struct hal_serial_port_info *)0)->usb_serial))
			return false;
		for (size_t i = 0; i < n; i++)
			if (!char_ok((unsigned char)s[i], BOARD_CS_PATH))
				return false;
		s += n;
	}
	if (*s == '#') {
		s++;
		/* Interface 0..15: one or two digits, no sign, no padding. */
		if (!isdigit((unsigned char)s[0]) || (s[1] && !isdigit((unsigned char)s[1])))
			return false;
		if (s[1] && (s[0] == '0' || (s[0] - '0') * 10 + (s[1] - '0') > 15))
			return false;
		s += s[1] ? 2 : 1;
	}
	return *s == '\0';
}

int board_port(struct board_parse *st, const char *key, const char *value, char *dst,
	       size_t dst_len, bool *is_usb)
{
	if (strncmp(value, "usb:", 4) != 0) {
		*is_usb = false;
		return board_abs_path(st, key, value, dst, dst_len);
	}
	if (!usb_spec_ok(value))
		return board_fail(st, st->lineno,
				  "%s: '%." QUOTE_MAX "s' is not usb:VVVV:PPPP[:SERIAL][#N] "
				  "(hex ids, interface N 0..15)",
				  key, value);
	*is_usb = true;
	return board_copy(st, key, value, dst, dst_len, BOARD_CS_PATH);
}

/* IMEI: 14 digits plus a Luhn check digit (3GPP TS 23.003 annex B). */
static bool luhn_ok(const char *d, size_t n)
{
	unsigned sum = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned v = (unsigned)(d[n - 1 - i] - '0');

		if (i % 2) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	return sum % 10 == 0;
}

int board_imei(struct board_parse *st, const char *key, const char *value, char *dst,
	       size_t dst_len)
{
	size_t n = strlen(value);

	if (n != HAL_BOARD_IMEI_LEN - 1 || strspn(value, "0123456789") != n)
		return board_fail(st, st->lineno, "%s: '%." QUOTE_MAX "s' is not 15 digits", key,
				  value);
	if (!luhn_ok(value, n))
		return board_fail(st, st->lineno, "%s: %s has a wrong check digit", key, value);
	return board_copy(st, key, value, dst, dst_len, BOARD_CS_NAME);
}
