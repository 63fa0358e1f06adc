/* hal_ini: line reader and strict value helpers around inih (see
 * hal/ini.h for why inih does not see the text directly). */
#include "hal/ini.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

void hal_ini_init(struct hal_ini *ini, const char *text, size_t len, const char *file,
		  unsigned flags)
{
	memset(ini, 0, sizeof(*ini));
	ini->text = text;
	ini->len = len;
	ini->file = file;
	ini->flags = flags;
}

int hal_ini_fail(struct hal_ini *ini, int line, const char *fmt, ...)
{
	va_list ap;

	if (ini->failed)
		return -EINVAL;
	ini->failed = true;
	ini->err_line = line;
	va_start(ap, fmt);
	vsnprintf(ini->msg, sizeof(ini->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int hal_ini_header_line(const struct hal_ini *ini)
{
	return ini->header_line ? ini->header_line : ini->lineno;
}

/* ---- reader ------------------------------------------------------------- */

/* A header with no key after it is most likely a typo or a half-deleted
 * section: say so rather than ignore it. */
static void check_empty_section(struct hal_ini *ini)
{
	if (ini->header_line && ini->keys_since_header == 0)
		hal_ini_fail(ini, ini->header_line, "section has no keys");
}

static void note_line(struct hal_ini *ini, const char *line)
{
	const char *p = line + strspn(line, " \t");

	ini->line_indented = p != line;
	if (*p == '[') {
		check_empty_section(ini);
		ini->header_line = ini->lineno;
		ini->keys_since_header = 0;
	} else if ((ini->flags & HAL_INI_CONTENT_FILLS_SECTION) && *p && !strchr("\r\n;#", *p)) {
		ini->keys_since_header++;
	}
}

/* fgets() over (text, len), one line per call. */
static char *hal_ini_reader(char *str, int num, void *stream)
{
	struct hal_ini *ini = stream;
	const char *start, *nl;
	size_t rest, n;

	if (ini->failed)
		return NULL;
	if (ini->pos >= ini->len) {
		check_empty_section(ini);
		ini->header_line = 0;
		return NULL;
	}
	start = ini->text + ini->pos;
	rest = ini->len - ini->pos;
	nl = memchr(start, '\n', rest);
	n = nl ? (size_t)(nl - start) + 1 : rest;
	ini->lineno++;
	if (num < 3 || n > (size_t)num - 1) {
		hal_ini_fail(ini, ini->lineno, "line too long (max %d characters)", num - 2);
		return NULL;
	}
	if (memchr(start, '\0', n)) {
		hal_ini_fail(ini, ini->lineno, "NUL byte in line");
		return NULL;
	}
	memcpy(str, start, n);
	str[n] = '\0';
	ini->pos += n;
	note_line(ini, str);
	return str;
}

static int hal_ini_handler(void *user, const char *section, const char *name, const char *value)
{
	struct hal_ini *ini = user;

	if (ini->failed)
		return 0;
	if (!name)
		return 1; /* a library built with INI_CALL_HANDLER_ON_NEW_SECTION */
	if (!value)
		return hal_ini_fail(ini, ini->lineno, "'%.40s' has no value", name), 0;
	ini->keys_since_header++;
	ini->keys_total++;
	if (!section[0])
		return hal_ini_fail(ini, ini->lineno, "key '%.40s' is outside of any [section]",
				    name),
		       0;
	return ini->on_key(ini, ini->user, section, name, value) == 0 && !ini->failed;
}

int hal_ini_run(struct hal_ini *ini, hal_ini_key_fn on_key, void *user)
{
	int ret;

	ini->on_key = on_key;
	ini->user = user;
	ret = ini_parse_stream(hal_ini_reader, ini, hal_ini_handler, ini);
	if (ret < 0)
		return -ENOMEM; /* -2: a heap-buffer build of inih ran out */
	/* inih reports the first bad line; ours may come later or not at all. */
	if (ret > 0 && (!ini->failed || ret < ini->err_line)) {
		ini->failed = true;
		ini->err_line = ret;
		snprintf(ini->msg, sizeof(ini->msg),
			 "syntax error: expected '[section]' or 'key = value'");
	}
	return ini->failed ? -EINVAL : 0;
}

int hal_ini_key_seen(struct hal_ini *ini, const char *key, int *first_line)
{
	if (*first_line) {
		/* inih hands an indented line to the handler as more of the
		 * previous key's value. */
		if (ini->line_indented)
			return hal_ini_fail(ini, ini->lineno,
					    "indented line continues '%s' from line %d: "
					    "continuation lines are not supported",
					    key, *first_line);
		return hal_ini_fail(ini, ini->lineno, "duplicate key '%s' (first at line %d)", key,
				    *first_line);
	}
	*first_line = ini->lineno;
	return 0;
}

void hal_ini_put_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

void hal_ini_error(const struct hal_ini *ini, int rc, char *err, size_t err_len)
{
	if (!rc)
		hal_ini_put_err(err, err_len, "%s", "");
	else if (rc == -ENOMEM)
		hal_ini_put_err(err, err_len, "%s: out of memory", ini->file);
	else
		hal_ini_put_err(err, err_len, "%s:%d: %s", ini->file, ini->err_line, ini->msg);
}

/* ---- files ------------------------------------------------------------- */

static int read_all(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;

	while (n < cap) {
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*len = n;
	return 0;
}

int hal_ini_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
		      size_t err_len)
{
	struct stat sb;
	char *b;
	int fd, rc;

	*buf = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		hal_ini_put_err(err, err_len, "%s: cannot open: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		hal_ini_put_err(err, err_len, "%s: is a directory", path);
		close(fd);
		return -EISDIR;
	}
	/* One byte more than allowed tells "too large" from "exactly max". */
	b = malloc(max + 1);
	if (!b) {
		hal_ini_put_err(err, err_len, "%s: out of memory", path);
		close(fd);
		return -ENOMEM;
	}
	rc = read_all(fd, b, max + 1, len);
	close(fd);
	if (rc) {
		hal_ini_put_err(err, err_len, "%s: cannot read: %s", path, strerror(-rc));
		/* A failed read may still have filled part of the buffer. */
		hal_ini_free_file(b, max + 1);
		*len = 0;
		return rc;
	}
	*buf = b;
	return 0;
}

int hal_ini_check_size(const char *file, size_t len, size_t max, char *err, size_t err_len)
{
	if (len <= max)
		return 0;
	hal_ini_put_err(err, err_len, "%s: too large (%zu bytes, max %zu)", file, len, max);
	return -EFBIG;
}

void hal_ini_free_file(char *buf, size_t len)
{
	if (buf)
		explicit_bzero(buf, len);
	free(buf);
}

/* ---- values -------------------------------------------------------------- */

static bool is_number(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

int hal_ini_parse_long(const char *s, long min, long max, long *out)
{
	char *end = NULL;
	long v;

	/* strtol alone would accept " 5", "+5" and "5x": a config file must
	 * say exactly what it means. */
	if (!is_number(s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (end == s || *end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int hal_ini_parse_bool(const char *s, unsigned flags, bool *out)
{
	static const char *const yes[] = {"true", "yes", "1", "on"};
	static const char *const no[] = {"false", "no", "0", "off"};
	size_t n = (flags & HAL_INI_BOOL_ON_OFF) ? 4 : 3;
	int (*cmp)(const char *, const char *) =
	    (flags & HAL_INI_BOOL_ANY_CASE) ? strcasecmp : strcmp;

	for (size_t i = 0; i < n; i++) {
		if (!cmp(s, yes[i])) {
			*out = true;
			return 0;
		}
		if (!cmp(s, no[i])) {
			*out = false;
			return 0;
		}
	}
	return -EINVAL;
}

static bool name_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '-';
}

static bool token_char(unsigned char c)
{
	return c > ' ' && c < 0x7f;
}

const struct hal_ini_charset hal_ini_cs_name = {"letters, digits, '_' and '-'", name_char};
const struct hal_ini_charset hal_ini_cs_token = {"printable ASCII without blanks", token_char};

bool hal_ini_charset_ok(const struct hal_ini_charset *cs, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!cs->ok((unsigned char)s[i]))
			return false;
	return true;
}

int hal_ini_copy(struct hal_ini *ini, const char *key, const char *value, char *dst, size_t dst_len,
		 const struct hal_ini_charset *cs, size_t min_len, unsigned flags)
{
	size_t n = strlen(value);

	/* Length first, so that a long value is reported as such, not by
	 * its first odd character. */
	if (n == 0)
		return hal_ini_fail(ini, ini->lineno, "%s: empty value", key);
	if (n >= dst_len)
		return hal_ini_fail(ini, ini->lineno,
				    "%s: value too long (%zu characters, max %zu)", key, n,
				    dst_len - 1);
	if (min_len > 0 && n < min_len)
		return hal_ini_fail(ini, ini->lineno,
				    "%s: value too short (%zu characters, min %zu)", key, n,
				    min_len);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)value[i];

		if (cs->ok(c))
			continue;
		if (flags & HAL_INI_SECRET)
			return hal_ini_fail(ini, ini->lineno,
					    "%s: bad character at position %zu (allowed: %s)", key,
					    i + 1, cs->allowed);
		return hal_ini_fail(ini, ini->lineno,
				    "%s: bad character 0x%02x at position %zu (allowed: %s)", key,
				    c, i + 1, cs->allowed);
	}
	memcpy(dst, value, n + 1);
	return 0;
}
