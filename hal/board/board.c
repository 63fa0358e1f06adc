/* board.conf loader: hal/ini.h reads the text (line numbers, NUL bytes,
 * over-long and indented lines, empty sections, syntax errors) and hands
 * over each (section, key, value); this file tracks sections, checks every
 * key against the schema in board_keys.c and cross-checks the result. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_int.h"
#include "hal/log.h"

LOG_MODULE(log_board, "board")

/* ---- sections and keys --------------------------------------------------- */

/* Section-level errors point at the [header], not at its first key. */
static int header_line(const struct board_parse *st)
{
	return hal_ini_header_line(&st->ini);
}

static void sect_title(const struct board_section *s, char *buf, size_t len)
{
	const char *prefix = board_kind_desc(s->kind)->prefix;

	if (s->name[0])
		snprintf(buf, len, "%s.%s", prefix, s->name);
	else
		snprintf(buf, len, "%s", prefix);
}

/* The struct a new section fills, with its defaults set. */
static void *sect_object(struct board_parse *st, enum board_kind kind, const char *name)
{
	struct hal_board *b = &st->b;

	switch (kind) {
	case BOARD_KIND_MODEM: {
		struct hal_board_modem *m = &b->modems[b->n_modems++];
		snprintf(m->name, sizeof(m->name), "%s", name);
		m->serial = HAL_SERIAL_CONFIG_DEFAULT;
		m->profile = HAL_BOARD_PROFILE_GENERIC;
		m->pwrkey_gpio = -1;
		m->reset_gpio = -1;
		return m;
	}
	case BOARD_KIND_GPIO: {
		struct hal_board_gpio *g = &b->gpios[b->n_gpios++];
		snprintf(g->name, sizeof(g->name), "%s", name);
		g->output = true;
		return g;
	}
	case BOARD_KIND_WATCHDOG:
		return &b->watchdog;
	case BOARD_KIND_BOARD:
	case BOARD_KIND_STORAGE:
		break;
	}
	return b;
}

static int sect_new(struct board_parse *st, enum board_kind kind, const char *name,
		    const char *section)
{
	struct board_section *s;

	if (kind == BOARD_KIND_MODEM && st->b.n_modems == HAL_BOARD_MAX_MODEMS)
		return board_fail(st, header_line(st),
				  "too many modems: [%s] would be number %d (max %d)", section,
				  HAL_BOARD_MAX_MODEMS + 1, HAL_BOARD_MAX_MODEMS);
	if (kind == BOARD_KIND_GPIO && st->b.n_gpios == HAL_BOARD_MAX_GPIOS)
		return board_fail(st, header_line(st),
				  "too many gpio lines: [%s] would be number %d (max %d)", section,
				  HAL_BOARD_MAX_GPIOS + 1, HAL_BOARD_MAX_GPIOS);
	s = &st->sects[st->n_sects];
	s->kind = kind;
	/* The name was checked to fit by board_name_ok(). */
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->line = header_line(st);
	s->obj = sect_object(st, kind, name);
	st->cur = (int)st->n_sects++;
	return st->cur;
}

/* The section a key belongs to: found, created, or an error (< 0). */
static int sect_get(struct board_parse *st, const char *section)
{
	const char *dot = strchr(section, '.');
	size_t plen = dot ? (size_t)(dot - section) : strlen(section);
	const char *name = dot ? dot + 1 : "";
	int hl = header_line(st);
	int kind;

	kind = board_kind_lookup(section, plen);
	if (kind < 0)
		return board_fail(st, hl, "unknown section [%.60s]", section);
	if (board_kind_desc(kind)->named && !dot)
		return board_fail(st, hl, "section [%s] needs a name: [%s.NAME]", section, section);
	if (!board_kind_desc(kind)->named && dot)
		return board_fail(st, hl, "unknown section [%.60s] ([%.*s] takes no name)", section,
				  (int)plen, section);
	if (dot && !board_name_ok(name, strlen(name)))
		return board_fail(st, hl,
				  "bad section name '%.40s' (1..%d letters, digits, '_' or '-')",
				  name, HAL_BOARD_NAME_LEN - 1);
	for (size_t i = 0; i < st->n_sects; i++) {
		const struct board_section *s = &st->sects[i];

		if ((int)s->kind != kind || strcmp(s->name, name))
			continue;
		if ((int)i != st->cur)
			return board_fail(st, hl, "section [%s] appears twice (first at line %d)",
					  section, s->line);
		return (int)i;
	}
	return sect_new(st, (enum board_kind)kind, name, section);
}

static int key_index(enum board_kind kind, const char *key)
{
	const struct board_kind_desc *d = board_kind_desc(kind);

	for (size_t k = 0; k < d->n_keys; k++)
		if (!strcmp(d->keys[k].name, key))
			return (int)k;
	return -1;
}

static int key_set(struct board_parse *st, int si, const char *section, const char *key,
		   const char *value)
{
	struct board_section *s = &st->sects[si];
	int k = key_index(s->kind, key);

	if (k < 0)
		return board_fail(st, st->ini.lineno, "unknown key '%.40s' in [%s]", key, section);
	if (hal_ini_key_seen(&st->ini, key, &s->key_line[k]))
		return -EINVAL;
	return board_kind_desc(s->kind)->keys[k].set(st, s->obj, key, value);
}

static int board_on_key(struct hal_ini *ini, void *user, const char *section, const char *key,
			const char *value)
{
	struct board_parse *st = user;
	int si = sect_get(st, section);

	(void)ini;
	if (si < 0)
		return si;
	return key_set(st, si, section, key, value);
}

/* ---- checks once the whole file is read ---------------------------------- */

static const struct board_section *sect_of_obj(const struct board_parse *st, const void *obj)
{
	for (size_t i = 0; i < st->n_sects; i++)
		if (st->sects[i].obj == obj)
			return &st->sects[i];
	return NULL;
}

static int check_required(struct board_parse *st)
{
	char title[64];

	for (size_t i = 0; i < st->n_sects; i++) {
		const struct board_section *s = &st->sects[i];
		const struct board_kind_desc *d = board_kind_desc(s->kind);

		for (size_t k = 0; k < d->n_keys; k++) {
			if (!d->keys[k].required || s->key_line[k])
				continue;
			sect_title(s, title, sizeof(title));
			return board_fail(st, s->line, "[%s]: missing required key '%s'", title,
					  d->keys[k].name);
		}
	}
	return 0;
}

static int gpio_ref(struct board_parse *st, const struct board_section *ms, const char *key,
		    const char *name, int *idx)
{
	int line = ms->key_line[key_index(BOARD_KIND_MODEM, key)];

	*idx = -1;
	if (!name[0])
		return 0;
	for (size_t i = 0; i < st->b.n_gpios; i++) {
		const struct hal_board_gpio *g = &st->b.gpios[i];

		if (strcmp(g->name, name))
			continue;
		if (!g->output)
			return board_fail(st, line, "%s: [gpio.%s] is an input", key, name);
		if (!g->pulse_ms)
			return board_fail(st, line, "%s: [gpio.%s] has no pulse_ms", key, name);
		*idx = (int)i;
		return 0;
	}
	return board_fail(st, line, "%s: no section [gpio.%s]", key, name);
}

static int check_modem(struct board_parse *st, size_t i)
{
	struct hal_board_modem *m = &st->b.modems[i];
	const struct board_section *ms = sect_of_obj(st, m);
	int port_line = ms->key_line[key_index(BOARD_KIND_MODEM, "port")];
	int imei_line = ms->key_line[key_index(BOARD_KIND_MODEM, "imei")];

	if (m->port_is_usb && st->b.backend == HAL_BOARD_BACKEND_SIM)
		return board_fail(st, port_line, "port: usb: ports need hal = linux");
	for (size_t j = 0; j < i; j++) {
		const struct hal_board_modem *o = &st->b.modems[j];

		if (!strcmp(o->port, m->port))
			return board_fail(st, port_line, "port: %s is already used by [modem.%s]",
					  m->port, o->name);
		if (m->imei[0] && !strcmp(o->imei, m->imei))
			return board_fail(st, imei_line, "imei: %s is already used by [modem.%s]",
					  m->imei, o->name);
	}
	if (gpio_ref(st, ms, "pwrkey", m->pwrkey, &m->pwrkey_gpio))
		return -EINVAL;
	return gpio_ref(st, ms, "reset", m->reset, &m->reset_gpio);
}

static int check_gpio(struct board_parse *st, size_t i)
{
	const struct hal_board_gpio *g = &st->b.gpios[i];
	const struct board_section *gs = sect_of_obj(st, g);
	int initial_line = gs->key_line[key_index(BOARD_KIND_GPIO, "initial")];

	if (!g->output && initial_line)
		return board_fail(st, initial_line, "initial: only for direction = output");
	for (size_t j = 0; j < i; j++) {
		const struct hal_board_gpio *o = &st->b.gpios[j];

		if (!strcmp(o->chip, g->chip) && !strcmp(o->line, g->line))
			return board_fail(st, gs->line,
					  "line %s on %s is already used by [gpio.%s]", g->line,
					  g->chip, o->name);
	}
	return 0;
}

static int board_finish(struct board_parse *st)
{
	bool have_board = false;

	if (!st->ini.keys_total)
		return board_fail(st, 1, "empty file: expected [board] and [modem.NAME] sections");
	for (size_t i = 0; i < st->n_sects; i++)
		have_board |= st->sects[i].kind == BOARD_KIND_BOARD;
	if (!have_board)
		return board_fail(st, 1, "missing section [board]");
	if (check_required(st))
		return -EINVAL;
	if (!st->b.n_modems)
		return board_fail(st, st->ini.lineno, "no [modem.NAME] section (need 1..%d)",
				  HAL_BOARD_MAX_MODEMS);
	for (size_t i = 0; i < st->b.n_gpios; i++)
		if (check_gpio(st, i))
			return -EINVAL;
	for (size_t i = 0; i < st->b.n_modems; i++)
		if (check_modem(st, i))
			return -EINVAL;
	if (!st->b.data_dir[0])
		snprintf(st->b.data_dir, sizeof(st->b.data_dir), "%s", HAL_BOARD_DATA_DIR_DEFAULT);
	if (!st->b.watchdog.enabled)
		st->b.watchdog.device[0] = '\0';
	return 0;
}

/* ---- API ------------------------------------------------------------------ */

int hal_board_parse(const char *text, size_t len, const char *name_for_errors,
		    struct hal_board *out, char *err, size_t err_len)
{
	const char *file = name_for_errors ? name_for_errors : "board.conf";
	struct board_parse *st;
	int rc;

	hal_ini_put_err(err, err_len, "%s", "");
	if (!out || (!text && len))
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	rc = hal_ini_check_size(file, len, HAL_BOARD_FILE_MAX, err, err_len);
	if (rc)
		return rc;
	/* ~5 KB: off the stack, so that deep callers and fuzzers don't mind. */
	st = calloc(1, sizeof(*st));
	if (!st) {
		hal_ini_put_err(err, err_len, "%s: out of memory", file);
		return -ENOMEM;
	}
	hal_ini_init(&st->ini, text, len, file, 0);
	st->cur = -1;
	st->b.watchdog.timeout_s = HAL_BOARD_WATCHDOG_TIMEOUT_DEFAULT;
	rc = hal_ini_run(&st->ini, board_on_key, st);
	if (!rc)
		rc = board_finish(st);
	hal_ini_error(&st->ini, rc, err, err_len);
	if (!rc)
		*out = st->b;
	free(st);
	return rc;
}

int hal_board_load(const char *path, struct hal_board *out, char *err, size_t err_len)
{
	char *buf;
	size_t len;
	int rc;

	hal_ini_put_err(err, err_len, "%s", "");
	if (!out || !path)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	rc = hal_ini_read_file(path, HAL_BOARD_FILE_MAX, &buf, &len, err, err_len);
	if (rc)
		return rc;
	rc = hal_board_parse(buf, len, path, out, err, err_len);
	if (!rc)
		LOG_DBG(&log_board, out->name, "loaded %s: hal %s, %zu modem(s), %zu gpio(s)", path,
			hal_board_backend_str(out->backend), out->n_modems, out->n_gpios);
	hal_ini_free_file(buf, len);
	return rc;
}

/* ---- lookups ------------------------------------------------------------- */

const struct hal_board_modem *hal_board_find_modem(const struct hal_board *b, const char *name)
{
	for (size_t i = 0; b && name && i < b->n_modems; i++)
		if (!strcmp(b->modems[i].name, name))
			return &b->modems[i];
	return NULL;
}

const struct hal_board_gpio *hal_board_find_gpio(const struct hal_board *b, const char *name)
{
	for (size_t i = 0; b && name && i < b->n_gpios; i++)
		if (!strcmp(b->gpios[i].name, name))
			return &b->gpios[i];
	return NULL;
}

static const struct hal_board_gpio *gpio_at(const struct hal_board *b, int idx)
{
	if (!b || idx < 0 || (size_t)idx >= b->n_gpios)
		return NULL;
	return &b->gpios[idx];
}

const struct hal_board_gpio *hal_board_modem_pwrkey(const struct hal_board *b,
						    const struct hal_board_modem *m)
{
	return m ? gpio_at(b, m->pwrkey_gpio) : NULL;
}

const struct hal_board_gpio *hal_board_modem_reset(const struct hal_board *b,
						   const struct hal_board_modem *m)
{
	return m ? gpio_at(b, m->reset_gpio) : NULL;
}

void hal_board_gpio_line(const struct hal_board_gpio *g, struct hal_gpio_line *out)
{
	out->name = g->name;
	out->chip = g->chip;
	out->line = g->line;
	out->active_low = g->active_low;
	out->output = g->output;
	out->initial = g->initial;
}
