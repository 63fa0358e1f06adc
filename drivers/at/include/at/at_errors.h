/* The one table of +CME ERROR (3GPP TS 27.007 clause 9.2) and +CMS ERROR
 * (3GPP TS 27.005 clause 3.2.5, with the 0..127 RP causes of TS 24.011 E.2
 * and the 128..255 TP-FCS values of TS 23.040 9.2.3.22) codes: text, and
 * whether retrying the same thing later may help. */
#ifndef AT_ERRORS_H
#define AT_ERRORS_H

#include <stdbool.h>

struct at_error_info {
	int code;
	const char *text;
	bool retry; /* transient: the same request may succeed later */
};

/* NULL when the code is not in the table. */
const struct at_error_info *at_cme_lookup(int code);
const struct at_error_info *at_cms_lookup(int code);

/* Text for a code; a generic text ("unknown CME error", "manufacturer
 * specific CMS error" ...) when not in the table. Never NULL. */
const char *at_cme_str(int code);
const char *at_cms_str(int code);

/* Retry hint; codes not in the table are not retryable, except the
 * 27.005 "unknown error" 500 which many modems use for transient faults. */
bool at_cme_retryable(int code);
bool at_cms_retryable(int code);

/* Map verbose text (AT+CMEE=2), compared case-insensitively and ignoring
 * "(U)" prefixes, to its code. Returns the code (>= 0) or -ENOENT. */
int at_cme_from_text(const char *text);
int at_cms_from_text(const char *text);

#endif
