/* Strict JSON: parsing with jansson and the declarative field checker. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api_json.h"

#define API_JSON_MAX_DEPTH 8

static const char *const ftype_names[] = {
	"string", "e164", "integer", "boolean", "time", "enum", "object", "map", "array",
};

const char *api_ftype_str(enum api_ftype t)
{
	if ((size_t)t >= sizeof(ftype_names) / sizeof(ftype_names[0]))
		return "?";
	return ftype_names[t];
}

static int fail(struct api_json_err *err, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct api_json_err *err, const char *code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		snprintf(err->code, sizeof(err->code), "%s", code);
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

static int depth_of(json_t *v, int d)
{
	const char *k;
	json_t *c;
	size_t i;
	int m = d;

	if (d > API_JSON_MAX_DEPTH)
		return d;
	if (json_is_object(v)) {
		json_object_foreach(v, k, c) {
			int cd = depth_of(c, d + 1);
			m = cd > m ? cd : m;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, c) {
			int cd = depth_of(c, d + 1);
			m = cd > m ? cd : m;
		}
	}
	return m;
}

json_t *api_json_parse(const char *buf, size_t len, struct api_json_err *err)
{
	json_error_t je;
	json_t *v;

	if (!buf || len == 0) {
		fail(err, "empty_body", "a JSON object body is required");
		return NULL;
	}
	/* JSON_REJECT_DUPLICATES: {"to":1,"to":2} is an error; NUL stays
	 * forbidden (no JSON_ALLOW_NUL); trailing garbage is an error. */
	v = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		fail(err, "invalid_json", "malformed JSON at line %d column %d: %s", je.line,
		     je.column, je.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		fail(err, "invalid_json", "the body must be a JSON object");
		return NULL;
	}
	if (depth_of(v, 1) > API_JSON_MAX_DEPTH) {
		json_decref(v);
		fail(err, "invalid_json", "JSON nested deeper than %d", API_JSON_MAX_DEPTH);
		return NULL;
	}
	return v;
}

bool api_e164_valid(const char *s)
{
	size_t n = 0;

	if (!s || s[0] != '+' || s[1] < '1' || s[1] > '9')
		return false;
	for (const char *p = s + 1; *p; p++, n++)
		if (*p < '0' || *p > '9' || n >= 15)
			return false;
	return n >= 1;
}

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static bool utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], need, min;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			need = 1, min = 0x80, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			need = 2, min = 0x800, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			need = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return false;
		}
		if (i + need >= len)
			return false;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += need + 1;
	}
	return true;
}

static bool is_token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.' || c == ':';
}

int api_json_check_string(const struct api_field *f, const char *s, size_t len,
			  struct api_json_err *err)
{
	size_t n;

	if (memchr(s, 0, len))
		return fail(err, "invalid_field", "field '%s': NUL byte", f->name);
	if (!utf8_valid((const unsigned char *)s, len))
		return fail(err, "invalid_field", "field '%s': invalid UTF-8", f->name);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ctl = c < 0x20 || c == 0x7F;

		if (ctl && !((f->flags & API_FF_TEXT) && (c == '\n' || c == '\r' || c == '\t')))
			return fail(err, "invalid_field",
				    "field '%s': control character 0x%02x not allowed", f->name, c);
		if ((f->flags & API_FF_TOKEN) && !is_token_char((char)c))
			return fail(err, "invalid_field",
				    "field '%s': only letters, digits and _ . : - allowed", f->name);
	}
	if ((f->flags & API_FF_NONEMPTY) && len == 0)
		return fail(err, "invalid_field", "field '%s': must not be empty", f->name);
	n = (f->flags & API_FF_CHARS) ? utf8_chars(s, len) : len;
	if (f->max_len && n > f->max_len)
		return fail(err, "too_long", "field '%s': longer than %zu %s", f->name,
			    f->max_len, (f->flags & API_FF_CHARS) ? "characters" : "bytes");
	if (f->type == API_FT_E164 && !api_e164_valid(s))
		return fail(err, "invalid_number",
			    "field '%s': must be E.164 ('+' and up to 15 digits)", f->name);
	if (f->type == API_FT_TIME) {
		int64_t ms;
		if (api_time_parse(s, &ms))
			return fail(err, "invalid_field", "field '%s': not an RFC 3339 time",
				    f->name);
	}
	if (f->type == API_FT_ENUM) {
		for (const char *const *e = f->enum_vals; e && *e; e++)
			if (strcmp(*e, s) == 0)
				return 0;
		return fail(err, "invalid_field", "field '%s': unknown value", f->name);
	}
	return 0;
}

static int check_value(const struct api_field *f, json_t *v, struct api_json_err *err);

static int check_object(json_t *obj, const struct api_field *fields, size_t n,
			const char *where, struct api_json_err *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		size_t i;
		for (i = 0; i < n; i++)
			if (strcmp(fields[i].name, key) == 0)
				break;
		if (i == n)
			return fail(err, "unknown_field", "unknown field '%.60s'%s%s", key,
				    where ? " in " : "", where ? where : "");
		if (check_value(&fields[i], v, err))
			return -EINVAL;
	}
	for (size_t i = 0; i < n; i++)
		if ((fields[i].flags & API_FF_REQUIRED) && !json_object_get(obj, fields[i].name))
			return fail(err, "missing_field", "field '%s' is required", fields[i].name);
	return 0;
}

static int check_value(const struct api_field *f, json_t *v, struct api_json_err *err)
{
	switch (f->type) {
	case API_FT_STRING:
	case API_FT_E164:
	case API_FT_TIME:
	case API_FT_ENUM:
		if (!json_is_string(v))
			return fail(err, "invalid_type", "field '%s': must be a string", f->name);
		return api_json_check_string(f, json_string_value(v), json_string_length(v), err);
	case API_FT_INT:
		if (!json_is_integer(v))
			return fail(err, "invalid_type", "field '%s': must be an integer", f->name);
		if (json_integer_value(v) < f->min || json_integer_value(v) > f->max)
			return fail(err, "out_of_range", "field '%s': must be %lld..%lld",
				    f->name, (long long)f->min, (long long)f->max);
		return 0;
	case API_FT_BOOL:
		if (!json_is_boolean(v))
			return fail(err, "invalid_type", "field '%s': must be a boolean", f->name);
		return 0;
	case API_FT_OBJECT:
		if (!json_is_object(v))
			return fail(err, "invalid_type", "field '%s': must be an object", f->name);
		return check_object(v, f->sub, f->n_sub, f->name, err);
	case API_FT_STRMAP: {
		const char *k;
		json_t *c;
		struct api_field vf = { .name = f->name, .type = API_FT_STRING,
					.flags = API_FF_TEXT, .max_len = f->max_len };
		if (!json_is_object(v))
			return fail(err, "invalid_type", "field '%s': must be an object", f->name);
		if (json_object_size(v) > 64)
			return fail(err, "too_long", "field '%s': more than 64 entries", f->name);
		json_object_foreach(v, k, c) {
			if (strlen(k) > 32)
				return fail(err, "too_long", "field '%s': key longer than 32",
					    f->name);
			if (!json_is_string(c))
				return fail(err, "invalid_type",
					    "field '%s': values must be strings", f->name);
			if (api_json_check_string(&vf, json_string_value(c),
						  json_string_length(c), err))
				return -EINVAL;
		}
		return 0;
	}
	case API_FT_ARRAY: {
		size_t i;
		json_t *c;
		if (!json_is_array(v))
			return fail(err, "invalid_type", "field '%s': must be an array", f->name);
		if (f->max_len && json_array_size(v) > f->max_len)
			return fail(err, "too_long", "field '%s': more than %zu items", f->name,
				    f->max_len);
		json_array_foreach(v, i, c) {
			if (f->enum_vals) {
				struct api_field ef = { .name = f->name, .type = API_FT_ENUM,
							.enum_vals = f->enum_vals };
				if (!json_is_string(c))
					return fail(err, "invalid_type",
						    "field '%s': items must be strings", f->name);
				if (api_json_check_string(&ef, json_string_value(c),
							  json_string_length(c), err))
					return -EINVAL;
				continue;
			}
			if (!json_is_object(c))
				return fail(err, "invalid_type",
					    "field '%s': items must be objects", f->name);
			if (check_object(c, f->sub, f->n_sub, f->name, err))
				return -EINVAL;
		}
		return 0;
	}
	}
	return fail(err, "invalid_field", "field '%s': unsupported", f->name);
}

int api_json_check(json_t *obj, const struct api_field *fields, size_t n,
		   struct api_json_err *err)
{
	if (!json_is_object(obj))
		return fail(err, "invalid_json", "the body must be a JSON object");
	return check_object(obj, fields, n, NULL, err);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil algorithm, public domain description). */
static int64_t days_from_civil(int y, int m, int d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int api_time_parse(const char *s, int64_t *ms)
{
	int Y, M, D, h, m, sec, frac = 0, off = 0;
	const char *p;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (!s || strlen(s) < 20 || strlen(s) > 35)
		return -EINVAL;
	if (digits(s, 4, &Y) || s[4] != '-' || digits(s + 5, 2, &M) || s[7] != '-' ||
	    digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) ||
	    s[13] != ':' || digits(s + 14, 2, &m) || s[16] != ':' || digits(s + 17, 2, &sec))
		return -EINVAL;
	if (M < 1 || M > 12 || D < 1 || D > mdays[M - 1] || h > 23 || m > 59 || sec > 59 ||
	    Y < 1970)
		return -EINVAL;
	p = s + 19;
	if (*p == '.') {
		int nd = 0;
		for (p++; *p >= '0' && *p <= '9'; p++, nd++)
			if (nd < 3)
				frac = frac * 10 + (*p - '0');
		if (nd == 0 || nd > 9)
			return -EINVAL;
		for (; nd < 3; nd++)
			frac *= 10;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int oh, om;
		if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 ||
		    om > 59)
			return -EINVAL;
		off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	*ms = ((days_from_civil(Y, M, D) * 86400 + h * 3600 + m * 60 + sec) - off * 60) * 1000 +
	      frac;
	return 0;
}

void api_time_format(int64_t ms, char out[32])
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	char tmp[96];

	gmtime_r(&t, &tm);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	snprintf(out, 32, "%.31s", tmp);
}

void api_time_rfc2822(int64_t ms, char out[40])
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	/* Not strftime: its names follow the locale; RFC 2822 wants English. */
	char tmp[96];

	gmtime_r(&t, &tm);
	snprintf(tmp, sizeof(tmp), "%s, %02d %s %04d %02d:%02d:%02d +0000", wd[tm.tm_wday], tm.tm_mday,
		 mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	snprintf(out, 40, "%.39s", tmp);
}

const char *api_json_str(const json_t *obj, const char *key, const char *dflt)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : dflt;
}

int64_t api_json_int(const json_t *obj, const char *key, int64_t dflt)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

bool api_json_bool(const json_t *obj, const char *key, bool dflt)
{
	const json_t *v = json_object_get(obj, key);

	return json_is_boolean(v) ? json_is_true(v) : dflt;
}
