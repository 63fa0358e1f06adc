/* First start: the facade's AccountSid, and the first administrator with a
 * token shown once. Idempotent across restarts: the sid is kept in the
 * store's settings, and nothing is made while an administrator exists
 * (unless forced). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm_priv.h"
#include "hal/log.h"

LOG_MODULE(log_crm_boot, "crm");

#define SID_KEY "twilio_account_sid"

static int account_sid(struct crm *c, char sid[35])
{
	uint8_t raw[16];
	int rc = store_setting_get(c->cfg.store, SID_KEY, sid, 35);

	if (rc != -ENOENT)
		return rc;
	rc = hal_rng_fill(c->cfg.rng, raw, sizeof(raw));
	if (rc)
		return rc;
	memcpy(sid, "AC", 2);
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(sid + 2 + 2 * i, 3, "%02x", raw[i]);
	rc = store_setting_set(c->cfg.store, SID_KEY, sid);
	if (!rc)
		LOG_INF(&log_crm_boot, NULL, "Twilio facade AccountSid %s made", sid);
	return rc;
}

/* The user called username, or a new one of that name with role. An
 * existing user of another role is -EEXIST (a forced bootstrap never hands
 * a token meant for role to someone else). */
static int role_user(struct crm *c, const char *username, enum api_role role, uint64_t *id)
{
	struct store_user *rows = NULL, in = { .role = role }, out;
	uint64_t after = 0;
	size_t n = 0;
	bool more = true;
	int rc = crm_cp(in.username, sizeof(in.username), username);

	if (rc)
		return rc;
	rows = calloc(API_PAGE_MAX, sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	while (!rc && more) {
		rc = store_user_list(c->cfg.store, after, rows, API_PAGE_MAX, &n, &more);
		for (size_t i = 0; !rc && i < n; i++) {
			if (strcmp(rows[i].username, username) == 0) {
				bool same = rows[i].role == (int)role;

				*id = rows[i].id;
				free(rows);
				return same ? 0 : -EEXIST;
			}
		}
		after = n ? rows[n - 1].id : after;
	}
	free(rows);
	if (!rc)
		rc = store_user_create(c->cfg.store, &in, crm_now(c), &out);
	if (!rc)
		*id = out.id;
	return rc;
}

int crm_bootstrap_admin(struct crm *c, const char *username, bool force,
			struct crm_bootstrap *out)
{
	struct api_backend be;
	struct api_token tok;
	struct store_audit ev = { .actor = "system", .action = "bootstrap.admin" };
	uint8_t hash[API_HASH_LEN];
	uint64_t admins = 0;
	int rc;

	if (!c || !out || !username || !username[0] || strlen(username) >= API_NAME_MAX)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	rc = account_sid(c, out->account_sid);
	if (!rc)
		rc = store_user_count_role(c->cfg.store, API_ROLE_ADMINISTRATOR, &admins);
	if (rc || (admins && !force))
		return rc;
	rc = role_user(c, username, API_ROLE_ADMINISTRATOR, &out->user_id);
	crm_backend(c, &be);
	if (!rc)
		rc = api_token_generate(&be, out->token, hash);
	if (!rc)
		rc = be.ops->token_create(c, out->user_id, hash, "bootstrap", &tok);
	memset(hash, 0, sizeof(hash));
	if (rc) {
		memset(out->token, 0, sizeof(out->token));
		return rc;
	}
	out->token_id = tok.id;
	out->created = true;
	ev.at = crm_now(c);
	snprintf(ev.target, sizeof(ev.target), "user/%llu/token/%llu",
		 (unsigned long long)out->user_id, (unsigned long long)tok.id);
	rc = store_audit_append(c->cfg.store, &ev, NULL);
	LOG_INF(&log_crm_boot, NULL, "administrator %s (user %llu) got a bootstrap token",
		username, (unsigned long long)out->user_id);
	return rc;
}

/* Revoke every token of user uid (a bootstrap replaces them). */
static int revoke_all(struct api_backend *be, uint64_t uid)
{
	struct api_token *t = calloc(API_PAGE_MAX, sizeof(*t));
	struct api_page page = { .limit = API_PAGE_MAX };
	char next[API_CURSOR_MAX];
	size_t n = 0;
	int rc;

	if (!t)
		return -ENOMEM;
	for (;;) {
		rc = be->ops->token_list(be->ctx, uid, &page, t, &n, next);
		for (size_t i = 0; !rc && i < n; i++)
			rc = be->ops->token_revoke(be->ctx, uid, t[i].id);
		if (rc || !next[0])
			break;
		snprintf(page.cursor, sizeof(page.cursor), "%s", next);
	}
	free(t);
	return rc;
}

int crm_bootstrap_facade(struct crm *c, char token[API_TOKEN_HEX_LEN + 1])
{
	struct store_audit ev = { .actor = "system", .action = "bootstrap.facade" };
	struct api_backend be;
	struct api_token tok;
	uint8_t hash[API_HASH_LEN];
	char sid[35];
	uint64_t uid = 0;
	int rc;

	if (!c || !token)
		return -EINVAL;
	token[0] = '\0';
	crm_backend(c, &be);
	rc = account_sid(c, sid);
	if (!rc)
		rc = role_user(c, CRM_FACADE_USER, API_ROLE_SALESPERSON, &uid);
	if (!rc)
		rc = revoke_all(&be, uid);
	if (!rc)
		rc = api_token_generate(&be, token, hash);
	if (!rc)
		rc = be.ops->token_create(c, uid, hash, "twilio-facade", &tok);
	memset(hash, 0, sizeof(hash));
	/* The facade account's auth token signs the StatusCallback POSTs
	 * (X-Twilio-Signature), so, like a webhook secret, it is kept. */
	if (!rc)
		rc = store_setting_set(c->cfg.store, "twilio_auth_token", token);
	if (rc) {
		memset(token, 0, API_TOKEN_HEX_LEN + 1);
		return rc;
	}
	ev.at = crm_now(c);
	snprintf(ev.target, sizeof(ev.target), "user/%llu/token/%llu", (unsigned long long)uid,
		 (unsigned long long)tok.id);
	rc = store_audit_append(c->cfg.store, &ev, NULL);
	LOG_INF(&log_crm_boot, NULL, "Twilio facade user %s (user %llu) got a new auth token",
		CRM_FACADE_USER, (unsigned long long)uid);
	return rc;
}
