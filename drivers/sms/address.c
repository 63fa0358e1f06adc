/* Address fields (TS 23.040 9.1.2.5): semi-octet digits, type of address,
 * alphanumeric addresses packed in GSM 7-bit. */
#include <errno.h>
#include <string.h>

#include "pdu_internal.h"
#include "sms/alphabet.h"
#include "sms/pdu.h"

/* Semi-octets 0..E as characters (9.1.2.3: A='*', B='#', C..E='a'..'c');
 * F is the filler and produces nothing. */
static const char sms_digit_chr[16] = "0123456789*#abc";

const char *sms_ton_str(enum sms_ton ton)
{
	static const char *const names[] = {
		"unknown",    "international", "national",    "network",
		"subscriber", "alphanumeric",  "abbreviated", "reserved",
	};
	if ((unsigned)ton < sizeof(names) / sizeof(names[0]))
		return names[ton];
	return "?";
}

static int sms_digit_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	switch (c) {
	case '*':
		return 0xA;
	case '#':
		return 0xB;
	case 'a':
	case 'A':
		return 0xC;
	case 'b':
	case 'B':
		return 0xD;
	case 'c':
	case 'C':
		return 0xE;
	default:
		return -EINVAL;
	}
}

int sms_address_parse(const char *s, struct sms_address *a)
{
	size_t n = 0;
	const char *d;

	if (!s || !a)
		return -EINVAL;
	d = s[0] == '+' ? s + 1 : s;
	/* A number to send to: digits, '*' and '#' only. */
	for (const char *c = d; *c; c++, n++)
		if (!((*c >= '0' && *c <= '9') || *c == '*' || *c == '#'))
			return -EINVAL;
	if (n == 0 || n > SMS_ADDR_DIGITS_MAX)
		return -EINVAL;
	a->ton = s[0] == '+' ? SMS_TON_INTERNATIONAL : SMS_TON_UNKNOWN;
	a->npi = SMS_NPI_ISDN;
	memcpy(a->number, s, (size_t)(d - s) + n + 1);
	return 0;
}

static void sms_addr_digits(const uint8_t *p, unsigned semis, struct sms_address *a)
{
	char *o = a->number;

	if (a->ton == SMS_TON_INTERNATIONAL)
		*o++ = '+';
	/* Two semi-octets per octet, low nibble first; only the F filler is
	 * dropped (wherever it stands). */
	for (unsigned k = 0; k < semis / 2; k++) {
		uint8_t lo = p[k] & 0x0F, hi = p[k] >> 4;
		o[0] = sms_digit_chr[lo];
		o += lo != 0x0F;
		o[0] = sms_digit_chr[hi];
		o += hi != 0x0F;
	}
	if (semis & 1) {
		uint8_t lo = p[semis / 2] & 0x0F;
		o[0] = sms_digit_chr[lo];
		o += lo != 0x0F;
	}
	*o = '\0';
}

static int sms_addr_alnum(const uint8_t *p, unsigned semis, struct sms_address *a)
{
	uint8_t septets[SMS_ADDR_DIGITS_MAX * 4 / 7 + 1];
	/* Only the semi-octets the length counts carry septets: 23.040 9.1.2.5
	 * says the length is the number of useful semi-octets. */
	size_t n = semis * 4 / 7;
	int r = sms_gsm7_unpack(p, (semis + 1) / 2, 0, n, septets, sizeof(septets));

	if (r < 0)
		return r;
	r = sms_gsm7_to_utf8(septets, n, &SMS_GSM7_DEFAULT, a->number, sizeof(a->number));
	if (r < 0)
		return -EINVAL;
	return 0;
}

int sms_addr_decode(const uint8_t *p, size_t avail, int smsc_form, struct sms_address *a)
{
	unsigned semis, octets;

	if (avail < 1)
		return -EINVAL;
	if (smsc_form) {
		if (p[0] == 0) {
			a->ton = SMS_TON_UNKNOWN;
			a->npi = 0;
			a->number[0] = '\0';
			return 1;
		}
		octets = p[0] - 1u;
		semis = octets * 2;
	} else {
		semis = p[0];
		octets = (semis + 1) / 2;
	}
	if (semis > SMS_ADDR_DIGITS_MAX || avail < 2u + octets)
		return -EINVAL;
	a->ton = (p[1] >> 4) & 0x07;
	a->npi = p[1] & 0x0F;
	if (a->ton == SMS_TON_ALPHANUMERIC) {
		int r = sms_addr_alnum(p + 2, semis, a);
		if (r < 0)
			return r;
	} else {
		sms_addr_digits(p + 2, semis, a);
	}
	return (int)(2 + octets);
}

static int sms_addr_encode_alnum(const struct sms_address *a, uint8_t *out, size_t max,
				 unsigned *semis)
{
	uint8_t septets[SMS_ADDR_DIGITS_MAX];
	int n = sms_gsm7_from_utf8(a->number, strlen(a->number), &SMS_GSM7_DEFAULT, septets,
				   sizeof(septets));

	if (n < 0)
		return n == -E2BIG ? -EINVAL : n;
	/* Useful semi-octets: ceil(septets * 7 / 4); at most 20. */
	*semis = ((unsigned)n * 7 + 3) / 4;
	if (*semis > SMS_ADDR_DIGITS_MAX)
		return -EINVAL;
	return sms_gsm7_pack(septets, (size_t)n, 0, out, max);
}

int sms_addr_encode(const struct sms_address *a, int smsc_form, uint8_t *out, size_t max)
{
	unsigned semis = 0;
	size_t octets;
	const char *d = a->number;

	if (max < 2)
		return -E2BIG;
	if (a->ton == SMS_TON_ALPHANUMERIC) {
		int r = sms_addr_encode_alnum(a, out + 2, max - 2, &semis);
		if (r < 0)
			return r;
		octets = (size_t)r;
	} else {
		if (*d == '+')
			d++;
		semis = (unsigned)strlen(d);
		if (semis > SMS_ADDR_DIGITS_MAX)
			return -EINVAL;
		octets = (semis + 1) / 2;
		if (max < 2 + octets)
			return -E2BIG;
		for (unsigned i = 0; i < semis; i++) {
			int v = sms_digit_val(d[i]);
			uint8_t *o = &out[2 + i / 2];
			if (v < 0)
				return -EINVAL;
			/* Low nibble first; an odd length leaves F as filler. */
			*o = (i & 1) ? (uint8_t)((*o & 0x0F) | (v << 4)) : (uint8_t)(0xF0 | v);
		}
	}
	if (smsc_form && octets == 0 && a->ton != SMS_TON_ALPHANUMERIC && semis == 0) {
		out[0] = 0;
		return 1;
	}
	out[0] = smsc_form ? (uint8_t)(octets + 1) : (uint8_t)semis;
	out[1] = (uint8_t)(0x80 | ((a->ton & 7) << 4) | (a->npi & 0x0F));
	return (int)(2 + octets);
}
