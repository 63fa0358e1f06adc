/* crm: the api_backend (app/api/include/api/api_backend.h) over the store
 * and the outbox, the contact number choice for automated sends, the
 * outbox observer that queues webhook events, and the first-start
 * bootstrap of an administrator.
 *
 * Wiring (firmware/), in this order, on the loop thread:
 *   crm_new(&crm, &cfg)                      store, clock, rng [, platform]
 *   outbox cfg.observer = crm_outbox_observer(crm); outbox_new(&ob, ...)
 *   crm_set_outbox(crm, ob)
 *   crm_backend(crm, &be)                    give be to api_server_start and
 *                                            to webhooks_new
 *   crm_set_webhook_notify(crm, webhooks_notify_cb, worker)
 *   crm_bootstrap_admin(crm, "admin", false, &boot)   first start only
 * and at stop: api_server_stop, webhooks_destroy, outbox_destroy, crm_free.
 *
 * Every backend op is thread-safe (the store serialises). Ops that need the
 * loop thread (channels, cancel of a message being sent) are taken from
 * cfg.platform when it has them (see struct crm_config).
 *
 * Return values: 0 or -errno as listed per function and in api_backend.h. */
#ifndef CRM_CRM_H
#define CRM_CRM_H

#include <stdbool.h>
#include <stdint.h>

#include "api/api_auth.h"
#include "api/api_backend.h"
#include "hal/clock.h"
#include "hal/rng.h"
#include "outbox/outbox.h"
#include "store/store.h"

struct crm;

struct crm_config {
	struct store *store;   /* required; not owned */
	struct hal_clock *clock; /* required: wall time of every record */
	struct hal_rng *rng;   /* required: tokens, webhook secrets, AccountSid */
	/* Optional ops of the composition root, used when set (others NULL):
	 *   health, wake;
	 *   metrics          - only its modems[] are taken (signal, registration);
	 *   msg_cancel       - must cancel on the loop thread (outbox_cancel),
	 *                      also a message being sent; without it crm cancels
	 *                      accepted/queued/scheduled messages in the store
	 *                      and answers -EPERM for the rest;
	 *   channel_list, channel_get, channel_set_enabled - live channel state;
	 *                      without them: an empty list / -ENOENT / -EOPNOTSUPP.
	 * channel_assign is crm's own (the user's channel), checked against
	 * platform channel_get when present. */
	const struct api_backend *platform;
	/* The Twilio facade's sid prefix (api_config.twilio_sid_prefix, 16 hex)
	 * so a StatusCallback names the MessageSid the facade returned;
	 * NULL: "0000000000000000", the facade's default. */
	const char *twilio_sid_prefix;
};

/* Registers the store's payload builder (store_set_payload_builder), so
 * webhook events and Twilio StatusCallbacks are queued in the same
 * transaction as the change; crm_free removes it.
 * Returns 0, -EINVAL (missing store/clock/rng) or -ENOMEM. */
int crm_new(struct crm **out, const struct crm_config *cfg);
/* NULL is fine. Stop the API server and the webhook worker first. */
void crm_free(struct crm *c);
/* The outbox msg_create enqueues into (and reads metrics from). Until it
 * is set, msg_create returns -EAGAIN. */
void crm_set_outbox(struct crm *c, struct outbox *ob);
/* Called (any thread) after webhook deliveries were queued, e.g. to wake
 * the webhook worker (webhooks_notify). */
void crm_set_webhook_notify(struct crm *c, void (*fn)(void *arg), void *arg);
/* Fill the api_backend (ops table + ctx) the API server and the webhook
 * worker use. Valid until crm_free. */
void crm_backend(struct crm *c, struct api_backend *out);
/* The observer to put in outbox_config.observer: the events are already
 * queued with the change; it wakes the webhook worker (crm_set_webhook_
 * notify) on sent, delivered, undelivered, failed and received. */
struct outbox_observer crm_outbox_observer(struct crm *c);

/* Automated sends: the contact's number to text. want_type ("" or NULL:
 * none) is honoured when the contact has a textable number of that type;
 * otherwise business first, then mobile; a number marked do-not-text is
 * never chosen. Returns the index into c->numbers, -ENOENT (no textable
 * number of the wanted type / no business or mobile number) or -EINVAL. */
int crm_contact_pick(const struct api_contact *c, const char *want_type);

/* First start. Makes the facade's Twilio AccountSid ("AC" + 32 hex) once
 * (kept in the store, the same across restarts) and, when no
 * administrator exists (or force), an administrator `username` (reused
 * if it exists) with a new API token. The plaintext token is returned
 * once in out->token and never stored (only its SHA-256); out->token is
 * "" and out->created false when nothing was made. An audit entry
 * "bootstrap.admin" records a creation.
 * Returns 0, -EINVAL or the store's -errno. */
struct crm_bootstrap {
	bool created;
	uint64_t user_id, token_id;
	char token[API_TOKEN_HEX_LEN + 1];
	char account_sid[35];
};
int crm_bootstrap_admin(struct crm *c, const char *username, bool force,
			struct crm_bootstrap *out);

/* The Twilio facade's own credential: the salesperson user "twilio"
 * (made when missing), its earlier tokens revoked, a new token returned
 * once in token. That token is the facade account's auth token: the CRM's
 * Twilio client authenticates with AccountSid:token, and StatusCallback
 * POSTs are signed with it, so it is kept in the store's settings (like a
 * webhook secret); the administrator's token never is. Audited as
 * "bootstrap.facade". Returns 0, -EINVAL, -EEXIST (a user "twilio" of
 * another role exists) or the store's -errno. */
#define CRM_FACADE_USER "twilio"
int crm_bootstrap_facade(struct crm *c, char token[API_TOKEN_HEX_LEN + 1]);

#endif
