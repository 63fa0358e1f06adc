/* E.164 numbers and ITU country calling code lengths (see routing/e164.h
 * for the table's source). */
#include "routing/e164.h"

#include <errno.h>

/* Two-digit codes, one bit per second digit, indexed by the first digit.
 * Digits 1 and 7 are one-digit codes; 0 is unassigned. */
static const unsigned short cc_two_digit[10] = {
	[2] = (1u << 0) | (1u << 7),                                   /* 20 27 */
	[3] = (1u << 0) | (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) |
	      (1u << 6) | (1u << 9),                                   /* 30-34 36 39 */
	[4] = (1u << 0) | (1u << 1) | (1u << 3) | (1u << 4) | (1u << 5) |
	      (1u << 6) | (1u << 7) | (1u << 8) | (1u << 9),           /* 40 41 43-49 */
	[5] = 0x1feu,                                                  /* 51-58 */
	[6] = 0x07fu,                                                  /* 60-66 */
	[8] = (1u << 1) | (1u << 2) | (1u << 4) | (1u << 6),           /* 81 82 84 86 */
	[9] = 0x03fu | (1u << 8),                                      /* 90-95 98 */
};

/* Spare three-digit blocks: 28x, 83x, 89x. */
static int cc_spare(int d1, int d2)
{
	return (d1 == 2 && d2 == 8) || (d1 == 8 && d2 == 3) || (d1 == 8 && d2 == 9);
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int routing_e164_cc_len(const char *digits)
{
	if (!digits || !is_digit(digits[0]) || digits[0] == '0')
		return -EINVAL;
	int d1 = digits[0] - '0';
	if (d1 == 1 || d1 == 7)
		return 1;
	if (!is_digit(digits[1]))
		return -EINVAL;
	int d2 = digits[1] - '0';
	if (cc_two_digit[d1] & (1u << d2))
		return 2;
	if (cc_spare(d1, d2))
		return -EINVAL;
	return 3;
}

bool routing_e164_cc_valid(unsigned cc)
{
	char buf[4];
	int n;
	if (cc >= 100)
		n = 3;
	else if (cc >= 10)
		n = 2;
	else if (cc >= 1)
		n = 1;
	else
		return false;
	if (cc > 999)
		return false;
	unsigned v = cc;
	for (int i = n - 1; i >= 0; i--) {
		buf[i] = (char)('0' + v % 10);
		v /= 10;
	}
	buf[n] = '\0';
	return routing_e164_cc_len(buf) == n;
}

int routing_e164_parse(const char *s, unsigned *cc)
{
	if (!s || s[0] != '+')
		return -EINVAL;
	size_t n = 0;
	for (const char *p = s + 1; *p; p++, n++) {
		if (!is_digit(*p) || n >= ROUTING_E164_MAX_DIGITS)
			return -EINVAL;
	}
	if (n < ROUTING_E164_MIN_DIGITS)
		return -EINVAL;
	int len = routing_e164_cc_len(s + 1);
	if (len < 0)
		return len;
	if (cc) {
		unsigned v = 0;
		for (int i = 0; i < len; i++)
			v = v * 10 + (unsigned)(s[1 + i] - '0');
		*cc = v;
	}
	return len;
}
