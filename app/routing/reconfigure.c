/* SIGHUP: a new routing config applied to a running struct routing. The
 * state a channel earned (bucket level, quota used today, health, probe in
 * flight) follows the channel by name, so a reload neither resets a rate
 * limit nor forgives a failing provider; the sticky table keeps every
 * conversation whose channel still exists. */
#include <errno.h>
#include <string.h>

#include "hal/log.h"
#include "routing_priv.h"

LOG_MODULE(log_rreconf, "routing");

/* The old state of a channel, brought up to date at now_ms under its old
 * config, then fitted to the new one. */
static void carry_state(const struct routing *old, unsigned oi,
			const struct routing_channel_cfg *nc, int64_t now_ms,
			struct routing_chan_state *out)
{
	int64_t level = routing_bucket_level(old, oi, now_ms);
	int64_t cap = (int64_t)nc->burst * ROUTING_TOKEN;

	*out = old->ch[oi];
	/* A smaller burst caps what is banked; debt (negative) is kept. */
	out->bucket = level > cap ? cap : level;
	if (now_ms > out->bucket_ms)
		out->bucket_ms = now_ms;
}

static void fresh_state(const struct routing *r, const struct routing_channel_cfg *nc,
			int64_t now_ms, struct routing_chan_state *out)
{
	memset(out, 0, sizeof(*out));
	out->bucket = (int64_t)nc->burst * ROUTING_TOKEN;
	out->bucket_ms = now_ms;
	out->quota_day = routing_day_of(r, now_ms);
	out->health = ROUTING_HEALTHY;
}

int routing_reconfigure(struct routing *r, const struct routing_config *cfg, int64_t now_ms,
			char *err, size_t err_len)
{
	struct routing_chan_state st[ROUTING_MAX_CHANNELS];
	unsigned kept = 0, dropped = 0;

	if (!r || !cfg) {
		if (err && err_len)
			err[0] = '\0';
		return -EINVAL;
	}
	int rc = routing_config_validate(cfg, err, err_len);
	if (rc)
		return rc;
	memset(st, 0, sizeof(st));
	for (unsigned j = 0; j < cfg->n_channels; j++) {
		const struct routing_channel_cfg *nc = &cfg->channels[j];
		int oi = routing_config_find(&r->cfg, nc->name);

		if (oi >= 0 && r->cfg.channels[oi].kind == nc->kind) {
			carry_state(r, (unsigned)oi, nc, now_ms, &st[j]);
			kept++;
		} else {
			fresh_state(r, nc, now_ms, &st[j]);
			LOG_INF(&log_rreconf, nc->name, "new channel: healthy, full bucket");
		}
	}
	for (unsigned i = 0; i < r->sticky_cap; i++) {
		struct routing_sticky_entry *e = &r->sticky[i];
		int nj = e->dest[0] ? routing_config_find(cfg, e->channel) : 0;

		if (nj < 0) {
			memset(e, 0, sizeof(*e)); /* its channel is gone */
			dropped++;
		}
	}
	r->cfg = *cfg;
	memcpy(r->ch, st, sizeof(r->ch));
	LOG_INF(&log_rreconf, NULL,
		"reconfigured: %u channels (%u kept their state), %u rules, %u sticky "
		"entries dropped",
		cfg->n_channels, kept, cfg->n_rules, dropped);
	return 0;
}
