/* Loading and cross-checking the config and the board: the one path used by
 * --check-config, the start-up and SIGHUP, so that what --check-config
 * accepts is exactly what starts. */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* --board NAME|PATH: a path when it contains '/' (or names a file),
 * else BOARDS_DIR/NAME/board.conf like [daemon] board. */
static int board_path(const struct daemon_setup *s, const char *override, char *buf, size_t len)
{
	int n;

	if (!override)
		return config_board_path(&s->cfg, buf, len);
	if (strchr(override, '/'))
		n = snprintf(buf, len, "%s", override);
	else
		n = snprintf(buf, len, "%s/%s/board.conf", s->cfg.daemon.boards_dir, override);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int daemon_setup_load(struct daemon_setup *s, const struct daemon_opts *o, char *err,
		      size_t err_len)
{
	char why[DAEMON_ERR_LEN];
	int rc;

	memset(s, 0, sizeof(*s));
	rc = config_load(o->config_path, &s->cfg, why, sizeof(why));
	if (rc) {
		snprintf(err, err_len, "%s", why);
		return rc;
	}
	rc = board_path(s, o->board_override, s->board_path, sizeof(s->board_path));
	if (rc) {
		snprintf(err, err_len, "%s: board path too long", o->config_path);
		return rc;
	}
	rc = hal_board_load(s->board_path, &s->board, why, sizeof(why));
	if (rc) {
		if (rc == -ENOENT && !o->board_override)
			snprintf(err, err_len,
				 "%s (from [daemon] board/boards_dir in %s; or use --board)", why,
				 o->config_path);
		else
			snprintf(err, err_len, "%s", why);
		return rc;
	}
	rc = config_check_board(&s->cfg, &s->board, why, sizeof(why));
	if (rc) {
		snprintf(err, err_len, "%s (board %s)", why, s->board_path);
		return rc;
	}
	snprintf(s->data_dir, sizeof(s->data_dir), "%s",
		 s->cfg.daemon.data_dir[0] ? s->cfg.daemon.data_dir : s->board.data_dir);
	rc = config_store_path(&s->cfg, &s->board, s->store_path, sizeof(s->store_path));
	if (rc) {
		snprintf(err, err_len, "%s: [store] path: too long", o->config_path);
		return rc;
	}
	rc = daemon_setup_routing(&s->cfg, &s->board, &s->routing, why, sizeof(why));
	if (rc) {
		snprintf(err, err_len, "%s: routing: %s", o->config_path, why);
		return rc;
	}
	if (s->cfg.api.tls_cert[0] && access(s->cfg.api.tls_cert, R_OK) != 0) {
		snprintf(err, err_len, "%s: [api] tls_cert %s: %s", o->config_path,
			 s->cfg.api.tls_cert, strerror(errno));
		return -errno;
	}
	if (s->cfg.api.tls_key[0] && access(s->cfg.api.tls_key, R_OK) != 0) {
		snprintf(err, err_len, "%s: [api] tls_key %s: %s", o->config_path,
			 s->cfg.api.tls_key, strerror(errno));
		return -errno;
	}
	return 0;
}

static void channel_from_config(struct routing_channel_cfg *rc, const char *name,
				enum channel_kind kind, const struct config_channel *cc)
{
	routing_channel_defaults(rc, name, kind);
	rc->enabled = cc->enabled;
	rc->priority = cc->priority;
	rc->rate_per_min = cc->rate_per_min;
	rc->burst = cc->burst;
	rc->daily_quota = cc->daily_quota;
	rc->n_numbers = cc->n_numbers;
	for (unsigned i = 0; i < cc->n_numbers && i < ROUTING_MAX_NUMBERS; i++)
		snprintf(rc->numbers[i], sizeof(rc->numbers[i]), "%s", cc->numbers[i]);
}

/* A modem without a [modem.NAME] section gets the config's defaults. */
static const struct config_channel *modem_channel_cfg(const struct smsrelay_config *c,
						      const char *name, struct config_channel *tmp)
{
	const struct config_modem *m = config_find_modem(c, name);
	struct smsrelay_config *defs;

	if (m)
		return &m->channel;
	/* config_defaults fills a whole config; only a modem's knobs are
	 * wanted, so take them from a parse of "[modem.NAME]". */
	char text[64];
	int n = snprintf(text, sizeof(text), "[modem.%s]\n", name);
	defs = calloc(1, sizeof(*defs));
	if (!defs || n < 0 || config_parse(text, (size_t)n, "defaults", defs, NULL, 0) != 0 ||
	    defs->n_modems != 1) {
		free(defs);
		memset(tmp, 0, sizeof(*tmp));
		tmp->enabled = true;
		tmp->priority = 100;
		tmp->rate_per_min = 10;
		tmp->burst = 1;
		return tmp;
	}
	*tmp = defs->modems[0].channel;
	free(defs);
	return tmp;
}

int daemon_setup_routing(const struct smsrelay_config *c, const struct hal_board *b,
			 struct routing_config *out, char *err, size_t err_len)
{
	struct config_channel tmp;

	routing_config_defaults(out);
	for (size_t i = 0; i < b->n_modems; i++) {
		const char *name = b->modems[i].name;
		channel_from_config(&out->channels[out->n_channels++], name, CHANNEL_MODEM,
				    modem_channel_cfg(c, name, &tmp));
	}
	if (c->twilio.present)
		channel_from_config(&out->channels[out->n_channels++], "twilio", CHANNEL_TWILIO,
				    &c->twilio.channel);
	if (c->telesign.present)
		channel_from_config(&out->channels[out->n_channels++], "telesign", CHANNEL_TELESIGN,
				    &c->telesign.channel);

	for (unsigned i = 0; i < c->n_routes; i++) {
		const struct config_route *cr = &c->routes[i];
		struct routing_rule *rr = &out->rules[out->n_rules++];

		snprintf(rr->prefix, sizeof(rr->prefix), "%s", cr->prefix);
		rr->n_channels = cr->n_channels;
		for (unsigned k = 0; k < cr->n_channels; k++) {
			int idx = routing_config_find(out, cr->channels[k]);
			if (idx < 0) {
				snprintf(err, err_len,
					 "line %u: [route.%s] channel %s is not configured",
					 cr->line, cr->prefix, cr->channels[k]);
				return -EINVAL;
			}
			rr->channels[k] = (unsigned)idx;
		}
	}
	out->allow_any = c->routing.allow_any;
	out->n_allow = c->routing.n_allow;
	memcpy(out->allow_cc, c->routing.allow_countries, sizeof(out->allow_cc));
	out->n_deny = c->routing.n_deny;
	for (unsigned i = 0; i < c->routing.n_deny; i++)
		snprintf(out->deny[i], sizeof(out->deny[i]), "%s", c->routing.deny_prefixes[i]);
	out->health.fail_threshold = c->routing.fail_threshold;
	out->health.cooldown_ms = (int64_t)c->routing.cooldown_s * 1000;
	out->health.probe_timeout_ms = (int64_t)c->routing.probe_timeout_s * 1000;
	out->utc_offset_s = c->routing.utc_offset_min * 60;
	out->sticky_ttl_ms = (int64_t)c->routing.sticky_ttl_s * 1000;
	out->sticky_max_wait_ms = (int64_t)c->routing.sticky_max_wait_s * 1000;
	return routing_config_validate(out, err, err_len);
}

int daemon_data_dir_ensure(const char *dir, char *err, size_t err_len)
{
	char path[CONFIG_PATH_LEN];
	struct stat st;

	snprintf(path, sizeof(path), "%s", dir);
	for (char *p = path + 1;; p++) {
		bool end = *p == '\0';
		if (*p != '/' && !end)
			continue;
		*p = '\0';
		if (mkdir(path, 0750) != 0 && errno != EEXIST) {
			snprintf(err, err_len,
				 "data directory %s: mkdir %s: %s (create it, owned by the "
				 "daemon's user)",
				 dir, path, strerror(errno));
			return -errno;
		}
		if (end)
			break;
		*p = '/';
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, err_len, "data directory %s: not a directory", dir);
		return -ENOTDIR;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		snprintf(err, err_len,
			 "data directory %s: %s (it must be writable by the daemon's "
			 "user)",
			 dir, strerror(errno));
		return -errno;
	}
	return 0;
}
