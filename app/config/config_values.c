/* Value checks for smsrelayd.conf, on the strict helpers of hal/ini.h:
 * every setter checks the whole value, stores it at obj + key->off, or
 * reports ONE message through cfg_fail() naming the key and what is
 * allowed. Nothing is ever truncated. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"
#include "hal/log.h"

LOG_MODULE(log_config_values, "config")

/* Values are quoted in messages up to this many characters. */
#define Q "%.40s"

static bool base64_char(unsigned char c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '=';
}

static bool digit_char(unsigned char c)
{
	return isdigit(c);
}

const struct hal_ini_charset cfg_cs_base64 = {"base64: A-Z a-z 0-9 + / =", base64_char};
const struct hal_ini_charset cfg_cs_digits = {"digits", digit_char};

static void *field(void *obj, const struct cfg_key *k)
{
	return (char *)obj + k->off;
}

/* Copy a checked string (hal_ini_copy); a key's min is its minimum length,
 * and a secret's characters are never quoted. */
static int put_str(struct cfg_parse *st, const struct cfg_key *k, const char *v, char *dst,
		   size_t dst_len, const struct hal_ini_charset *cs)
{
	return hal_ini_copy(&st->ini, k->name, v, dst, dst_len, cs,
			    k->min > 0 ? (size_t)k->min : 0,
			    (k->flags & CK_SECRET) ? HAL_INI_SECRET : 0);
}

int cfg_set_text(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	return put_str(st, k, v, field(obj, k), k->size, k->arg);
}

static int get_long(struct cfg_parse *st, const struct cfg_key *k, const char *v, long *out)
{
	int rc = hal_ini_parse_long(v, k->min, k->max, out);

	if (rc == -EINVAL)
		return cfg_fail(st, st->ini.lineno,
				"%s: '" Q "' is not a number (allowed: %ld..%ld)", k->name, v,
				k->min, k->max);
	if (rc)
		return cfg_fail(st, st->ini.lineno,
				"%s: " Q " is out of range (allowed: %ld..%ld)", k->name, v, k->min,
				k->max);
	return 0;
}

int cfg_set_uint(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	long n;

	if (get_long(st, k, v, &n))
		return -EINVAL;
	*(unsigned *)field(obj, k) = (unsigned)n;
	return 0;
}

int cfg_set_int(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	long n;

	if (get_long(st, k, v, &n))
		return -EINVAL;
	*(int *)field(obj, k) = (int)n;
	return 0;
}

int cfg_set_bool(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	if (hal_ini_parse_bool(v, HAL_INI_BOOL_ON_OFF, (bool *)field(obj, k)) == 0)
		return 0;
	return cfg_fail(st, st->ini.lineno,
			"%s: '" Q "' is not a boolean (allowed: true/false, yes/no, on/off, 1/0)",
			k->name, v);
}

/* arg: NULL-terminated array of names; the index is stored as an int-sized
 * enum. */
int cfg_set_enum(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	const char *const *names = k->arg;
	char allowed[128] = "";
	size_t used = 0;

	for (int i = 0; names[i]; i++) {
		if (!strcmp(v, names[i])) {
			*(int *)field(obj, k) = i;
			return 0;
		}
		used += (size_t)snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
					 i ? ", " : "", names[i]);
		if (used >= sizeof(allowed))
			used = sizeof(allowed) - 1;
	}
	return cfg_fail(st, st->ini.lineno, "%s: unknown value '" Q "' (allowed: %s)", k->name, v,
			allowed);
}

int cfg_set_abs_path(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	if (v[0] && v[0] != '/')
		return cfg_fail(st, st->ini.lineno, "%s: '" Q "' is not an absolute path", k->name, v);
	return put_str(st, k, v, field(obj, k), k->size, &hal_ini_cs_token);
}

/* A board name (letters, digits, '_', '-') or a path to a board.conf. */
int cfg_set_board(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	if (strchr(v, '/'))
		return put_str(st, k, v, field(obj, k), k->size, &hal_ini_cs_token);
	if (strlen(v) >= CONFIG_NAME_LEN)
		return cfg_fail(st, st->ini.lineno, "%s: board name too long (%zu characters, max %d)",
				k->name, strlen(v), CONFIG_NAME_LEN - 1);
	return put_str(st, k, v, field(obj, k), k->size, &hal_ini_cs_name);
}

int cfg_set_url(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	const char *host;

	if (!strncmp(v, "https://", 8))
		host = v + 8;
	else if (!strncmp(v, "http://", 7))
		host = v + 7;
	else
		return cfg_fail(st, st->ini.lineno, "%s: '" Q "' is not an http:// or https:// URL",
				k->name, v);
	if (!*host || *host == '/')
		return cfg_fail(st, st->ini.lineno, "%s: '" Q "' has no host", k->name, v);
	return put_str(st, k, v, field(obj, k), k->size, &hal_ini_cs_token);
}

bool cfg_name_ok(const char *s, size_t len)
{
	return len > 0 && len < CONFIG_NAME_LEN && hal_ini_charset_ok(&hal_ini_cs_name, s, len);
}

/* One item of a log spec: LEVEL, NAME=LEVEL or *=LEVEL (hal/log.h). */
static bool log_item_ok(const char *p, size_t len)
{
	const char *eq = memchr(p, '=', len);
	char level[16];
	size_t nlen, llen;

	if (eq) {
		nlen = (size_t)(eq - p);
		if (!(nlen == 1 && *p == '*') && !cfg_name_ok(p, nlen))
			return false;
		p = eq + 1;
		len -= nlen + 1;
	}
	llen = len;
	if (llen == 0 || llen >= sizeof(level))
		return false;
	memcpy(level, p, llen);
	level[llen] = '\0';
	return log_level_parse(level) >= 0;
}

/* Checked here, applied by the firmware with log_set_levels(), which
 * changes process-wide state and so cannot serve as the check. */
int cfg_set_log(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	const char *p = v;

	if (put_str(st, k, v, field(obj, k), k->size, &hal_ini_cs_token))
		return -EINVAL;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (!log_item_ok(p, len)) {
			((char *)field(obj, k))[0] = '\0';
			return cfg_fail(st, st->ini.lineno,
					"%s: bad item '%.*s' (allowed: LEVEL or MODULE=LEVEL, "
					"comma-separated; LEVEL none, error, warn, info, debug)",
					k->name, (int)(len > 40 ? 40 : len), p);
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

int cfg_set_bind(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, v, a) != 1 && inet_pton(AF_INET6, v, a) != 1)
		return cfg_fail(st, st->ini.lineno,
				"%s: '" Q "' is not an IPv4 or IPv6 address (e.g. 127.0.0.1, "
				"0.0.0.0, ::1; host names are not resolved)",
				k->name, v);
	return put_str(st, k, v, field(obj, k), k->size, &hal_ini_cs_token);
}

/* Twilio SIDs: arg is the two-letter prefix ("AC", "MG", "SK"). */
int cfg_set_sid(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	const char *pre = k->arg;
	size_t n = strlen(v);
	bool ok = n == 34 && !strncmp(v, pre, 2);

	for (size_t i = 2; ok && i < n; i++)
		ok = isxdigit((unsigned char)v[i]);
	if (!ok)
		return cfg_fail(st, st->ini.lineno, "%s: '" Q "' is not %s followed by 32 hex digits",
				k->name, v, pre);
	memcpy(field(obj, k), v, n + 1);
	return 0;
}

bool cfg_prefix_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 2 || n > 16 || s[0] != '+')
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

static bool e164_ok(const char *s)
{
	return cfg_prefix_ok(s) && strlen(s) >= 4;
}

/* GSM alphanumeric sender (TS 23.040 9.1.2.5: 11 characters max). */
static bool alnum_sender_ok(const char *s)
{
	size_t n = strlen(s);
	bool letter = false;

	if (n == 0 || n > 11)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]))
			return false;
		letter |= isalpha((unsigned char)s[i]) != 0;
	}
	return letter;
}

static bool sender_ok(const char *s)
{
	return s[0] == '+' ? e164_ok(s) : alnum_sender_ok(s);
}

int cfg_set_sender(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	if (!sender_ok(v))
		return cfg_fail(st, st->ini.lineno,
				"%s: '" Q "' is not an E.164 number (+ and 3..15 digits) or an "
				"alphanumeric sender (1..11 letters/digits)",
				k->name, v);
	memcpy(field(obj, k), v, strlen(v) + 1);
	return 0;
}

int cfg_set_e164(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	if (!e164_ok(v))
		return cfg_fail(st, st->ini.lineno,
				"%s: '" Q "' is not an E.164 number (+ and 3..15 digits)", k->name, v);
	memcpy(field(obj, k), v, strlen(v) + 1);
	return 0;
}

int cfg_set_profile(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	struct config_modem *m = obj;
	enum hal_board_profile p;

	(void)k;
	if (hal_board_profile_parse(v, &p)) {
		char allowed[128] = "";
		size_t used = 0;

		for (int i = 0; strcmp(hal_board_profile_str((enum hal_board_profile)i), "?");
		     i++) {
			used += (size_t)snprintf(allowed + used, sizeof(allowed) - used, "%s%s",
						 i ? ", " : "",
						 hal_board_profile_str((enum hal_board_profile)i));
			if (used >= sizeof(allowed))
				break;
		}
		return cfg_fail(st, st->ini.lineno, "profile: unknown value '" Q "' (allowed: %s)", v,
				allowed);
	}
	m->has_profile = true;
	m->profile = p;
	return 0;
}

/* ---- secrets --------------------------------------------------------------- */

int cfg_set_secret(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	return put_str(st, k, v, field(obj, k), k->size, k->arg);
}

static int resolve(struct cfg_parse *st, const struct cfg_key *k, const char *v, char *path,
		   size_t len)
{
	int n;

	if (v[0] == '/' || !st->base_dir[0])
		n = snprintf(path, len, "%s", v);
	else
		n = snprintf(path, len, "%s/%s", st->base_dir, v);
	if (n < 0 || (size_t)n >= len)
		return cfg_fail(st, st->ini.lineno, "%s: path too long (max %zu characters)", k->name,
				len - 1);
	return 0;
}

/* The first line of a small regular file; O_NONBLOCK so that a FIFO named
 * by mistake cannot hang the parse (it is refused by fstat anyway). */
static int read_secret(struct cfg_parse *st, const struct cfg_key *k, const char *path,
		       char *buf, size_t cap, size_t *n)
{
	struct stat sb;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return cfg_fail(st, st->ini.lineno, "%s: cannot open %s: %s", k->name, path,
				strerror(errno));
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		return cfg_fail(st, st->ini.lineno, "%s: %s is not a regular file", k->name, path);
	}
	if (sb.st_mode & S_IROTH)
		LOG_WRN(&log_config_values, NULL, "%s: %s is world-readable", k->name, path);
	do
		r = read(fd, buf, cap);
	while (r < 0 && errno == EINTR);
	close(fd);
	if (r < 0)
		return cfg_fail(st, st->ini.lineno, "%s: cannot read %s: %s", k->name, path,
				strerror(errno));
	*n = (size_t)r;
	return 0;
}

/* KEY_file: the path goes to key->off, the secret to key->off2. */
int cfg_set_secret_file(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	struct cfg_key vk = *k;
	char path[CONFIG_PATH_LEN];
	char buf[CONFIG_SECRET_LEN + 2];
	size_t n = 0;

	if (put_str(st, k, v, path, sizeof(path), &hal_ini_cs_token) ||
	    resolve(st, k, v, field(obj, k), k->size))
		return -EINVAL;
	if (read_secret(st, k, field(obj, k), buf, sizeof(buf), &n))
		return -EINVAL;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	if (n >= CONFIG_SECRET_LEN || memchr(buf, '\n', n))
		return cfg_fail(st, st->ini.lineno, "%s: %s: the secret must be one line of at most %d "
				"characters", k->name, (char *)field(obj, k), CONFIG_SECRET_LEN - 1);
	if (n == 0)
		return cfg_fail(st, st->ini.lineno, "%s: %s is empty", k->name, (char *)field(obj, k));
	buf[n] = '\0';
	if (memchr(buf, '\0', n))
		return cfg_fail(st, st->ini.lineno, "%s: %s holds a NUL byte", k->name,
				(char *)field(obj, k));
	vk.off = k->off2;
	vk.size = CONFIG_SECRET_LEN;
	return put_str(st, &vk, buf, field(obj, &vk), vk.size, k->arg);
}

/* ---- lists: items separated by blanks and/or commas --------------------- */

/* Next item of a list into item (cap bytes); returns its length, 0 at the
 * end, or -1 when an item does not fit. */
static int next_item(const char **p, char *item, size_t cap)
{
	const char *s = *p;
	size_t n;

	s += strspn(s, " \t,");
	n = strcspn(s, " \t,");
	*p = s + n;
	if (n == 0)
		return 0;
	if (n >= cap)
		return -1;
	memcpy(item, s, n);
	item[n] = '\0';
	return (int)n;
}

int cfg_set_numbers(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	/* The key's field starts at n_numbers (the region the diff compares). */
	struct config_channel *ch =
	    (void *)((char *)field(obj, k) - offsetof(struct config_channel, n_numbers));
	char item[CONFIG_NUMBER_LEN];
	int n;

	ch->n_numbers = 0;
	while ((n = next_item(&v, item, sizeof(item))) != 0) {
		if (n < 0 || !sender_ok(item))
			return cfg_fail(st, st->ini.lineno,
					"%s: bad number '" Q "' (allowed: E.164 numbers or "
					"alphanumeric senders, up to %d)",
					k->name, n < 0 ? "(too long)" : item, CONFIG_MAX_NUMBERS);
		for (unsigned i = 0; i < ch->n_numbers; i++)
			if (!strcmp(ch->numbers[i], item))
				return cfg_fail(st, st->ini.lineno, "%s: %s is listed twice", k->name,
						item);
		if (ch->n_numbers == CONFIG_MAX_NUMBERS)
			return cfg_fail(st, st->ini.lineno, "%s: too many numbers (max %d)", k->name,
					CONFIG_MAX_NUMBERS);
		memcpy(ch->numbers[ch->n_numbers++], item, (size_t)n + 1);
	}
	if (!ch->n_numbers)
		return cfg_fail(st, st->ini.lineno, "%s: empty list", k->name);
	return 0;
}

int cfg_set_countries(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	struct config_routing *r = obj;
	char item[8];
	int n;

	r->n_allow = 0;
	while ((n = next_item(&v, item, sizeof(item))) != 0) {
		unsigned cc = 0;
		bool ok = n > 0 && n <= 3 && item[0] != '0';

		for (int i = 0; ok && i < n; i++) {
			ok = isdigit((unsigned char)item[i]);
			cc = cc * 10 + (unsigned)(item[i] - '0');
		}
		if (!ok)
			return cfg_fail(st, st->ini.lineno,
					"%s: bad country calling code '%.8s' (allowed: 1..999 "
					"without '+', e.g. 1 44 49)",
					k->name, n < 0 ? "(long)" : item);
		for (unsigned i = 0; i < r->n_allow; i++)
			if (r->allow_countries[i] == cc)
				return cfg_fail(st, st->ini.lineno, "%s: %u is listed twice", k->name,
						cc);
		if (r->n_allow == CONFIG_MAX_ALLOW)
			return cfg_fail(st, st->ini.lineno, "%s: too many codes (max %d)", k->name,
					CONFIG_MAX_ALLOW);
		r->allow_countries[r->n_allow++] = cc;
	}
	if (!r->n_allow)
		return cfg_fail(st, st->ini.lineno, "%s: empty list", k->name);
	return 0;
}

int cfg_set_prefixes(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	struct config_routing *r = obj;
	char item[CONFIG_PREFIX_LEN];
	int n;

	r->n_deny = 0;
	while ((n = next_item(&v, item, sizeof(item))) != 0) {
		if (n < 0 || !cfg_prefix_ok(item))
			return cfg_fail(st, st->ini.lineno,
					"%s: bad prefix '%.20s' (allowed: + and 1..15 digits)",
					k->name, n < 0 ? "(too long)" : item);
		for (unsigned i = 0; i < r->n_deny; i++)
			if (!strcmp(r->deny_prefixes[i], item))
				return cfg_fail(st, st->ini.lineno, "%s: %s is listed twice", k->name,
						item);
		if (r->n_deny == CONFIG_MAX_DENY)
			return cfg_fail(st, st->ini.lineno, "%s: too many prefixes (max %d)", k->name,
					CONFIG_MAX_DENY);
		memcpy(r->deny_prefixes[r->n_deny++], item, (size_t)n + 1);
	}
	if (!r->n_deny)
		return cfg_fail(st, st->ini.lineno, "%s: empty list", k->name);
	return 0;
}

int cfg_set_channels(struct cfg_parse *st, const struct cfg_key *k, void *obj, const char *v)
{
	struct config_route *rt = obj;
	char item[CONFIG_NAME_LEN];
	int n;

	rt->n_channels = 0;
	while ((n = next_item(&v, item, sizeof(item))) != 0) {
		if (n < 0 || !cfg_name_ok(item, (size_t)n))
			return cfg_fail(st, st->ini.lineno,
					"%s: bad channel name (allowed: a modem name, twilio or "
					"telesign; 1..%d letters, digits, '_' or '-')",
					k->name, CONFIG_NAME_LEN - 1);
		for (unsigned i = 0; i < rt->n_channels; i++)
			if (!strcmp(rt->channels[i], item))
				return cfg_fail(st, st->ini.lineno, "%s: %s is listed twice", k->name,
						item);
		if (rt->n_channels == CONFIG_MAX_ROUTE_CHANNELS)
			return cfg_fail(st, st->ini.lineno, "%s: too many channels (max %d)", k->name,
					CONFIG_MAX_ROUTE_CHANNELS);
		memcpy(rt->channels[rt->n_channels++], item, (size_t)n + 1);
	}
	if (!rt->n_channels)
		return cfg_fail(st, st->ini.lineno, "%s: empty list", k->name);
	return 0;
}
