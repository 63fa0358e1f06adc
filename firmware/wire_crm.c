/* With app/crm: the api_backend over the store and the outbox (crm), the
 * outbox observer that turns message changes into durable webhook
 * deliveries, and the administrator bootstrap. The composition root hands
 * crm its platform ops (wire_api.c): readiness, live channels, cancel on
 * the loop thread, modem metrics. */
#include "wire_api_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_auth.h"
#include "crm/crm.h"
#include "hal/log.h"
#include "store/store.h"
#include "webhooks/webhooks.h"

LOG_MODULE(log_wcrm, "smsrelayd");

int wire_crm_new(struct daemon *d, struct outbox_observer *obs, char *err, size_t err_len)
{
	struct crm_config cc = {
	    .store = d->store,
	    .clock = hal_loop_clock(&d->loop),
	    .rng = &d->rng,
	    .platform = &d->api->platform,
	};
	int rc = crm_new(&d->crm, &cc);

	if (rc) {
		snprintf(err, err_len, "crm: %s", strerror(-rc));
		return rc;
	}
	*obs = crm_outbox_observer(d->crm);
	return 0;
}

void wire_crm_set_outbox(struct daemon *d)
{
	if (d->crm)
		crm_set_outbox(d->crm, d->outbox);
}

void wire_webhooks_timing(const struct config_webhooks *cw, struct webhooks_config *wc)
{
	wc->timeout_ms = (long)cw->timeout_s * 1000;
	wc->backoff_initial_ms = (int64_t)cw->backoff_initial_s * 1000;
	wc->backoff_max_ms = (int64_t)cw->backoff_max_s * 1000;
	wc->retry_for_ms = (int64_t)cw->retry_for_h * 3600 * 1000;
}

/* The webhook worker POSTs what the outbox observer queued (crm), with
 * the [webhooks] timing (replay_window_s is for receivers only). */
static int webhooks_start(struct daemon *d, const struct api_backend *be, char *err, size_t err_len)
{
	struct webhooks_config wc = { .loop = &d->loop, .backend = be };
	struct webhooks *wh = NULL;
	int rc;

	wire_webhooks_timing(&d->set.cfg.webhooks, &wc);
	rc = webhooks_new(&wh, &wc);
	if (rc) {
		snprintf(err, err_len, "webhooks: %s", strerror(-rc));
		return rc;
	}
	d->webhooks = wh;
	crm_set_webhook_notify(d->crm, webhooks_notify, wh);
	return 0;
}

void wire_crm_stop_worker(struct daemon *d)
{
	if (d->crm)
		crm_set_webhook_notify(d->crm, NULL, NULL);
	/* POSTs in flight are aborted; their deliveries stay queued. */
	webhooks_destroy(d->webhooks);
	d->webhooks = NULL;
}

void wire_crm_free(struct daemon *d)
{
	wire_crm_stop_worker(d);
	crm_free(d->crm);
	d->crm = NULL;
}

int wire_backend_start(struct daemon *d, struct api_backend *be, char sid[CRED_SID_LEN], char *err,
		       size_t err_len)
{
	struct crm_bootstrap boot;
	int rc;

	crm_backend(d->crm, be);
	rc = webhooks_start(d, be, err, err_len);
	if (rc)
		return rc;
	/* Makes the facade's AccountSid once; an administrator only when the
	 * store has none (first start without --bootstrap-admin). */
	rc = crm_bootstrap_admin(d->crm, "admin", false, &boot);
	if (rc) {
		snprintf(err, err_len, "store %s: bootstrap: %s", d->set.store_path, strerror(-rc));
		return rc;
	}
	wire_cp(sid, CRED_SID_LEN, boot.account_sid);
	if (boot.created) {
		/* The facade gets its own credential at the same moment, so
		 * StatusCallbacks are signed from the first start on. */
		char ftok[API_TOKEN_HEX_LEN + 1];

		rc = crm_bootstrap_facade(d->crm, ftok);
		if (rc) {
			memset(&boot, 0, sizeof(boot));
			snprintf(err, err_len, "store %s: bootstrap: %s", d->set.store_path,
				 strerror(-rc));
			return rc;
		}
		/* Shown once, like any new token; only the admin's hash is stored. */
		fprintf(stderr,
			"smsrelayd: first start: administrator 'admin' created; API token "
			"(shown once): %s; Twilio facade %s auth token: %s\n",
			boot.token, boot.account_sid, ftok);
		explicit_bzero(ftok, sizeof(ftok));
		LOG_WRN(&log_wcrm, NULL,
			"first start: administrator 'admin' created; its token went to stderr "
			"once (`smsrelayd --bootstrap-admin` makes a new one)");
	}
	memset(&boot, 0, sizeof(boot));
	return 0;
}

int wire_bootstrap_admin(const struct daemon_setup *s, struct hal_rng *rng, char *err,
			 size_t err_len)
{
	char ftok[API_TOKEN_HEX_LEN + 1] = "";
	struct store_opts so = {
	    .path = s->store_path,
	    .busy_timeout_ms = (int)s->cfg.store.busy_timeout_ms,
	};
	struct store *st = NULL;
	struct crm *c = NULL;
	struct crm_bootstrap boot;
	int rc = store_open(&st, &so);

	if (rc) {
		snprintf(err, err_len, "store %s: %s", s->store_path, strerror(-rc));
		return rc;
	}
	struct crm_config cc = {.store = st, .clock = hal_clock_linux(), .rng = rng};
	rc = crm_new(&c, &cc);
	if (rc == 0)
		rc = crm_bootstrap_admin(c, "admin", true, &boot);
	if (rc == 0)
		rc = crm_bootstrap_facade(c, ftok);
	if (rc == 0)
		/* Shell assignments, so a script can eval them. The facade's auth
		 * token is its own user's token: leaking one is not leaking the
		 * other. */
		printf("SMSRELAY_ADMIN_TOKEN=%s\nTWILIO_ACCOUNT_SID=%s\nTWILIO_AUTH_TOKEN=%s\n",
		       boot.token, boot.account_sid, ftok);
	else
		snprintf(err, err_len, "store %s: bootstrap: %s", s->store_path, strerror(-rc));
	memset(&boot, 0, sizeof(boot));
	explicit_bzero(ftok, sizeof(ftok));
	crm_free(c);
	store_close(st);
	return rc;
}
