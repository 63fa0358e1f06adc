/* The schema of smsrelayd.conf: every section, every key with its check,
 * range and whether SIGHUP applies it live (CK_LIVE), and the defaults.
 * docs/config.md documents the same table for people; keep them in step. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config_int.h"

/* Enums are stored through an int pointer by cfg_set_enum. */
_Static_assert(sizeof(enum config_log_target) == sizeof(int), "enum size");
_Static_assert(sizeof(enum config_telesign_type) == sizeof(int), "enum size");

#define FSIZE(T, m) sizeof(((T *)0)->m)

#define KEY(n, fn, T, m, lo, hi, a, fl) {n, fn, offsetof(T, m), FSIZE(T, m), lo, hi, a, fl, 0}
#define BOOL(n, T, m, fl)		KEY(n, cfg_set_bool, T, m, 0, 1, NULL, fl)
#define UINT(n, T, m, lo, hi, fl)	KEY(n, cfg_set_uint, T, m, lo, hi, NULL, fl)
#define STR(n, fn, T, m, a, fl)		KEY(n, fn, T, m, 0, 0, a, (fl) | CK_STRING)
/* KEY and KEY_file: both store the secret in m; KEY_file keeps its path in
 * fm. */
#define SECRET(n, T, m, fm, cs, minlen, fl)                                                     \
	{n, cfg_set_secret, offsetof(T, m), FSIZE(T, m), minlen, 0, cs,                        \
	 (fl) | CK_STRING | CK_SECRET, 0},                                                     \
	{n "_file", cfg_set_secret_file, offsetof(T, fm), FSIZE(T, fm), minlen, 0, cs,          \
	 (fl) | CK_STRING, offsetof(T, m)}
/* A list held as a count followed by its array: the region compared by the
 * diff starts at the count. */
#define LIST(n, fn, T, cnt, arr, fl)                                                             \
	{n, fn, offsetof(T, cnt), offsetof(T, arr) + FSIZE(T, arr) - offsetof(T, cnt), 0, 0, NULL, \
	 fl, 0}

#define CHANNEL_KEYS(T, rate_default_unused)                                                     \
	BOOL("enabled", T, channel.enabled, CK_LIVE),                                           \
	    UINT("priority", T, channel.priority, 0, 1000, CK_LIVE),                            \
	    UINT("rate_per_min", T, channel.rate_per_min, 0, 60000, CK_LIVE),                   \
	    UINT("burst", T, channel.burst, 1, 1000, CK_LIVE),                                  \
	    UINT("daily_quota", T, channel.daily_quota, 0, 10000000, CK_LIVE),                  \
	    LIST("numbers", cfg_set_numbers, T, channel.n_numbers, channel.numbers, CK_LIVE)

static const char *const log_targets[] = {"stderr", "syslog", NULL};
static const char *const telesign_types[] = {"ARN", "OTP", "MKT", NULL};

static const struct cfg_key daemon_keys[] = {
    STR("board", cfg_set_board, struct config_daemon, board, NULL, 0),
    STR("boards_dir", cfg_set_abs_path, struct config_daemon, boards_dir, NULL, 0),
    STR("data_dir", cfg_set_abs_path, struct config_daemon, data_dir, NULL, 0),
    STR("log", cfg_set_log, struct config_daemon, log, NULL, CK_LIVE),
    KEY("log_target", cfg_set_enum, struct config_daemon, log_target, 0, 0, log_targets, CK_LIVE),
    BOOL("watchdog", struct config_daemon, watchdog, 0),
};

static const struct cfg_key store_keys[] = {
    STR("path", cfg_set_abs_path, struct config_store, path, NULL, 0),
    UINT("busy_timeout_ms", struct config_store, busy_timeout_ms, 100, 60000, 0),
    BOOL("full_check", struct config_store, full_check, 0),
};

static const struct cfg_key outbox_keys[] = {
    UINT("max_attempts", struct config_outbox, max_attempts, 1, 100, CK_LIVE),
    UINT("retry_floor_s", struct config_outbox, retry_floor_s, 0, 3600, CK_LIVE),
    UINT("retry_base_s", struct config_outbox, retry_base_s, 1, 86400, CK_LIVE),
    UINT("retry_max_s", struct config_outbox, retry_max_s, 1, 604800, CK_LIVE),
    UINT("validity_s", struct config_outbox, validity_s, 60, 604800, CK_LIVE),
    UINT("batch_max", struct config_outbox, batch_max, 1, 1024, CK_LIVE),
    UINT("inbound_part_timeout_s", struct config_outbox, inbound_part_timeout_s, 60, 604800,
	 0),
};

static const struct cfg_key api_keys[] = {
    STR("bind", cfg_set_bind, struct config_api, bind, NULL, 0),
    UINT("port", struct config_api, port, 1, 65535, 0),
    STR("tls_cert", cfg_set_abs_path, struct config_api, tls_cert, NULL, 0),
    STR("tls_key", cfg_set_abs_path, struct config_api, tls_key, NULL, 0),
    BOOL("allow_plain_http", struct config_api, allow_plain_http, 0),
    UINT("threads", struct config_api, threads, 1, 64, 0),
    UINT("max_body_bytes", struct config_api, max_body_bytes, 1024, 4194304, CK_LIVE),
    UINT("max_connections", struct config_api, max_connections, 1, 10000, 0),
    UINT("max_per_ip", struct config_api, max_per_ip, 1, 10000, 0),
    UINT("connection_timeout_s", struct config_api, connection_timeout_s, 1, 3600, 0),
    UINT("token_rate_per_min", struct config_api, token_rate_per_min, 0, 600000, CK_LIVE),
    STR("public_url", cfg_set_url, struct config_api, public_url, NULL, CK_LIVE),
};

static const struct cfg_key webhooks_keys[] = {
    UINT("timeout_s", struct config_webhooks, timeout_s, 1, 120, CK_LIVE),
    UINT("retry_for_h", struct config_webhooks, retry_for_h, 24, 720, CK_LIVE),
    UINT("backoff_initial_s", struct config_webhooks, backoff_initial_s, 1, 3600, CK_LIVE),
    UINT("backoff_max_s", struct config_webhooks, backoff_max_s, 1, 86400, CK_LIVE),
    UINT("replay_window_s", struct config_webhooks, replay_window_s, 60, 3600, CK_LIVE),
};

static const struct cfg_key routing_keys[] = {
    BOOL("allow_any", struct config_routing, allow_any, CK_LIVE),
    LIST("allow_countries", cfg_set_countries, struct config_routing, n_allow, allow_countries,
	 CK_LIVE),
    LIST("deny_prefixes", cfg_set_prefixes, struct config_routing, n_deny, deny_prefixes,
	 CK_LIVE),
    UINT("fail_threshold", struct config_routing, fail_threshold, 1, 100, CK_LIVE),
    UINT("cooldown_s", struct config_routing, cooldown_s, 1, 86400, CK_LIVE),
    UINT("probe_timeout_s", struct config_routing, probe_timeout_s, 1, 86400, CK_LIVE),
    KEY("utc_offset_min", cfg_set_int, struct config_routing, utc_offset_min, -840, 840, NULL,
	CK_LIVE),
    UINT("sticky_ttl_s", struct config_routing, sticky_ttl_s, 0, 31536000, CK_LIVE),
    UINT("sticky_max_wait_s", struct config_routing, sticky_max_wait_s, 0, 3600, CK_LIVE),
};

/* Cloud keys are live: the firmware rebuilds the channel with the new
 * settings; only adding or removing the whole section needs a restart. */
#define CLOUD_HTTP_KEYS(T)                                                                       \
	UINT("poll_interval_s", T, poll_interval_s, 5, 3600, CK_LIVE),                          \
	    UINT("request_timeout_s", T, request_timeout_s, 1, 300, CK_LIVE),                   \
	    UINT("connect_timeout_s", T, connect_timeout_s, 1, 60, CK_LIVE),                    \
	    UINT("max_attempts", T, max_attempts, 1, 10, CK_LIVE),                              \
	    UINT("max_in_flight", T, max_in_flight, 1, 1024, CK_LIVE)

static const struct cfg_key twilio_keys[] = {
    STR("base_url", cfg_set_url, struct config_twilio, base_url, NULL, CK_LIVE),
    STR("account_sid", cfg_set_sid, struct config_twilio, account_sid, "AC", CK_LIVE),
    SECRET("auth_token", struct config_twilio, auth_token, auth_token_file, &hal_ini_cs_token, 8,
	   CK_LIVE),
    STR("api_key_sid", cfg_set_sid, struct config_twilio, api_key_sid, "SK", CK_LIVE),
    SECRET("api_key_secret", struct config_twilio, api_key_secret, api_key_secret_file,
	   &hal_ini_cs_token, 8, CK_LIVE),
    STR("from", cfg_set_sender, struct config_twilio, from, NULL, CK_LIVE),
    STR("messaging_service_sid", cfg_set_sid, struct config_twilio, messaging_service_sid, "MG",
	CK_LIVE),
    STR("status_callback_url", cfg_set_url, struct config_twilio, status_callback_url, NULL,
	CK_LIVE),
    BOOL("poll_inbound", struct config_twilio, poll_inbound, CK_LIVE),
    CLOUD_HTTP_KEYS(struct config_twilio),
    CHANNEL_KEYS(struct config_twilio, 600),
};

static const struct cfg_key telesign_keys[] = {
    STR("base_url", cfg_set_url, struct config_telesign, base_url, NULL, CK_LIVE),
    STR("customer_id", cfg_set_text, struct config_telesign, customer_id, &hal_ini_cs_name,
	CK_LIVE),
    SECRET("api_key", struct config_telesign, api_key, api_key_file, &cfg_cs_base64, 4, CK_LIVE),
    KEY("message_type", cfg_set_enum, struct config_telesign, message_type, 0, 0,
	telesign_types, CK_LIVE),
    BOOL("poll_status", struct config_telesign, poll_status, CK_LIVE),
    CLOUD_HTTP_KEYS(struct config_telesign),
    CHANNEL_KEYS(struct config_telesign, 600),
};

static const struct cfg_key modem_keys[] = {
    SECRET("pin", struct config_modem, pin, pin_file, &cfg_cs_digits, 4, 0),
    {"profile", cfg_set_profile, offsetof(struct config_modem, has_profile),
     offsetof(struct config_modem, profile) + sizeof(enum hal_board_profile) -
	 offsetof(struct config_modem, has_profile),
     0, 0, NULL, 0, 0},
    STR("smsc", cfg_set_e164, struct config_modem, smsc, NULL, 0),
    STR("number", cfg_set_e164, struct config_modem, number, NULL, 0),
    BOOL("delivery_reports", struct config_modem, delivery_reports, 0),
    UINT("status_s", struct config_modem, status_s, 5, 3600, 0),
    UINT("sweep_s", struct config_modem, sweep_s, 10, 86400, 0),
    UINT("queue_max", struct config_modem, queue_max, 1, 64, 0),
    UINT("max_parts", struct config_modem, max_parts, 1, 16, 0),
    CHANNEL_KEYS(struct config_modem, 10),
};

static const struct cfg_key route_keys[] = {
    LIST("channels", cfg_set_channels, struct config_route, n_channels, channels, CK_LIVE),
};

#define KIND(p, named, keys) {p, named, keys, sizeof(keys) / sizeof(keys[0])}

static const struct cfg_kind_desc kinds[CFG_KIND_COUNT] = {
    [CFG_DAEMON] = KIND("daemon", false, daemon_keys),
    [CFG_STORE] = KIND("store", false, store_keys),
    [CFG_OUTBOX] = KIND("outbox", false, outbox_keys),
    [CFG_API] = KIND("api", false, api_keys),
    [CFG_WEBHOOKS] = KIND("webhooks", false, webhooks_keys),
    [CFG_ROUTING] = KIND("routing", false, routing_keys),
    [CFG_TWILIO] = KIND("twilio", false, twilio_keys),
    [CFG_TELESIGN] = KIND("telesign", false, telesign_keys),
    [CFG_MODEM] = KIND("modem", true, modem_keys),
    [CFG_ROUTE] = KIND("route", true, route_keys),
};

_Static_assert(sizeof(twilio_keys) / sizeof(twilio_keys[0]) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(sizeof(telesign_keys) / sizeof(telesign_keys[0]) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");
_Static_assert(sizeof(modem_keys) / sizeof(modem_keys[0]) <= CFG_MAX_KEYS, "CFG_MAX_KEYS");

const struct cfg_kind_desc *cfg_kind_desc(enum cfg_kind kind)
{
	return &kinds[kind];
}

int cfg_kind_lookup(const char *prefix, size_t len)
{
	for (int i = 0; i < CFG_KIND_COUNT; i++)
		if (strlen(kinds[i].prefix) == len && !strncmp(kinds[i].prefix, prefix, len))
			return i;
	return -1;
}

int cfg_key_index(enum cfg_kind kind, const char *key)
{
	const struct cfg_kind_desc *d = &kinds[kind];

	if (!key)
		return -1;
	for (size_t k = 0; k < d->n_keys; k++)
		if (!strcmp(d->keys[k].name, key))
			return (int)k;
	return -1;
}

void *cfg_single_obj(struct smsrelay_config *c, enum cfg_kind kind)
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
	case CFG_ROUTING:
		return &c->routing;
	case CFG_TWILIO:
		return &c->twilio;
	case CFG_TELESIGN:
		return &c->telesign;
	case CFG_MODEM:
	case CFG_ROUTE:
	case CFG_KIND_COUNT:
		break;
	}
	return NULL;
}

/* ---- defaults ------------------------------------------------------------ */

static void channel_defaults(struct config_channel *ch, bool cloud)
{
	ch->enabled = true;
	ch->priority = 100;
	/* A real modem manages roughly 6-20 messages a minute. */
	ch->rate_per_min = cloud ? 600 : 10;
	ch->burst = cloud ? 10 : 1;
}

void config_modem_defaults(struct config_modem *m, const char *name)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->delivery_reports = true;
	m->status_s = 30;
	m->sweep_s = 300;
	m->queue_max = 8;
	m->max_parts = 10;
	channel_defaults(&m->channel, false);
}

static void cloud_defaults(unsigned *poll, unsigned *req, unsigned *conn, unsigned *att,
			   unsigned *inflight)
{
	*poll = 30;
	*req = 15;
	*conn = 5;
	*att = 3;
	*inflight = 64;
}

void config_defaults(struct smsrelay_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->daemon.board, sizeof(c->daemon.board), "sim");
	snprintf(c->daemon.boards_dir, sizeof(c->daemon.boards_dir), CONFIG_BOARDS_DIR_DEFAULT);
	snprintf(c->daemon.log, sizeof(c->daemon.log), "info");
	c->daemon.log_target = CONFIG_LOG_STDERR;
	c->daemon.watchdog = true;

	c->store.busy_timeout_ms = 5000;

	c->outbox.max_attempts = 8;
	c->outbox.retry_floor_s = 1;
	c->outbox.retry_base_s = 30;
	c->outbox.retry_max_s = 3600;
	c->outbox.validity_s = 86400;
	c->outbox.batch_max = 64;
	c->outbox.inbound_part_timeout_s = 3600;

	snprintf(c->api.bind, sizeof(c->api.bind), "127.0.0.1");
	c->api.port = 8080;
	c->api.threads = 2;
	c->api.max_body_bytes = 262144;
	c->api.max_connections = 256;
	c->api.max_per_ip = 32;
	c->api.connection_timeout_s = 30;
	c->api.token_rate_per_min = 6000;

	c->webhooks.timeout_s = 10;
	c->webhooks.retry_for_h = 72;
	c->webhooks.backoff_initial_s = 10;
	c->webhooks.backoff_max_s = 600;
	c->webhooks.replay_window_s = 300;

	c->routing.fail_threshold = 3;
	c->routing.cooldown_s = 60;
	c->routing.probe_timeout_s = 120;
	c->routing.sticky_ttl_s = 7 * 86400;
	c->routing.sticky_max_wait_s = 60;

	snprintf(c->twilio.base_url, sizeof(c->twilio.base_url), "https://api.twilio.com");
	c->twilio.poll_inbound = true;
	cloud_defaults(&c->twilio.poll_interval_s, &c->twilio.request_timeout_s,
		       &c->twilio.connect_timeout_s, &c->twilio.max_attempts,
		       &c->twilio.max_in_flight);
	channel_defaults(&c->twilio.channel, true);

	snprintf(c->telesign.base_url, sizeof(c->telesign.base_url),
		 "https://rest-ww.telesign.com");
	c->telesign.message_type = CONFIG_TELESIGN_ARN;
	c->telesign.poll_status = true;
	cloud_defaults(&c->telesign.poll_interval_s, &c->telesign.request_timeout_s,
		       &c->telesign.connect_timeout_s, &c->telesign.max_attempts,
		       &c->telesign.max_in_flight);
	channel_defaults(&c->telesign.channel, true);
}

const char *config_log_target_str(enum config_log_target t)
{
	return (unsigned)t < 2 ? log_targets[t] : "?";
}

const char *config_telesign_type_str(enum config_telesign_type t)
{
	return (unsigned)t < 3 ? telesign_types[t] : "?";
}
