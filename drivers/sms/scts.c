/* Time stamps (TS 23.040 9.2.3.11) and validity periods (9.2.3.12). */
#include <errno.h>
#include <stdio.h>

#include "pdu_internal.h"
#include "sms/pdu.h"

const char *sms_vpf_str(enum sms_vpf f)
{
	switch (f) {
	case SMS_VPF_NONE:
		return "none";
	case SMS_VPF_ENHANCED:
		return "enhanced";
	case SMS_VPF_RELATIVE:
		return "relative";
	case SMS_VPF_ABSOLUTE:
		return "absolute";
	}
	return "?";
}

/* A semi-octet-swapped decimal pair: low nibble is the tens digit. */
static int sms_bcd_swapped(uint8_t b)
{
	unsigned lo = b & 0x0F, hi = b >> 4;

	if (lo > 9 || hi > 9)
		return -EINVAL;
	return (int)(lo * 10 + hi);
}

int sms_time_decode(const uint8_t *p, struct sms_time *t)
{
	int v[6];
	unsigned tens, units;

	for (int i = 0; i < 6; i++) {
		v[i] = sms_bcd_swapped(p[i]);
		if (v[i] < 0)
			return -EINVAL;
	}
	/* Time zone: bit 3 of the first (tens) semi-octet is the sign. */
	tens = p[6] & 0x07;
	units = p[6] >> 4;
	if (units > 9)
		return -EINVAL;
	t->year = (uint16_t)(2000 + v[0]);
	t->month = (uint8_t)v[1];
	t->day = (uint8_t)v[2];
	t->hour = (uint8_t)v[3];
	t->minute = (uint8_t)v[4];
	t->second = (uint8_t)v[5];
	t->tz = (int8_t)(tens * 10 + units);
	if (p[6] & 0x08)
		t->tz = (int8_t)-t->tz;
	return 0;
}

static uint8_t sms_bcd_swap_enc(unsigned v)
{
	return (uint8_t)((v / 10) | ((v % 10) << 4));
}

int sms_time_encode(const struct sms_time *t, uint8_t *out)
{
	int tz = t->tz < 0 ? -t->tz : t->tz;

	if (t->year < 2000 || t->year > 2099 || t->month > 99 || t->day > 99 || t->hour > 99 ||
	    t->minute > 99 || t->second > 99 || tz > 79)
		return -EINVAL;
	out[0] = sms_bcd_swap_enc(t->year - 2000u);
	out[1] = sms_bcd_swap_enc(t->month);
	out[2] = sms_bcd_swap_enc(t->day);
	out[3] = sms_bcd_swap_enc(t->hour);
	out[4] = sms_bcd_swap_enc(t->minute);
	out[5] = sms_bcd_swap_enc(t->second);
	out[6] = (uint8_t)(sms_bcd_swap_enc((unsigned)tz) | (t->tz < 0 ? 0x08 : 0));
	return 0;
}

int sms_time_format(const struct sms_time *t, char *out, size_t max)
{
	int tz = t->tz < 0 ? -t->tz : t->tz;
	int n;

	if (max < SMS_TIME_STR_MAX)
		return -E2BIG;
	n = snprintf(out, max, "%04u-%02u-%02uT%02u:%02u:%02u%c%02d:%02d", t->year % 10000u,
		     t->month % 100u, t->day % 100u, t->hour % 100u, t->minute % 100u,
		     t->second % 100u, t->tz < 0 ? '-' : '+', tz / 4, (tz % 4) * 15);
	return n;
}

uint32_t sms_vp_relative_minutes(uint8_t v)
{
	if (v <= 143)
		return (v + 1u) * 5;
	if (v <= 167)
		return 12 * 60 + (v - 143u) * 30;
	if (v <= 196)
		return (v - 166u) * 24 * 60;
	return (v - 192u) * 7 * 24 * 60;
}

uint8_t sms_vp_relative_from_minutes(uint32_t minutes)
{
	/* The coding is monotonic: take the first octet that is long enough. */
	for (unsigned v = 0; v < 255; v++)
		if (sms_vp_relative_minutes((uint8_t)v) >= minutes)
			return (uint8_t)v;
	return 255;
}
