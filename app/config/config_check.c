/* Checks that need the whole file (TLS pairs, plain HTTP off loopback,
 * required cloud keys, route channels), the cross-check against the board,
 * derived paths, and the SIGHUP diff. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config_int.h"

/* ---- whole-file checks ---------------------------------------------------- */

static const struct cfg_section *sect_of(const struct cfg_parse *st, const void *obj)
{
	for (size_t i = 0; i < st->n_sects; i++)
		if (st->sects[i].obj == obj)
			return &st->sects[i];
	return NULL;
}

/* Line of key in obj's section; else the section's header; else 1. */
static int line_of(const struct cfg_parse *st, const void *obj, enum cfg_kind kind,
		   const char *key)
{
	const struct cfg_section *s = sect_of(st, obj);
	int k = cfg_key_index(kind, key);

	if (!s)
		return 1;
	if (k >= 0 && s->key_line[k])
		return s->key_line[k];
	return s->line;
}

static bool key_given(const struct cfg_parse *st, const void *obj, enum cfg_kind kind,
		      const char *key)
{
	const struct cfg_section *s = sect_of(st, obj);
	int k = cfg_key_index(kind, key);

	return s && k >= 0 && s->key_line[k];
}

static bool is_loopback(const char *addr)
{
	unsigned char a[16];
	static const unsigned char v6_lo[16] = {[15] = 1};

	if (inet_pton(AF_INET, addr, a) == 1)
		return a[0] == 127;
	if (inet_pton(AF_INET6, addr, a) == 1)
		return !memcmp(a, v6_lo, 16);
	return false;
}

static int check_api(struct cfg_parse *st)
{
	const struct config_api *a = &st->c.api;
	bool tls = a->tls_cert[0] && a->tls_key[0];

	if (a->tls_cert[0] && !a->tls_key[0])
		return cfg_fail(st, line_of(st, a, CFG_API, "tls_cert"),
				"tls_cert is set but tls_key is not (give both or neither)");
	if (a->tls_key[0] && !a->tls_cert[0])
		return cfg_fail(st, line_of(st, a, CFG_API, "tls_key"),
				"tls_key is set but tls_cert is not (give both or neither)");
	if (!tls && !a->allow_plain_http && !is_loopback(a->bind))
		return cfg_fail(st, line_of(st, a, CFG_API, "bind"),
				"bind = %s would serve plain HTTP off loopback: set tls_cert and "
				"tls_key, or allow_plain_http = true",
				a->bind);
	if (a->max_per_ip > a->max_connections)
		return cfg_fail(st, line_of(st, a, CFG_API, "max_per_ip"),
				"max_per_ip (%u) is above max_connections (%u)", a->max_per_ip,
				a->max_connections);
	return 0;
}

static int check_outbox(struct cfg_parse *st)
{
	const struct config_outbox *o = &st->c.outbox;

	if (o->retry_floor_s > o->retry_base_s)
		return cfg_fail(st, line_of(st, o, CFG_OUTBOX, "retry_floor_s"),
				"retry_floor_s (%u) is above retry_base_s (%u)", o->retry_floor_s,
				o->retry_base_s);
	if (o->retry_base_s > o->retry_max_s)
		return cfg_fail(st, line_of(st, o, CFG_OUTBOX, "retry_base_s"),
				"retry_base_s (%u) is above retry_max_s (%u)", o->retry_base_s,
				o->retry_max_s);
	return 0;
}

static int check_webhooks(struct cfg_parse *st)
{
	const struct config_webhooks *w = &st->c.webhooks;

	if (w->backoff_initial_s > w->backoff_max_s)
		return cfg_fail(st, line_of(st, w, CFG_WEBHOOKS, "backoff_initial_s"),
				"backoff_initial_s (%u) is above backoff_max_s (%u)",
				w->backoff_initial_s, w->backoff_max_s);
	return 0;
}

static int require(struct cfg_parse *st, const void *obj, enum cfg_kind kind,
		   const char *section, const char *key, bool secret)
{
	char file_key[48];

	if (key_given(st, obj, kind, key))
		return 0;
	snprintf(file_key, sizeof(file_key), "%s_file", key);
	if (secret && key_given(st, obj, kind, file_key))
		return 0;
	if (secret)
		return cfg_fail(st, line_of(st, obj, kind, NULL),
				"[%s]: missing required key '%s' (or '%s_file')", section, key, key);
	return cfg_fail(st, line_of(st, obj, kind, NULL), "[%s]: missing required key '%s'",
			section, key);
}

/* KEY and KEY_file both given. */
static int secret_once(struct cfg_parse *st, const void *obj, enum cfg_kind kind,
		       const char *key)
{
	char file_key[48];

	snprintf(file_key, sizeof(file_key), "%s_file", key);
	if (key_given(st, obj, kind, key) && key_given(st, obj, kind, file_key))
		return cfg_fail(st, line_of(st, obj, kind, file_key),
				"give either %s or %s, not both", key, file_key);
	return 0;
}

static int check_twilio(struct cfg_parse *st)
{
	const struct config_twilio *t = &st->c.twilio;

	if (!t->present)
		return 0;
	if (require(st, t, CFG_TWILIO, "twilio", "account_sid", false) ||
	    require(st, t, CFG_TWILIO, "twilio", "auth_token", true) ||
	    secret_once(st, t, CFG_TWILIO, "auth_token") ||
	    secret_once(st, t, CFG_TWILIO, "api_key_secret"))
		return -EINVAL;
	if (!t->from[0] && !t->messaging_service_sid[0])
		return cfg_fail(st, t->line,
				"[twilio]: missing required key 'from' or 'messaging_service_sid'");
	if (t->api_key_sid[0] && !t->api_key_secret[0])
		return cfg_fail(st, line_of(st, t, CFG_TWILIO, "api_key_sid"),
				"api_key_sid needs api_key_secret (or api_key_secret_file)");
	if (!t->api_key_sid[0] && t->api_key_secret[0])
		return cfg_fail(st, line_of(st, t, CFG_TWILIO, "api_key_secret"),
				"api_key_secret needs api_key_sid");
	return 0;
}

static int check_telesign(struct cfg_parse *st)
{
	const struct config_telesign *t = &st->c.telesign;

	if (!t->present)
		return 0;
	if (require(st, t, CFG_TELESIGN, "telesign", "customer_id", false) ||
	    require(st, t, CFG_TELESIGN, "telesign", "api_key", true))
		return -EINVAL;
	return secret_once(st, t, CFG_TELESIGN, "api_key");
}

static int check_modems(struct cfg_parse *st)
{
	for (unsigned i = 0; i < st->c.n_modems; i++)
		if (secret_once(st, &st->c.modems[i], CFG_MODEM, "pin"))
			return -EINVAL;
	return 0;
}

static int check_routes(struct cfg_parse *st)
{
	for (unsigned i = 0; i < st->c.n_routes; i++) {
		const struct config_route *r = &st->c.routes[i];
		int line = line_of(st, r, CFG_ROUTE, "channels");

		if (!r->n_channels)
			return cfg_fail(st, r->line, "[route.%s]: missing required key 'channels'",
					r->prefix);
		for (unsigned j = 0; j < r->n_channels; j++) {
			const char *ch = r->channels[j];

			if (!strcmp(ch, "twilio") && !st->c.twilio.present)
				return cfg_fail(st, line, "channels: twilio has no [twilio] section");
			if (!strcmp(ch, "telesign") && !st->c.telesign.present)
				return cfg_fail(st, line,
						"channels: telesign has no [telesign] section");
			if (!strcmp(ch, "modem") || !strcmp(ch, "auto"))
				return cfg_fail(st, line,
						"channels: '%s' is not a channel (allowed: a modem "
						"name, twilio, telesign)",
						ch);
		}
	}
	return 0;
}

int cfg_finish(struct cfg_parse *st)
{
	if (check_api(st) || check_outbox(st) || check_webhooks(st) || check_twilio(st) ||
	    check_telesign(st) || check_modems(st) || check_routes(st))
		return -EINVAL;
	return 0;
}

/* ---- the board ------------------------------------------------------------ */

static void board_modem_list(const struct hal_board *b, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < b->n_modems && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
					 b->modems[i].name);
}

static bool board_has(const struct hal_board *b, const char *name)
{
	for (size_t i = 0; i < b->n_modems; i++)
		if (!strcmp(b->modems[i].name, name))
			return true;
	return false;
}

int config_check_board(const struct smsrelay_config *c, const struct hal_board *b, char *err,
		       size_t err_len)
{
	char list[HAL_BOARD_MAX_MODEMS * (HAL_BOARD_NAME_LEN + 2)];

	if (err && err_len)
		err[0] = '\0';
	if (!c || !b)
		return -EINVAL;
	board_modem_list(b, list, sizeof(list));
	for (unsigned i = 0; i < c->n_modems; i++) {
		const struct config_modem *m = &c->modems[i];

		if (board_has(b, m->name))
			continue;
		if (err && err_len)
			snprintf(err, err_len,
				 "%s:%u: [modem.%s]: board '%s' has no modem '%s' (it has: %s)",
				 c->source, m->line, m->name, b->name, m->name, list);
		return -EINVAL;
	}
	for (unsigned i = 0; i < c->n_routes; i++) {
		const struct config_route *r = &c->routes[i];

		for (unsigned j = 0; j < r->n_channels; j++) {
			const char *ch = r->channels[j];

			if (!strcmp(ch, "twilio") || !strcmp(ch, "telesign") || board_has(b, ch))
				continue;
			if (err && err_len)
				snprintf(err, err_len,
					 "%s:%u: [route.%s]: channels: '%s' is not a modem of board "
					 "'%s' (it has: %s) nor twilio or telesign",
					 c->source, r->line, r->prefix, ch, b->name, list);
			return -EINVAL;
		}
	}
	return 0;
}

const struct config_modem *config_find_modem(const struct smsrelay_config *c, const char *name)
{
	for (unsigned i = 0; c && name && i < c->n_modems; i++)
		if (!strcmp(c->modems[i].name, name))
			return &c->modems[i];
	return NULL;
}

int config_board_path(const struct smsrelay_config *c, char *buf, size_t len)
{
	int n;

	if (!c || !buf || !len)
		return -EINVAL;
	if (strchr(c->daemon.board, '/'))
		n = snprintf(buf, len, "%s", c->daemon.board);
	else
		n = snprintf(buf, len, "%s/%s/board.conf", c->daemon.boards_dir, c->daemon.board);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

int config_store_path(const struct smsrelay_config *c, const struct hal_board *b, char *buf,
		      size_t len)
{
	const char *dir;
	int n;

	if (!c || !buf || !len)
		return -EINVAL;
	dir = c->daemon.data_dir[0] ? c->daemon.data_dir : (b ? b->data_dir : "");
	if (c->store.path[0])
		n = snprintf(buf, len, "%s", c->store.path);
	else if (dir[0])
		n = snprintf(buf, len, "%s/smsrelay.db", dir);
	else
		n = snprintf(buf, len, "%s/smsrelay.db", HAL_BOARD_DATA_DIR_DEFAULT);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	return 0;
}

/* ---- SIGHUP diff ------------------------------------------------------------ */

static void add_change(struct config_diff *d, bool restart, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void add_change(struct config_diff *d, bool restart, const char *fmt, ...)
{
	va_list ap;

	d->n_total++;
	d->n_restart += restart;
	if (d->n == CONFIG_DIFF_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(d->changes[d->n].key, sizeof(d->changes[d->n].key), fmt, ap);
	va_end(ap);
	d->changes[d->n].restart = restart;
	d->n++;
}

static bool field_differs(const struct cfg_key *k, const void *a, const void *b)
{
	const char *fa = (const char *)a + k->off, *fb = (const char *)b + k->off;

	if (k->flags & CK_STRING)
		return strncmp(fa, fb, k->size) != 0;
	return memcmp(fa, fb, k->size) != 0;
}

/* Every key of kind; prefix is "api" or "modem.modem0". */
static void diff_keys(struct config_diff *d, enum cfg_kind kind, const char *prefix,
		      const void *a, const void *b)
{
	const struct cfg_kind_desc *desc = cfg_kind_desc(kind);

	for (size_t i = 0; i < desc->n_keys; i++) {
		const struct cfg_key *k = &desc->keys[i];

		if (field_differs(k, a, b))
			add_change(d, !(k->flags & CK_LIVE), "%s.%s", prefix, k->name);
	}
}

static void diff_modems(struct config_diff *d, const struct smsrelay_config *a,
			const struct smsrelay_config *b)
{
	char prefix[48];

	for (unsigned i = 0; i < a->n_modems; i++) {
		const struct config_modem *ma = &a->modems[i];
		const struct config_modem *mb = config_find_modem(b, ma->name);

		if (!mb) {
			add_change(d, true, "modem.%s", ma->name);
			continue;
		}
		snprintf(prefix, sizeof(prefix), "modem.%s", ma->name);
		diff_keys(d, CFG_MODEM, prefix, ma, mb);
	}
	for (unsigned i = 0; i < b->n_modems; i++)
		if (!config_find_modem(a, b->modems[i].name))
			add_change(d, true, "modem.%s", b->modems[i].name);
}

static const struct config_route *find_route(const struct smsrelay_config *c, const char *p)
{
	for (unsigned i = 0; i < c->n_routes; i++)
		if (!strcmp(c->routes[i].prefix, p))
			return &c->routes[i];
	return NULL;
}

static void diff_routes(struct config_diff *d, const struct smsrelay_config *a,
			const struct smsrelay_config *b)
{
	const struct cfg_key *k = &cfg_kind_desc(CFG_ROUTE)->keys[0];

	for (unsigned i = 0; i < a->n_routes; i++) {
		const struct config_route *rb = find_route(b, a->routes[i].prefix);

		if (!rb || field_differs(k, &a->routes[i], rb))
			add_change(d, false, "route.%s", a->routes[i].prefix);
	}
	for (unsigned i = 0; i < b->n_routes; i++)
		if (!find_route(a, b->routes[i].prefix))
			add_change(d, false, "route.%s", b->routes[i].prefix);
}

static const void *single_const(const struct smsrelay_config *c, enum cfg_kind kind)
{
	switch (kind) {
	case CFG_DAEMON:
		return &c->daemon;
	case CFG_STORE:
		return &c->store;
	case CFG_OUTBOX:
		return &c->outbox;
	case CFG_API:
		return &c->api;
	case CFG_WEBHOOKS:
		return &c->webhooks;
	default:
		return &c->routing;
	}
}

int config_diff(const struct smsrelay_config *a, const struct smsrelay_config *b,
		struct config_diff *out)
{
	static const enum cfg_kind singles[] = {CFG_DAEMON, CFG_STORE,	  CFG_OUTBOX,
						CFG_API,    CFG_WEBHOOKS, CFG_ROUTING};

	if (!a || !b || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(singles) / sizeof(singles[0]); i++)
		diff_keys(out, singles[i], cfg_kind_desc(singles[i])->prefix,
			  single_const(a, singles[i]), single_const(b, singles[i]));
	if (a->twilio.present != b->twilio.present)
		add_change(out, true, "twilio");
	else if (a->twilio.present)
		diff_keys(out, CFG_TWILIO, "twilio", &a->twilio, &b->twilio);
	if (a->telesign.present != b->telesign.present)
		add_change(out, true, "telesign");
	else if (a->telesign.present)
		diff_keys(out, CFG_TELESIGN, "telesign", &a->telesign, &b->telesign);
	diff_modems(out, a, b);
	diff_routes(out, a, b);
	return 0;
}
