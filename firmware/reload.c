/* SIGHUP: read the config and the board again, compare with what runs
 * (config_diff), apply what can change live, and say in the log what was
 * reloaded and what waits for a restart. A bad file changes nothing.
 *
 * Applied live here: [daemon] log and log_target, [routing], [route.*] and
 * every channel's routing knobs (enabled, priority, rate_per_min, burst,
 * daily_quota, numbers) through routing_reconfigure, which keeps the
 * routing state (health, buckets, quotas, sticky senders) of every channel
 * by name. The channel set itself cannot change without a restart (the
 * drivers are created at start-up).
 *
 * Also [outbox] (retries, default validity, group commit size:
 * outbox_set_limits) and [webhooks] (timeout and retries:
 * webhooks_set_timing); messages and deliveries already waiting keep the
 * next attempt they have.
 *
 * And [api] token_rate_per_min and max_body_bytes (api_server_set_limits).
 *
 * Keys config_diff calls live but that the running objects cannot take yet
 * (cloud credentials and the other [twilio]/[telesign] keys, [api]
 * public_url: the channels and the callback receiver are built at
 * start-up) are logged as "at the next restart". */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/log.h"
#include "outbox/outbox.h"
#include "webhooks/webhooks.h"

LOG_MODULE(log_reload, "smsrelayd");

static const char *const channel_knobs[] = {
    "enabled", "priority", "rate_per_min", "burst", "daily_quota", "numbers",
};

static bool is_channel_knob(const char *key)
{
	const char *last = strrchr(key, '.');

	if (!last || !(strncmp(key, "modem.", 6) == 0 || strncmp(key, "twilio.", 7) == 0 ||
		       strncmp(key, "telesign.", 9) == 0))
		return false;
	for (size_t i = 0; i < sizeof(channel_knobs) / sizeof(channel_knobs[0]); i++)
		if (!strcmp(last + 1, channel_knobs[i]))
			return true;
	return false;
}

/* What this reload applied of [outbox], [webhooks] and [api]'s limits. */
struct reload_applied {
	bool outbox, webhooks, api_limits;
};

static bool applied_live(const char *key, const struct reload_applied *a)
{
	if (!strncmp(key, "outbox.", 7))
		return a->outbox;
	if (!strncmp(key, "webhooks.", 9))
		return a->webhooks;
	if (!strcmp(key, "api.token_rate_per_min") || !strcmp(key, "api.max_body_bytes"))
		return a->api_limits;
	return !strcmp(key, "daemon.log") || !strcmp(key, "daemon.log_target") ||
	       !strncmp(key, "routing.", 8) || !strncmp(key, "route.", 6) || is_channel_knob(key);
}

/* [outbox] retries, validity and batch size (inbound_part_timeout_s is a
 * restart key: config_diff says so). */
static bool apply_outbox(struct daemon *d, const struct smsrelay_config *c)
{
	struct routing_backoff_cfg bo;

	if (!d->outbox)
		return false;
	if (!memcmp(&d->set.cfg.outbox, &c->outbox, sizeof(c->outbox)))
		return true; /* nothing to apply */
	wire_outbox_backoff(&c->outbox, &bo);
	if (outbox_set_limits(d->outbox, &bo, c->outbox.validity_s, c->outbox.batch_max)) {
		LOG_WRN(&log_reload, NULL, "reload: [outbox] refused; keeping the running one");
		return false;
	}
	unsigned keep = d->set.cfg.outbox.inbound_part_timeout_s;
	d->set.cfg.outbox = c->outbox;
	d->set.cfg.outbox.inbound_part_timeout_s = keep;
	return true;
}

/* [api] token_rate_per_min and max_body_bytes (the rest of [api] is the
 * listening socket's, or waits for a restart). */
static bool apply_api_limits(struct daemon *d, const struct smsrelay_config *c)
{
	struct config_api *run = &d->set.cfg.api;

	if (run->token_rate_per_min == c->api.token_rate_per_min &&
	    run->max_body_bytes == c->api.max_body_bytes)
		return true;
	if (wire_api_set_limits(d, c->api.token_rate_per_min, c->api.max_body_bytes)) {
		LOG_WRN(&log_reload, NULL, "reload: [api] limits refused; keeping the running ones");
		return false;
	}
	run->token_rate_per_min = c->api.token_rate_per_min;
	run->max_body_bytes = c->api.max_body_bytes;
	return true;
}

static bool apply_webhooks(struct daemon *d, const struct smsrelay_config *c)
{
	struct webhooks_config wc = { 0 };

	if (!d->webhooks)
		return false;
	if (!memcmp(&d->set.cfg.webhooks, &c->webhooks, sizeof(c->webhooks)))
		return true; /* nothing to apply */
	wire_webhooks_timing(&c->webhooks, &wc);
	if (webhooks_set_timing(d->webhooks, wc.timeout_ms, wc.backoff_initial_ms,
				wc.backoff_max_ms, wc.retry_for_ms)) {
		LOG_WRN(&log_reload, NULL, "reload: [webhooks] refused; keeping the running one");
		return false;
	}
	d->set.cfg.webhooks = c->webhooks;
	return true;
}

static bool same_channels(const struct routing_config *a, const struct routing_config *b)
{
	if (a->n_channels != b->n_channels)
		return false;
	for (unsigned i = 0; i < a->n_channels; i++)
		if (strcmp(a->channels[i].name, b->channels[i].name) != 0 ||
		    a->channels[i].kind != b->channels[i].kind)
			return false;
	return true;
}

static void apply_logging(struct daemon *d, const struct smsrelay_config *c)
{
	if (!d->opts.log_spec && log_set_levels(c->daemon.log) != 0)
		LOG_WRN(&log_reload, NULL, "reload: log level '%s' refused", c->daemon.log);
	log_set_target(c->daemon.log_target == CONFIG_LOG_SYSLOG ? LOG_TO_SYSLOG : LOG_TO_STDERR,
		       "smsrelayd");
	memcpy(d->set.cfg.daemon.log, c->daemon.log, sizeof(c->daemon.log));
	d->set.cfg.daemon.log_target = c->daemon.log_target;
}

static int apply_routing(struct daemon *d, struct daemon_setup *n)
{
	if (!same_channels(&d->routing.cfg, &n->routing)) {
		LOG_WRN(&log_reload, NULL,
			"reload: the channel set changed: routing waits for a "
			"restart");
		return -EINVAL;
	}
	char why[160];
	int64_t now = hal_clock_wall_ms(hal_loop_clock(&d->loop));
	/* Buckets, quotas, health and the sticky table follow each channel by
	 * name (routing_reconfigure); only the knobs change. */
	int rc = routing_reconfigure(&d->routing, &n->routing, now, why, sizeof(why));
	if (rc) {
		LOG_WRN(&log_reload, NULL, "reload: routing refused: %s", why);
		return rc;
	}
	d->set.routing = n->routing;
	d->set.cfg.routing = n->cfg.routing;
	memcpy(d->set.cfg.routes, n->cfg.routes, sizeof(n->cfg.routes));
	d->set.cfg.n_routes = n->cfg.n_routes;
	for (unsigned i = 0; i < d->set.cfg.n_modems && i < n->cfg.n_modems; i++)
		if (!strcmp(d->set.cfg.modems[i].name, n->cfg.modems[i].name))
			d->set.cfg.modems[i].channel = n->cfg.modems[i].channel;
	d->set.cfg.twilio.channel = n->cfg.twilio.channel;
	d->set.cfg.telesign.channel = n->cfg.telesign.channel;
	return 0;
}

/* Appends "key, " to buf when it fits; marks the cut with "...". */
static void list_add(char *buf, size_t len, const char *key)
{
	size_t used = strlen(buf);
	int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", key);

	if (n < 0 || (size_t)n >= len - used)
		snprintf(buf + (len > 4 ? len - 4 : 0), len > 4 ? 4 : len, "...");
}

int daemon_reload(struct daemon *d)
{
	struct daemon_setup *n = calloc(1, sizeof(*n));
	struct config_diff *diff = calloc(1, sizeof(*diff));
	char err[DAEMON_ERR_LEN];
	char live[512] = "", later[512] = "", restart[512] = "";
	int rc;

	if (!n || !diff) {
		rc = -ENOMEM;
		LOG_ERR(&log_reload, NULL, "reload: out of memory");
		goto out;
	}
	LOG_INF(&log_reload, NULL, "SIGHUP: reloading %s", d->opts.config_path);
	rc = daemon_setup_load(n, &d->opts, err, sizeof(err));
	if (rc) {
		LOG_ERR(&log_reload, NULL, "reload: %s; keeping the running configuration", err);
		goto out;
	}
	config_diff(&d->set.cfg, &n->cfg, diff);
	bool board_changed = memcmp(&d->set.board, &n->board, sizeof(n->board)) != 0;
	if (diff->n_total == 0 && !board_changed) {
		LOG_INF(&log_reload, NULL, "reload: nothing changed");
		goto out;
	}
	bool routing_ok = apply_routing(d, n) == 0;
	if (routing_ok && d->outbox)
		outbox_kick(d->outbox); /* a channel may be usable now */
	apply_logging(d, &n->cfg);
	struct reload_applied applied = { .outbox = apply_outbox(d, &n->cfg),
					  .webhooks = apply_webhooks(d, &n->cfg),
					  .api_limits = apply_api_limits(d, &n->cfg) };
	for (unsigned i = 0; i < diff->n; i++) {
		const struct config_change *c = &diff->changes[i];
		bool routed = !strncmp(c->key, "routing.", 8) || !strncmp(c->key, "route.", 6) ||
			      is_channel_knob(c->key);

		if (c->restart)
			list_add(restart, sizeof(restart), c->key);
		else if (applied_live(c->key, &applied) && (routing_ok || !routed))
			list_add(live, sizeof(live), c->key);
		else
			list_add(later, sizeof(later), c->key);
	}
	if (board_changed)
		list_add(restart, sizeof(restart), "board file");
	if (diff->n_total > diff->n)
		list_add(restart, sizeof(restart), "(more changes not listed)");
	LOG_INF(&log_reload, NULL, "reload: reloaded: %s", live[0] ? live : "nothing");
	if (later[0])
		LOG_WRN(&log_reload, NULL, "reload: at the next restart (no live setter yet): %s",
			later);
	if (restart[0])
		LOG_WRN(&log_reload, NULL, "reload: need a restart: %s", restart);
	rc = 0;
out:
	free(n);
	free(diff);
	return rc;
}
