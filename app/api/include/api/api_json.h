/* Strict JSON bodies: parse with jansson (duplicate keys rejected) and check
 * an object against a declarative field list, so each route names its fields
 * once. Unknown fields, wrong types, over-long strings (never truncated),
 * forbidden control characters and malformed E.164 numbers are errors. */
#ifndef API_JSON_H
#define API_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum api_ftype {
	API_FT_STRING,   /* max_len bytes (or code points with API_FF_CHARS) */
	API_FT_E164,     /* "+" and 1..15 digits, first not 0 */
	API_FT_INT,      /* integer in [min, max] */
	API_FT_BOOL,
	API_FT_TIME,     /* RFC 3339 "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm)" */
	API_FT_ENUM,     /* one of enum_vals */
	API_FT_OBJECT,   /* checked against sub/n_sub */
	API_FT_STRMAP,   /* object of string -> string (template variables) */
	API_FT_ARRAY,    /* array (max_len items) of objects checked against sub,
			    or of strings from enum_vals when that is set */
};
const char *api_ftype_str(enum api_ftype t);

#define API_FF_REQUIRED 0x1u
#define API_FF_TEXT 0x2u     /* free text: \n \r \t allowed, other controls not */
#define API_FF_CHARS 0x4u    /* max_len counts code points, not bytes */
#define API_FF_NONEMPTY 0x8u
#define API_FF_TOKEN 0x10u   /* [A-Za-z0-9_.:-] only (names, types, ids) */

struct api_field {
	const char *name;
	enum api_ftype type;
	unsigned flags;
	size_t max_len;                 /* strings, STRMAP values, ARRAY items */
	int64_t min, max;               /* API_FT_INT */
	const char *const *enum_vals;   /* NULL-terminated */
	const struct api_field *sub;    /* OBJECT / ARRAY items */
	size_t n_sub;
};

/* Designated-initializer helpers for field tables. */
#define API_F(nm, ty, fl, ml) { .name = (nm), .type = (ty), .flags = (fl), .max_len = (ml) }
#define API_F_INT(nm, fl, lo, hi)                                                            \
	{ .name = (nm), .type = API_FT_INT, .flags = (fl), .min = (lo), .max = (hi) }
#define API_F_BOOL(nm, fl) { .name = (nm), .type = API_FT_BOOL, .flags = (fl) }
#define API_F_ENUM(nm, fl, vals) { .name = (nm), .type = API_FT_ENUM, .flags = (fl), .enum_vals = (vals) }
#define API_F_OBJ(nm, fl, sb)                                                                \
	{ .name = (nm), .type = API_FT_OBJECT, .flags = (fl), .sub = (sb),                   \
	  .n_sub = sizeof(sb) / sizeof((sb)[0]) }
#define API_F_ARR(nm, fl, maxn, sb)                                                          \
	{ .name = (nm), .type = API_FT_ARRAY, .flags = (fl), .max_len = (maxn), .sub = (sb), \
	  .n_sub = sizeof(sb) / sizeof((sb)[0]) }
#define API_F_ENUMS(nm, fl, maxn, vals)                                                      \
	{ .name = (nm), .type = API_FT_ARRAY, .flags = (fl), .max_len = (maxn),              \
	  .enum_vals = (vals) }

struct api_json_err {
	char code[32];                  /* "invalid_json", "unknown_field", ... */
	char message[160];
};

/* Parse buf (len bytes) strictly: an object at top level, no duplicate
 * keys, no NUL, nothing after the value, depth <= 8. Returns the object (new
 * reference) or NULL with err filled. An empty body is an error. */
json_t *api_json_parse(const char *buf, size_t len, struct api_json_err *err);

/* Check obj against fields. Returns 0 or -EINVAL with err filled (the first
 * problem found, naming the field). */
int api_json_check(json_t *obj, const struct api_field *fields, size_t n,
		   struct api_json_err *err);

/* Check one string against a field spec (also used by the form decoder). */
int api_json_check_string(const struct api_field *f, const char *s, size_t len,
			  struct api_json_err *err);

/* "+" and 1..15 digits, the first not 0. */
bool api_e164_valid(const char *s);

/* RFC 3339 to ms since the epoch. Returns 0 or -EINVAL. */
int api_time_parse(const char *s, int64_t *ms);
/* ms -> "YYYY-MM-DDTHH:MM:SS.mmmZ" (25 bytes incl. NUL). */
void api_time_format(int64_t ms, char out[32]);
/* ms -> RFC 2822 "Fri, 24 May 2019 17:44:46 +0000" (Twilio's dates). */
void api_time_rfc2822(int64_t ms, char out[40]);

/* Convenience getters for a checked object (absent -> default). */
const char *api_json_str(const json_t *obj, const char *key, const char *dflt);
int64_t api_json_int(const json_t *obj, const char *key, int64_t dflt);
bool api_json_bool(const json_t *obj, const char *key, bool dflt);

#endif
