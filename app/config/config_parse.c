/* smsrelayd.conf loader: inih splits the text into (section, key, value);
 * this file counts lines, tracks sections, checks each key against the
 * schema in config_keys.c and stops at the first error.
 *
 * Debian's inih is built without INI_HANDLER_LINENO and keeps its options
 * (multi-line values, inline comments, line length) in process-wide
 * variables. We never write those: the text goes through our own reader,
 * which counts lines, refuses over-long lines and NUL bytes instead of
 * letting inih split or cut them, and notices indented continuation lines
 * (which inih would glue onto the previous key). */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_int.h"
#include "hal/log.h"

LOG_MODULE(log_config, "config")

int cfg_fail(struct cfg_parse *st, int line, const char *fmt, ...)
{
	va_list ap;

	if (st->failed)
		return -EINVAL;
	st->failed = true;
	st->err_line = line;
	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* ---- reader ------------------------------------------------------------- */

/* A header with no key after it is most likely a typo or a half-deleted
 * section: say so rather than ignore it. */
static void check_empty_section(struct cfg_parse *st)
{
	if (st->header_line && st->keys_since_header == 0)
		cfg_fail(st, st->header_line, "section has no keys");
}

static void note_line(struct cfg_parse *st, const char *line)
{
	const char *p = line + strspn(line, " \t");

	st->line_indented = p != line;
	if (*p == '[') {
		check_empty_section(st);
		st->header_line = st->lineno;
		st->keys_since_header = 0;
	} else if (*p && !strchr("\r\n;#", *p)) {
		/* Content, even a malformed line: inih's syntax error for it is
		 * the better message than "section has no keys". */
		st->keys_since_header++;
	}
}

/* fgets() over (text, len), one line per call. */
static char *cfg_reader(char *str, int num, void *stream)
{
	struct cfg_parse *st = stream;
	const char *start, *nl;
	size_t rest, n;

	if (st->failed)
		return NULL;
	if (st->pos >= st->len) {
		check_empty_section(st);
		st->header_line = 0;
		return NULL;
	}
	start = st->text + st->pos;
	rest = st->len - st->pos;
	nl = memchr(start, '\n', rest);
	n = nl ? (size_t)(nl - start) + 1 : rest;
	st->lineno++;
	if (num < 3 || n > (size_t)num - 1) {
		cfg_fail(st, st->lineno, "line too long (max %d characters)", num - 2);
		return NULL;
	}
	if (memchr(start, '\0', n)) {
		cfg_fail(st, st->lineno, "NUL byte in line");
		return NULL;
	}
	memcpy(str, start, n);
	str[n] = '\0';
	st->pos += n;
	note_line(st, str);
	return str;
}

/* ---- sections ------------------------------------------------------------ */

static int header_line(const struct cfg_parse *st)
{
	return st->header_line ? st->header_line : st->lineno;
}

static const char *const reserved_names[] = {"twilio", "telesign", "modem", "auto", NULL};

static int check_section_name(struct cfg_parse *st, enum cfg_kind kind, const char *name)
{
	int hl = header_line(st);

	if (kind == CFG_ROUTE) {
		if (!cfg_prefix_ok(name))
			return cfg_fail(st, hl,
					"bad route prefix [route.%.20s] (allowed: + and 1..15 "
					"digits, e.g. [route.+49])",
					name);
		return 0;
	}
	if (!cfg_name_ok(name, strlen(name)))
		return cfg_fail(st, hl, "bad section name '%.40s' (1..%d letters, digits, '_' or '-')",
				name, CONFIG_NAME_LEN - 1);
	for (int i = 0; reserved_names[i]; i++)
		if (!strcmp(name, reserved_names[i]))
			return cfg_fail(st, hl,
					"[modem.%s]: '%s' is reserved for routing preferences "
					"(reserved: twilio, telesign, modem, auto)",
					name, name);
	return 0;
}

static void *sect_object(struct cfg_parse *st, enum cfg_kind kind, const char *name)
{
	struct smsrelay_config *c = &st->c;

	switch (kind) {
	case CFG_MODEM: {
		struct config_modem *m = &c->modems[c->n_modems++];

		config_modem_defaults(m, name);
		m->line = (unsigned)header_line(st);
		return m;
	}
	case CFG_ROUTE: {
		struct config_route *r = &c->routes[c->n_routes++];

		snprintf(r->prefix, sizeof(r->prefix), "%s", name);
		r->line = (unsigned)header_line(st);
		return r;
	}
	case CFG_TWILIO:
		c->twilio.present = true;
		c->twilio.line = (unsigned)header_line(st);
		break;
	case CFG_TELESIGN:
		c->telesign.present = true;
		c->telesign.line = (unsigned)header_line(st);
		break;
	default:
		break;
	}
	return cfg_single_obj(c, kind);
}

static int sect_new(struct cfg_parse *st, enum cfg_kind kind, const char *name,
		    const char *section)
{
	struct cfg_section *s;

	if (kind == CFG_MODEM && st->c.n_modems == CONFIG_MAX_MODEMS)
		return cfg_fail(st, header_line(st), "too many modems: [%s] would be number %d (max %d)",
				section, CONFIG_MAX_MODEMS + 1, CONFIG_MAX_MODEMS);
	if (kind == CFG_ROUTE && st->c.n_routes == CONFIG_MAX_ROUTES)
		return cfg_fail(st, header_line(st), "too many routes: [%s] would be number %d (max %d)",
				section, CONFIG_MAX_ROUTES + 1, CONFIG_MAX_ROUTES);
	s = &st->sects[st->n_sects];
	s->kind = kind;
	snprintf(s->name, sizeof(s->name), "%s", name); /* fits: checked above */
	s->line = header_line(st);
	s->obj = sect_object(st, kind, name);
	st->cur = (int)st->n_sects++;
	return st->cur;
}

/* The section a key belongs to: found, created, or an error (< 0). */
static int sect_get(struct cfg_parse *st, const char *section, const char *key)
{
	const char *dot = strchr(section, '.');
	size_t plen = dot ? (size_t)(dot - section) : strlen(section);
	const char *name = dot ? dot + 1 : "";
	int hl = header_line(st);
	int kind;

	if (!section[0])
		return cfg_fail(st, st->lineno, "key '%.40s' is outside of any [section]", key);
	kind = cfg_kind_lookup(section, plen);
	if (kind < 0)
		return cfg_fail(st, hl,
				"unknown section [%.60s] (allowed: daemon, store, outbox, api, "
				"webhooks, routing, twilio, telesign, modem.NAME, route.PREFIX)",
				section);
	if (cfg_kind_desc(kind)->named && !dot)
		return cfg_fail(st, hl, "section [%s] needs a name: [%s.%s]", section, section,
				kind == CFG_ROUTE ? "PREFIX" : "NAME");
	if (!cfg_kind_desc(kind)->named && dot)
		return cfg_fail(st, hl, "unknown section [%.60s] ([%.*s] takes no name)", section,
				(int)plen, section);
	if (dot && check_section_name(st, (enum cfg_kind)kind, name))
		return -EINVAL;
	for (size_t i = 0; i < st->n_sects; i++) {
		const struct cfg_section *s = &st->sects[i];

		if ((int)s->kind != kind || strcmp(s->name, name))
			continue;
		if ((int)i != st->cur)
			return cfg_fail(st, hl, "section [%s] appears twice (first at line %d)",
					section, s->line);
		return (int)i;
	}
	return sect_new(st, (enum cfg_kind)kind, name, section);
}

static int key_set(struct cfg_parse *st, int si, const char *section, const char *key,
		   const char *value)
{
	struct cfg_section *s = &st->sects[si];
	int k = cfg_key_index(s->kind, key);

	if (k < 0)
		return cfg_fail(st, st->lineno,
				"unknown key '%.40s' in [%s] (see docs/config.md for the keys)", key,
				section);
	if (s->key_line[k]) {
		if (st->line_indented)
			return cfg_fail(st, st->lineno,
					"indented line continues '%s' from line %d: continuation "
					"lines are not supported",
					key, s->key_line[k]);
		return cfg_fail(st, st->lineno, "duplicate key '%s' (first at line %d)", key,
				s->key_line[k]);
	}
	s->key_line[k] = st->lineno;
	return cfg_kind_desc(s->kind)->keys[k].set(st, &cfg_kind_desc(s->kind)->keys[k], s->obj,
						   value);
}

static int cfg_handler(void *user, const char *section, const char *name, const char *value)
{
	struct cfg_parse *st = user;
	int si;

	if (st->failed)
		return 0;
	if (!name)
		return 1; /* a library built with INI_CALL_HANDLER_ON_NEW_SECTION */
	if (!value)
		return cfg_fail(st, st->lineno, "'%.40s' has no value", name), 0;
	st->keys_since_header++;
	st->keys_total++;
	si = sect_get(st, section, name);
	if (si < 0)
		return 0;
	return key_set(st, si, section, name, value) == 0;
}

/* ---- API ----------------------------------------------------------------- */

static void put_err(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void put_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (!err || !err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

static int run_parse(struct cfg_parse *st)
{
	int ret = ini_parse_stream(cfg_reader, st, cfg_handler, st);

	if (ret < 0)
		return -ENOMEM; /* -2: a heap-buffer build of inih ran out */
	/* inih reports the first bad line; ours may come later or not at all. */
	if (ret > 0 && (!st->failed || ret < st->err_line)) {
		st->failed = true;
		st->err_line = ret;
		snprintf(st->msg, sizeof(st->msg),
			 "syntax error: expected '[section]' or 'key = value'");
	}
	if (!st->failed)
		cfg_finish(st);
	return st->failed ? -EINVAL : 0;
}

static void set_base_dir(struct cfg_parse *st, const char *file)
{
	const char *slash = strrchr(file, '/');
	size_t n;

	if (!slash)
		return; /* relative to the current directory */
	n = slash == file ? 1 : (size_t)(slash - file);
	if (n < sizeof(st->base_dir)) {
		memcpy(st->base_dir, file, n);
		st->base_dir[n] = '\0';
	}
}

int config_parse(const char *text, size_t len, const char *name_for_errors,
		 struct smsrelay_config *out, char *err, size_t err_len)
{
	const char *file = name_for_errors ? name_for_errors : "smsrelayd.conf";
	struct cfg_parse *st;
	int rc;

	if (err && err_len)
		err[0] = '\0';
	if (!out || (!text && len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (len > CONFIG_FILE_MAX) {
		put_err(err, err_len, "%s: too large (%zu bytes, max %d)", file, len,
			CONFIG_FILE_MAX);
		return -EFBIG;
	}
	/* ~40 KB: off the stack. */
	st = calloc(1, sizeof(*st));
	if (!st) {
		put_err(err, err_len, "%s: out of memory", file);
		return -ENOMEM;
	}
	st->text = text;
	st->len = len;
	st->file = file;
	st->cur = -1;
	set_base_dir(st, file);
	config_defaults(&st->c);
	snprintf(st->c.source, sizeof(st->c.source), "%s", file);
	rc = run_parse(st);
	if (rc == -ENOMEM)
		put_err(err, err_len, "%s: out of memory", file);
	else if (rc)
		put_err(err, err_len, "%s:%d: %s", file, st->err_line, st->msg);
	else
		*out = st->c;
	/* The parse state held secrets. */
	explicit_bzero(st, sizeof(*st));
	free(st);
	return rc;
}

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

int config_load(const char *path, struct smsrelay_config *out, char *err, size_t err_len)
{
	struct stat sb;
	char *buf = NULL;
	size_t len = 0;
	int fd, rc;

	if (err && err_len)
		err[0] = '\0';
	if (!out || !path)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		rc = -errno;
		put_err(err, err_len, "%s: cannot open: %s", path, strerror(-rc));
		return rc;
	}
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		rc = -EISDIR;
		put_err(err, err_len, "%s: is a directory", path);
		goto out;
	}
	/* One byte more than allowed tells "too large" from "exactly max". */
	buf = malloc(CONFIG_FILE_MAX + 1);
	if (!buf) {
		rc = -ENOMEM;
		put_err(err, err_len, "%s: out of memory", path);
		goto out;
	}
	rc = read_all(fd, buf, CONFIG_FILE_MAX + 1, &len);
	if (rc) {
		put_err(err, err_len, "%s: cannot read: %s", path, strerror(-rc));
		goto out;
	}
	rc = config_parse(buf, len, path, out, err, err_len);
	if (!rc)
		LOG_DBG(&log_config, NULL, "loaded %s: board %s, %u modem section(s), %u route(s)",
			path, out->daemon.board, out->n_modems, out->n_routes);
out:
	if (buf)
		explicit_bzero(buf, len);
	free(buf);
	close(fd);
	return rc;
}
