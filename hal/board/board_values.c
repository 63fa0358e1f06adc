/* Value checks for board.conf: numbers, booleans, names, paths and port
 * specs, on the strict helpers of hal/ini.h. Every check reports one
 * message through board_fail() at the current line; nothing is ever
 * truncated. */
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

static bool line_char(unsigned char c)
{
	return isalnum(c) || strchr("_.:/-", c) != NULL;
}

static bool text_char(unsigned char c)
{
	return c >= ' ' && c != 0x7f;
}

const struct hal_ini_charset board_cs_line = {"letters, digits and _ . : / -", line_char};
const struct hal_ini_charset board_cs_text = {"no control characters", text_char};

bool board_name_ok(const char *s, size_t len)
{
	return len > 0 && len < HAL_BOARD_NAME_LEN && hal_ini_charset_ok(&hal_ini_cs_name, s, len);
}

int board_copy(struct board_parse *st, const char *key, const char *value, char *dst,
	       size_t dst_len, const struct hal_ini_charset *cs)
{
	return hal_ini_copy(&st->ini, key, value, dst, dst_len, cs, 0, 0);
}

int board_uint(struct board_parse *st, const char *key, const char *value, long min, long max,
	       unsigned *out)
{
	long v;
	int rc;

	if (!*value)
		return board_fail(st, st->ini.lineno, "%s: empty value", key);
	rc = hal_ini_parse_long(value, min, max, &v);
	if (rc == -ERANGE)
		return board_fail(st, st->ini.lineno,
				  "%s: %." QUOTE_MAX "s is out of range (%ld..%ld)", key, value, min,
				  max);
	if (rc)
		return board_fail(st, st->ini.lineno, "%s: '%." QUOTE_MAX "s' is not a number", key,
				  value);
	*out = (unsigned)v;
	return 0;
}

int board_bool(struct board_parse *st, const char *key, const char *value, bool *out)
{
	if (hal_ini_parse_bool(value, HAL_INI_BOOL_ANY_CASE, out) == 0)
		return 0;
	return board_fail(st, st->ini.lineno,
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
	return board_fail(st, st->ini.lineno, "%s: %u is not a standard rate (%s)", key, v, list);
}

int board_abs_path(struct board_parse *st, const char *key, const char *value, char *dst,
		   size_t dst_len)
{
	if (value[0] && value[0] != '/')
		return board_fail(st, st->ini.lineno, "%s: '%." QUOTE_MAX "s' is not an absolute path",
				  key, value);
	return board_copy(st, key, value, dst, dst_len, &hal_ini_cs_token);
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
		if (n == 0 || n >= sizeof(((struct hal_serial_port_info *)0)->usb_serial) ||
		    !hal_ini_charset_ok(&hal_ini_cs_token, s, n))
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
		return board_fail(st, st->ini.lineno,
				  "%s: '%." QUOTE_MAX "s' is not usb:VVVV:PPPP[:SERIAL][#N] "
				  "(hex ids, interface N 0..15)",
				  key, value);
	*is_usb = true;
	return board_copy(st, key, value, dst, dst_len, &hal_ini_cs_token);
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
		return board_fail(st, st->ini.lineno, "%s: '%." QUOTE_MAX "s' is not 15 digits", key,
				  value);
	if (!luhn_ok(value, n))
		return board_fail(st, st->ini.lineno, "%s: %s has a wrong check digit", key, value);
	return board_copy(st, key, value, dst, dst_len, &hal_ini_cs_name);
}
