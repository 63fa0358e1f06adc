/* Profile lookup and the names of quirks, routes and PIN queries. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "modem/profile.h"

static const struct modem_profile *const modem_profiles[] = {
	&modem_profile_generic, &modem_profile_sim800, &modem_profile_sim7600,
	&modem_profile_ec25,    &modem_profile_e3372,  &modem_profile_ublox,
};

const struct modem_profile *modem_profile_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < sizeof(modem_profiles) / sizeof(modem_profiles[0]); i++)
		if (!strcasecmp(modem_profiles[i]->name, name))
			return modem_profiles[i];
	return NULL;
}

const struct modem_profile *modem_profile_at(unsigned i)
{
	return i < sizeof(modem_profiles) / sizeof(modem_profiles[0]) ? modem_profiles[i] : NULL;
}

const char *modem_quirk_str(unsigned bit)
{
	switch (bit) {
	case MODEM_Q_CNMA:
		return "cnma";
	case MODEM_Q_CEREG:
		return "cereg";
	case MODEM_Q_NO_CFUN_RESET:
		return "no-cfun-reset";
	case MODEM_Q_USB_STICK:
		return "usb-stick";
	case MODEM_Q_SIM_SLOW:
		return "sim-slow";
	default:
		return NULL;
	}
}

char *modem_quirks_format(unsigned quirks, char *buf, unsigned len)
{
	size_t o = 0;
	if (!len)
		return buf;
	buf[0] = '\0';
	for (unsigned i = 0; i < MODEM_QUIRK_COUNT; i++) {
		const char *n = (quirks & (1u << i)) ? modem_quirk_str(1u << i) : NULL;
		if (!n)
			continue;
		int w = snprintf(buf + o, len - o, "%s%s", o ? "," : "", n);
		if (w < 0 || (size_t)w >= len - o)
			break;
		o += (size_t)w;
	}
	return buf;
}

const char *modem_route_str(enum modem_route r)
{
	return r == MODEM_ROUTE_DIRECT ? "direct" : "store";
}

const char *modem_pinq_str(enum modem_pinq q)
{
	static const char *const n[] = { "none", "cpinr", "qpinc", "spic", "upincnt" };
	return (unsigned)q < sizeof(n) / sizeof(n[0]) ? n[q] : "?";
}
