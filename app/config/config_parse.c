/* smsrelayd.conf loader: hal/ini.h reads the text (line numbers, NUL
 * bytes, over-long and indented lines, empty sections, syntax errors) and
 * hands over each (section, key, value); this file tracks sections, checks
 * each key against the schema in config_keys.c and stops at the first
 * error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_int.h"
#include "hal/log.h"

LOG_MODULE(log_config, "config")

/* ---- sections ------------------------------------------------------------ */

static int header_line(const struct cfg_parse *st)
{
	return hal_ini_header_line(&st->ini);
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
static int sect_get(struct cfg_parse *st, const char *section)
{
	const char *dot = strchr(section, '.');
	size_t plen = dot ? (size_t)(dot - section) : strlen(section);
	const char *name = dot ? dot + 1 : "";
	int hl = header_line(st);
	int kind;

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
		return cfg_fail(st, st->ini.lineno,
				"unknown key '%.40s' in [%s] (see docs/config.md for the keys)", key,
				section);
	if (hal_ini_key_seen(&st->ini, key, &s->key_line[k]))
		return -EINVAL;
	return cfg_kind_desc(s->kind)->keys[k].set(st, &cfg_kind_desc(s->kind)->keys[k], s->obj,
						   value);
}

static int cfg_on_key(struct hal_ini *ini, void *user, const char *section, const char *key,
		      const char *value)
{
	struct cfg_parse *st = user;
	int si = sect_get(st, section);

	(void)ini;
	if (si < 0)
		return si;
	return key_set(st, si, section, key, value);
}

/* ---- API ----------------------------------------------------------------- */

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

	hal_ini_put_err(err, err_len, "%s", "");
	if (!out || (!text && len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	rc = hal_ini_check_size(file, len, CONFIG_FILE_MAX, err, err_len);
	if (rc)
		return rc;
	/* ~40 KB: off the stack. */
	st = calloc(1, sizeof(*st));
	if (!st) {
		hal_ini_put_err(err, err_len, "%s: out of memory", file);
		return -ENOMEM;
	}
	/* A malformed line makes its section non-empty: inih's syntax error
	 * for it is the better message than "section has no keys". */
	hal_ini_init(&st->ini, text, len, file, HAL_INI_CONTENT_FILLS_SECTION);
	st->cur = -1;
	set_base_dir(st, file);
	config_defaults(&st->c);
	snprintf(st->c.source, sizeof(st->c.source), "%s", file);
	rc = hal_ini_run(&st->ini, cfg_on_key, st);
	if (!rc)
		rc = cfg_finish(st);
	hal_ini_error(&st->ini, rc, err, err_len);
	if (!rc)
		*out = st->c;
	/* The parse state held secrets. */
	explicit_bzero(st, sizeof(*st));
	free(st);
	return rc;
}

int config_load(const char *path, struct smsrelay_config *out, char *err, size_t err_len)
{
	char *buf;
	size_t len;
	int rc;

	hal_ini_put_err(err, err_len, "%s", "");
	if (!out || !path)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	rc = hal_ini_read_file(path, CONFIG_FILE_MAX, &buf, &len, err, err_len);
	if (rc)
		return rc;
	rc = config_parse(buf, len, path, out, err, err_len);
	if (!rc)
		LOG_DBG(&log_config, NULL, "loaded %s: board %s, %u modem section(s), %u route(s)",
			path, out->daemon.board, out->n_modems, out->n_routes);
	/* The text may hold secrets. */
	hal_ini_free_file(buf, len);
	return rc;
}
