/* E.164 destination numbers and ITU country calling codes, for the routing
 * allowlist (SMS-pumping fraud protection).
 *
 * Country code length is found from a compact table of the ITU-T E.164
 * assignments (ITU-T Operational Bulletin, "List of ITU-T Recommendation
 * E.164 assigned country codes"): 1 and 7 are one digit; 20, 27, 30-34, 36,
 * 39, 40, 41, 43-49, 51-58, 60-66, 81, 82, 84, 86, 90-95 and 98 are two
 * digits; every other code is three digits (21x, 22x, ..., 99x). The spare
 * blocks 28x, 83x and 89x and a leading 0 are not assigned.
 *
 * Pure: no I/O, no allocation. */
#ifndef ROUTING_E164_H
#define ROUTING_E164_H

#include <stdbool.h>
#include <stddef.h>

#define ROUTING_E164_MIN_DIGITS 7  /* shortest real numbers, e.g. +290 XXXX */
#define ROUTING_E164_MAX_DIGITS 15 /* ITU-T E.164 section 6 */

/* Check that s is "+" then 7..15 ASCII digits, the first not 0, and the
 * country code assigned (not in a spare block). On success stores the
 * country calling code (1..999) in *cc (may be NULL) and returns its digit
 * count (1..3). Returns -EINVAL for NULL, an empty or malformed number or a
 * spare country code. */
int routing_e164_parse(const char *s, unsigned *cc);

/* The digit count (1..3) an assigned code starting with the digits of
 * `digits` has (only the first two digits are looked at), or -EINVAL when
 * the first digit is 0, a digit is missing or the block is spare. */
int routing_e164_cc_len(const char *digits);

/* Whether cc (e.g. 1, 44, 353) is a country calling code of the right
 * length for its leading digits and not spare: 4 and 490 are not, 49 is. */
bool routing_e164_cc_valid(unsigned cc);

#endif
