/* CME/CMS error table. Texts follow the specs' wording (27.007 9.2.1/9.2.2,
 * 27.005 3.2.5, 24.011 annex E.2, 23.040 9.2.3.22) so that verbose
 * "+CME ERROR: <text>" from AT+CMEE=2 maps back to the number. The retry
 * flag marks causes that are transient on the network or SIM side. */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "at/at_errors.h"

static const struct at_error_info cme_table[] = {
	{ 0, "phone failure", true },
	{ 1, "no connection to phone", false },
	{ 2, "phone-adaptor link reserved", false },
	{ 3, "operation not allowed", false },
	{ 4, "operation not supported", false },
	{ 5, "PH-SIM PIN required", false },
	{ 6, "PH-FSIM PIN required", false },
	{ 7, "PH-FSIM PUK required", false },
	{ 10, "SIM not inserted", false },
	{ 11, "SIM PIN required", false },
	{ 12, "SIM PUK required", false },
	{ 13, "SIM failure", false },
	{ 14, "SIM busy", true },
	{ 15, "SIM wrong", false },
	{ 16, "incorrect password", false },
	{ 17, "SIM PIN2 required", false },
	{ 18, "SIM PUK2 required", false },
	{ 20, "memory full", false },
	{ 21, "invalid index", false },
	{ 22, "not found", false },
	{ 23, "memory failure", false },
	{ 24, "text string too long", false },
	{ 25, "invalid characters in text string", false },
	{ 26, "dial string too long", false },
	{ 27, "invalid characters in dial string", false },
	{ 30, "no network service", true },
	{ 31, "network timeout", true },
	{ 32, "network not allowed - emergency calls only", true },
	{ 40, "network personalization PIN required", false },
	{ 41, "network personalization PUK required", false },
	{ 42, "network subset personalization PIN required", false },
	{ 43, "network subset personalization PUK required", false },
	{ 44, "service provider personalization PIN required", false },
	{ 45, "service provider personalization PUK required", false },
	{ 46, "corporate personalization PIN required", false },
	{ 47, "corporate personalization PUK required", false },
	{ 48, "hidden key required", false },
	{ 49, "EAP method not supported", false },
	{ 50, "incorrect parameters", false },
	{ 51, "command implemented but currently disabled", false },
	{ 52, "command aborted by user", false },
	{ 53, "not attached to network due to MT functionality restrictions", false },
	{ 54, "modem not allowed - MT restricted to emergency calls only", false },
	{ 55, "operation not allowed because of MT functionality restrictions", false },
	{ 56, "fixed dial number only allowed", false },
	{ 57, "temporarily out of service due to other MT usage", true },
	{ 58, "language/alphabet not supported", false },
	{ 59, "unexpected data value", false },
	{ 60, "system failure", true },
	{ 61, "data missing", false },
	{ 62, "call barred", false },
	{ 63, "message waiting indication subscription failure", false },
	{ 100, "unknown", true },
	{ 103, "illegal MS", false },
	{ 106, "illegal ME", false },
	{ 107, "GPRS services not allowed", false },
	{ 108, "GPRS services and non-GPRS services not allowed", false },
	{ 111, "PLMN not allowed", false },
	{ 112, "location area not allowed", false },
	{ 113, "roaming not allowed in this location area", false },
	{ 114, "GPRS services not allowed in this PLMN", false },
	{ 115, "no suitable cells in location area", true },
	{ 122, "congestion", true },
	{ 125, "insufficient resources", true },
	{ 126, "missing or unknown APN", false },
	{ 127, "unknown PDP address or PDP type", false },
	{ 128, "user authentication failed", false },
	{ 129, "activation rejected by GGSN, Serving GW or PDN GW", false },
	{ 130, "activation rejected, unspecified", true },
	{ 131, "service option not supported", false },
	{ 132, "requested service option not subscribed", false },
	{ 133, "service option temporarily out of order", true },
	{ 148, "unspecified GPRS error", true },
	{ 149, "PDP authentication failure", false },
	{ 150, "invalid mobile class", false },
};

static const struct at_error_info cms_table[] = {
	/* 0..127: RP-Cause, 3GPP TS 24.011 annex E.2 */
	{ 1, "unassigned (unallocated) number", false },
	{ 8, "operator determined barring", false },
	{ 10, "call barred", false },
	{ 17, "network failure", true },
	{ 21, "short message transfer rejected", false },
	{ 22, "memory capacity exceeded", true },
	{ 27, "destination out of order", true },
	{ 28, "unidentified subscriber", false },
	{ 29, "facility rejected", false },
	{ 30, "unknown subscriber", false },
	{ 38, "network out of order", true },
	{ 41, "temporary failure", true },
	{ 42, "congestion", true },
	{ 47, "resources unavailable, unspecified", true },
	{ 50, "requested facility not subscribed", false },
	{ 69, "requested facility not implemented", false },
	{ 81, "invalid short message transfer reference value", false },
	{ 95, "invalid message, unspecified", false },
	{ 96, "invalid mandatory information", false },
	{ 97, "message type non-existent or not implemented", false },
	{ 98, "message not compatible with short message protocol state", false },
	{ 99, "information element non-existent or not implemented", false },
	{ 111, "protocol error, unspecified", false },
	{ 127, "interworking, unspecified", true },
	/* 128..255: TP-Failure-Cause, 3GPP TS 23.040 9.2.3.22 */
	{ 0x80, "telematic interworking not supported", false },
	{ 0x81, "short message type 0 not supported", false },
	{ 0x82, "cannot replace short message", false },
	{ 0x8F, "unspecified TP-PID error", false },
	{ 0x90, "data coding scheme (alphabet) not supported", false },
	{ 0x91, "message class not supported", false },
	{ 0x9F, "unspecified TP-DCS error", false },
	{ 0xA0, "command cannot be actioned", false },
	{ 0xA1, "command unsupported", false },
	{ 0xAF, "unspecified TP-Command error", false },
	{ 0xB0, "TPDU not supported", false },
	{ 0xC0, "SC busy", true },
	{ 0xC1, "no SC subscription", false },
	{ 0xC2, "SC system failure", true },
	{ 0xC3, "invalid SME address", false },
	{ 0xC4, "destination SME barred", false },
	{ 0xC5, "SM rejected-duplicate SM", false },
	{ 0xC6, "TP-VPF not supported", false },
	{ 0xC7, "TP-VP not supported", false },
	{ 0xD0, "SIM SMS storage full", false },
	{ 0xD1, "no SMS storage capability in SIM", false },
	{ 0xD2, "error in MS", true },
	{ 0xD3, "memory capacity exceeded", true },
	{ 0xD4, "SIM application toolkit busy", true },
	{ 0xD5, "SIM data download error", true },
	{ 0xFF, "unspecified error cause", true },
	/* 300..: 3GPP TS 27.005 3.2.5 */
	{ 300, "ME failure", true },
	{ 301, "SMS service of ME reserved", true },
	{ 302, "operation not allowed", false },
	{ 303, "operation not supported", false },
	{ 304, "invalid PDU mode parameter", false },
	{ 305, "invalid text mode parameter", false },
	{ 310, "SIM not inserted", false },
	{ 311, "SIM PIN required", false },
	{ 312, "PH-SIM PIN required", false },
	{ 313, "SIM failure", false },
	{ 314, "SIM busy", true },
	{ 315, "SIM wrong", false },
	{ 316, "SIM PUK required", false },
	{ 317, "SIM PIN2 required", false },
	{ 318, "SIM PUK2 required", false },
	{ 320, "memory failure", false },
	{ 321, "invalid memory index", false },
	{ 322, "memory full", false },
	{ 330, "SMSC address unknown", false },
	{ 331, "no network service", true },
	{ 332, "network timeout", true },
	{ 340, "no +CNMA acknowledgement expected", false },
	{ 500, "unknown error", true },
};

#define N_(a) (sizeof(a) / sizeof((a)[0]))

static const struct at_error_info *lookup(const struct at_error_info *t, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return &t[i];
	return NULL;
}

const struct at_error_info *at_cme_lookup(int code)
{
	return lookup(cme_table, N_(cme_table), code);
}

const struct at_error_info *at_cms_lookup(int code)
{
	return lookup(cms_table, N_(cms_table), code);
}

const char *at_cme_str(int code)
{
	const struct at_error_info *e = at_cme_lookup(code);
	if (e)
		return e->text;
	return code >= 256 ? "manufacturer specific CME error" : "unknown CME error";
}

const char *at_cms_str(int code)
{
	const struct at_error_info *e = at_cms_lookup(code);
	if (e)
		return e->text;
	if (code >= 512)
		return "manufacturer specific CMS error";
	if (code >= 0 && code <= 127)
		return "unspecified RP cause";
	if (code >= 128 && code <= 255)
		return "unspecified TP failure cause";
	return "unknown CMS error";
}

bool at_cme_retryable(int code)
{
	const struct at_error_info *e = at_cme_lookup(code);
	return e ? e->retry : false;
}

bool at_cms_retryable(int code)
{
	const struct at_error_info *e = at_cms_lookup(code);
	return e ? e->retry : false;
}

/* Compare modem text with table text: case-insensitive, "(U)SIM" == "SIM",
 * surrounding spaces ignored. */
static bool text_matches(const char *modem, const char *table)
{
	while (*modem == ' ')
		modem++;
	for (;;) {
		if (strncasecmp(modem, "(U)", 3) == 0)
			modem += 3;
		if (*table == '\0') {
			while (*modem == ' ')
				modem++;
			return *modem == '\0';
		}
		char a = *modem, b = *table;
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
		modem++;
		table++;
	}
}

static int from_text(const struct at_error_info *t, size_t n, const char *text)
{
	if (!text)
		return -ENOENT;
	for (size_t i = 0; i < n; i++)
		if (text_matches(text, t[i].text))
			return t[i].code;
	return -ENOENT;
}

int at_cme_from_text(const char *text)
{
	return from_text(cme_table, N_(cme_table), text);
}

int at_cms_from_text(const char *text)
{
	return from_text(cms_table, N_(cms_table), text);
}
