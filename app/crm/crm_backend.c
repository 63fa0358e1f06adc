/* The crm instance and the administrative ops of the api_backend: clock,
 * randomness, health, token lookup, users, tokens, channels assignment,
 * webhook subscriptions, the audit log. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "crm_priv.h"
#include "hal/log.h"

LOG_MODULE(log_crm, "crm");

#define PLATFORM_OP(c, op) \
	((c)->cfg.platform && (c)->cfg.platform->ops && (c)->cfg.platform->ops->op)

int64_t crm_now(struct crm *c)
{
	return hal_clock_wall_ms(c->cfg.clock);
}

struct outbox *crm_outbox(struct crm *c)
{
	struct outbox *ob;

	pthread_mutex_lock(&c->mu);
	ob = c->outbox;
	pthread_mutex_unlock(&c->mu);
	return ob;
}

void crm_notify(struct crm *c)
{
	void (*fn)(void *);
	void *arg;

	pthread_mutex_lock(&c->mu);
	fn = c->notify;
	arg = c->notify_arg;
	pthread_mutex_unlock(&c->mu);
	if (fn)
		fn(arg);
}

int crm_cp(char *dst, size_t len, const char *src)
{
	size_t n = src ? strlen(src) : 0;

	if (n >= len)
		return -EINVAL;
	memcpy(dst, src ? src : "", n);
	dst[n] = '\0';
	return 0;
}

int crm_cursor_parse(const char *cursor, uint64_t *id)
{
	uint64_t v = 0;

	*id = 0;
	if (!cursor || !cursor[0])
		return 0;
	for (const char *p = cursor; *p; p++) {
		if (*p < '0' || *p > '9' || v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (!v)
		return -EINVAL;
	*id = v;
	return 0;
}

void crm_cursor_make(bool more, uint64_t last_id, char *next_cursor)
{
	if (more && last_id)
		snprintf(next_cursor, API_CURSOR_MAX, "%" PRIu64, last_id);
	else
		next_cursor[0] = '\0';
}

int crm_list_page(struct crm *c, const struct crm_list *l, const void *arg,
		  const struct api_page *page, void *out, size_t *n, char *next_cursor)
{
	unsigned char *rows, *items = out;
	uint64_t key, last = 0;
	bool more = false;
	int rc = crm_cursor_parse(page->cursor, &key);

	*n = 0;
	if (rc || !page->limit || page->limit > API_PAGE_MAX)
		return -EINVAL;
	rows = calloc(page->limit, l->row_size);
	if (!rows)
		return -ENOMEM;
	rc = l->fetch(c, arg, key, rows, page->limit, n, &more);
	for (size_t i = 0; !rc && i < *n; i++)
		l->to_api(rows + i * l->row_size, items + i * l->item_size);
	if (!rc && *n)
		memcpy(&last, rows + (*n - 1) * l->row_size + l->id_off, sizeof(last));
	if (!rc)
		crm_cursor_make(more, last, next_cursor);
	free(rows);
	return rc;
}

/* ---- basics ---- */

static int64_t op_now_ms(void *ctx)
{
	return crm_now(ctx);
}

static int op_random(void *ctx, void *buf, size_t len)
{
	struct crm *c = ctx;

	return hal_rng_fill(c->cfg.rng, buf, len);
}

static void op_wake(void *ctx)
{
	struct crm *c = ctx;

	if (PLATFORM_OP(c, wake))
		c->cfg.platform->ops->wake(c->cfg.platform->ctx);
}

static int op_health(void *ctx, struct api_health *out)
{
	struct crm *c = ctx;
	uint64_t depth;
	int rc;

	memset(out, 0, sizeof(*out));
	if (PLATFORM_OP(c, health))
		return c->cfg.platform->ops->health(c->cfg.platform->ctx, out);
	rc = store_queue_depth(c->cfg.store, &depth);
	if (!rc && !crm_outbox(c))
		rc = -EAGAIN;
	out->ready = rc == 0;
	snprintf(out->detail, sizeof(out->detail), "%s",
		 rc == -EAGAIN ? "outbox not running" : rc ? "store unavailable" : "");
	return rc;
}

/* ---- auth, users, tokens ---- */

/* The *_to_api converters take void pointers: they are also crm_list's
 * to_api. */
static void user_to_api(const void *row, void *item)
{
	const struct store_user *s = row;
	struct api_user *a = item;

	memset(a, 0, sizeof(*a));
	a->id = s->id;
	crm_cp(a->username, sizeof(a->username), s->username);
	a->role = s->role >= 0 && s->role < API_ROLE_COUNT ? (enum api_role)s->role
							     : API_ROLE_SALESPERSON;
	crm_cp(a->business_unit, sizeof(a->business_unit), s->business_unit);
	crm_cp(a->channel, sizeof(a->channel), s->channel);
	a->created_at = s->created_at;
}

static int user_from_api(const struct api_user *a, struct store_user *s)
{
	memset(s, 0, sizeof(*s));
	s->id = a->id;
	s->role = (int)a->role;
	if ((unsigned)a->role >= API_ROLE_COUNT)
		return -EINVAL;
	if (crm_cp(s->username, sizeof(s->username), a->username) ||
	    crm_cp(s->business_unit, sizeof(s->business_unit), a->business_unit) ||
	    crm_cp(s->channel, sizeof(s->channel), a->channel))
		return -EINVAL;
	return 0;
}

static int op_token_lookup(void *ctx, const uint8_t hash[API_HASH_LEN],
			   struct api_principal *out, uint8_t stored[API_HASH_LEN])
{
	struct crm *c = ctx;
	struct store_token t;
	struct store_user u;
	int rc = store_token_lookup(c->cfg.store, hash, &t, &u, stored);

	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	out->user_id = u.id;
	out->token_id = t.id;
	out->role = u.role >= 0 && u.role < API_ROLE_COUNT ? (enum api_role)u.role
							     : API_ROLE_SALESPERSON;
	crm_cp(out->username, sizeof(out->username), u.username);
	crm_cp(out->business_unit, sizeof(out->business_unit), u.business_unit);
	return 0;
}

static void token_to_api(const void *row, void *item)
{
	const struct store_token *s = row;
	struct api_token *a = item;

	memset(a, 0, sizeof(*a));
	a->id = s->id;
	a->user_id = s->user_id;
	crm_cp(a->label, sizeof(a->label), s->label);
	a->created_at = s->created_at;
}

static int op_token_create(void *ctx, uint64_t user_id, const uint8_t hash[API_HASH_LEN],
			   const char *label, struct api_token *out)
{
	struct crm *c = ctx;
	struct store_token t;
	int rc = store_token_create(c->cfg.store, user_id, hash, label, crm_now(c), &t);

	if (!rc)
		token_to_api(&t, out);
	return rc;
}

static int op_token_revoke(void *ctx, uint64_t user_id, uint64_t token_id)
{
	struct crm *c = ctx;

	return store_token_revoke(c->cfg.store, user_id, token_id, crm_now(c));
}

/* arg: the user id; an unknown user is -ENOENT, not an empty list. */
static int token_fetch(struct crm *c, const void *arg, uint64_t after, void *rows, size_t max,
		       size_t *n, bool *more)
{
	uint64_t user_id = *(const uint64_t *)arg;
	struct store_user u;
	int rc = store_user_get(c->cfg.store, user_id, &u);

	return rc ? rc : store_token_list(c->cfg.store, user_id, after, rows, max, n, more);
}

static int op_token_list(void *ctx, uint64_t user_id, const struct api_page *page,
			 struct api_token *out, size_t *n, char *next_cursor)
{
	static const struct crm_list l = { sizeof(struct store_token),
					   offsetof(struct store_token, id),
					   sizeof(struct api_token), token_fetch, token_to_api };

	return crm_list_page(ctx, &l, &user_id, page, out, n, next_cursor);
}

static int op_user_create(void *ctx, const struct api_user *in, struct api_user *out)
{
	struct crm *c = ctx;
	struct store_user s, o;
	int rc = user_from_api(in, &s);

	if (!rc)
		rc = store_user_create(c->cfg.store, &s, crm_now(c), &o);
	if (!rc)
		user_to_api(&o, out);
	return rc;
}

static int op_user_get(void *ctx, uint64_t id, struct api_user *out)
{
	struct crm *c = ctx;
	struct store_user o;
	int rc = store_user_get(c->cfg.store, id, &o);

	if (!rc)
		user_to_api(&o, out);
	return rc;
}

static int op_user_update(void *ctx, const struct api_user *in, struct api_user *out)
{
	struct crm *c = ctx;
	struct store_user s, o;
	int rc = user_from_api(in, &s);

	if (!rc)
		rc = store_user_update(c->cfg.store, &s, &o);
	if (!rc)
		user_to_api(&o, out);
	return rc;
}

static int op_user_delete(void *ctx, uint64_t id)
{
	struct crm *c = ctx;

	return store_user_delete(c->cfg.store, id); /* tokens go with it (cascade) */
}

static int user_fetch(struct crm *c, const void *arg, uint64_t after, void *rows, size_t max,
		      size_t *n, bool *more)
{
	(void)arg;
	return store_user_list(c->cfg.store, after, rows, max, n, more);
}

static int op_user_list(void *ctx, const struct api_page *page, struct api_user *out,
			size_t *n, char *next_cursor)
{
	static const struct crm_list l = { sizeof(struct store_user),
					   offsetof(struct store_user, id),
					   sizeof(struct api_user), user_fetch, user_to_api };

	return crm_list_page(ctx, &l, NULL, page, out, n, next_cursor);
}

/* ---- channels ---- */

static int op_channel_list(void *ctx, struct api_channel *out, size_t max, size_t *n)
{
	struct crm *c = ctx;

	*n = 0;
	if (PLATFORM_OP(c, channel_list))
		return c->cfg.platform->ops->channel_list(c->cfg.platform->ctx, out, max, n);
	return 0;
}

static int op_channel_get(void *ctx, const char *name, struct api_channel *out)
{
	struct crm *c = ctx;

	if (PLATFORM_OP(c, channel_get))
		return c->cfg.platform->ops->channel_get(c->cfg.platform->ctx, name, out);
	return -ENOENT;
}

static int op_channel_set_enabled(void *ctx, const char *name, bool enabled)
{
	struct crm *c = ctx;

	if (PLATFORM_OP(c, channel_set_enabled))
		return c->cfg.platform->ops->channel_set_enabled(c->cfg.platform->ctx, name,
								  enabled);
	return -EOPNOTSUPP;
}

static int op_channel_assign(void *ctx, const char *name, uint64_t user_id)
{
	struct crm *c = ctx;
	struct store_user u, o;
	struct api_channel ch;
	int rc;

	if (!name)
		return -EINVAL;
	if (name[0] && PLATFORM_OP(c, channel_get)) {
		rc = c->cfg.platform->ops->channel_get(c->cfg.platform->ctx, name, &ch);
		if (rc)
			return rc;
	}
	rc = store_user_get(c->cfg.store, user_id, &u);
	if (!rc)
		rc = crm_cp(u.channel, sizeof(u.channel), name);
	if (!rc)
		rc = store_user_update(c->cfg.store, &u, &o);
	return rc;
}

/* ---- webhook subscriptions ---- */

static void hook_to_api(const void *row, void *item)
{
	const struct store_webhook *s = row;
	struct api_webhook *a = item;

	memset(a, 0, sizeof(*a));
	a->id = s->id;
	crm_cp(a->url, sizeof(a->url), s->url);
	a->events = s->events;
	crm_cp(a->secret, sizeof(a->secret), s->secret);
	a->enabled = s->enabled;
	a->created_at = s->created_at;
}

static int op_webhook_create(void *ctx, const struct api_webhook *in, struct api_webhook *out)
{
	struct crm *c = ctx;
	struct store_webhook s = { .events = in->events, .enabled = in->enabled }, o;
	int rc;

	if (!in->events || in->events >> API_EV_COUNT)
		return -EINVAL;
	rc = crm_cp(s.url, sizeof(s.url), in->url);
	if (!rc)
		rc = crm_cp(s.secret, sizeof(s.secret), in->secret);
	if (!rc)
		rc = store_webhook_create(c->cfg.store, &s, crm_now(c), &o);
	if (!rc)
		hook_to_api(&o, out);
	return rc;
}

static int op_webhook_get(void *ctx, uint64_t id, struct api_webhook *out)
{
	struct crm *c = ctx;
	struct store_webhook o;
	int rc = store_webhook_get(c->cfg.store, id, &o);

	if (!rc)
		hook_to_api(&o, out);
	return rc;
}

static int op_webhook_delete(void *ctx, uint64_t id)
{
	struct crm *c = ctx;

	return store_webhook_delete(c->cfg.store, id);
}

static int hook_fetch(struct crm *c, const void *arg, uint64_t after, void *rows, size_t max,
		      size_t *n, bool *more)
{
	(void)arg;
	return store_webhook_list(c->cfg.store, after, rows, max, n, more);
}

static int op_webhook_list(void *ctx, const struct api_page *page, struct api_webhook *out,
			   size_t *n, char *next_cursor)
{
	static const struct crm_list l = { sizeof(struct store_webhook),
					   offsetof(struct store_webhook, id),
					   sizeof(struct api_webhook), hook_fetch, hook_to_api };

	return crm_list_page(ctx, &l, NULL, page, out, n, next_cursor);
}

/* ---- audit ---- */

static int op_audit_append(void *ctx, const struct api_audit_event *ev)
{
	struct crm *c = ctx;
	struct store_audit a = { .at = ev->at ? ev->at : crm_now(c), .actor_id = ev->actor_id };

	if (crm_cp(a.actor, sizeof(a.actor), ev->actor) ||
	    crm_cp(a.action, sizeof(a.action), ev->action) ||
	    crm_cp(a.target, sizeof(a.target), ev->target) ||
	    crm_cp(a.detail, sizeof(a.detail), ev->detail))
		return -EINVAL;
	return store_audit_append(c->cfg.store, &a, NULL);
}

static void audit_to_api(const void *row, void *item)
{
	const struct store_audit *s = row;
	struct api_audit_event *e = item;

	memset(e, 0, sizeof(*e));
	e->id = s->id;
	e->at = s->at;
	e->actor_id = s->actor_id;
	crm_cp(e->actor, sizeof(e->actor), s->actor);
	crm_cp(e->action, sizeof(e->action), s->action);
	crm_cp(e->target, sizeof(e->target), s->target);
	crm_cp(e->detail, sizeof(e->detail), s->detail);
}

/* Newest first: the cursor is the id to go below. */
static int audit_fetch(struct crm *c, const void *arg, uint64_t before, void *rows, size_t max,
		       size_t *n, bool *more)
{
	(void)arg;
	return store_audit_list(c->cfg.store, before, rows, max, n, more);
}

static int op_audit_list(void *ctx, const struct api_page *page, struct api_audit_event *out,
			 size_t *n, char *next_cursor)
{
	static const struct crm_list l = { sizeof(struct store_audit),
					   offsetof(struct store_audit, id),
					   sizeof(struct api_audit_event), audit_fetch,
					   audit_to_api };

	return crm_list_page(ctx, &l, NULL, page, out, n, next_cursor);
}

void crm_ops_admin(struct api_backend_ops *ops)
{
	ops->now_ms = op_now_ms;
	ops->random = op_random;
	ops->wake = op_wake;
	ops->health = op_health;
	ops->token_lookup = op_token_lookup;
	ops->token_create = op_token_create;
	ops->token_revoke = op_token_revoke;
	ops->token_list = op_token_list;
	ops->user_create = op_user_create;
	ops->user_get = op_user_get;
	ops->user_update = op_user_update;
	ops->user_delete = op_user_delete;
	ops->user_list = op_user_list;
	ops->channel_list = op_channel_list;
	ops->channel_get = op_channel_get;
	ops->channel_set_enabled = op_channel_set_enabled;
	ops->channel_assign = op_channel_assign;
	ops->webhook_create = op_webhook_create;
	ops->webhook_get = op_webhook_get;
	ops->webhook_delete = op_webhook_delete;
	ops->webhook_list = op_webhook_list;
	ops->audit_append = op_audit_append;
	ops->audit_list = op_audit_list;
}

/* ---- life ---- */

int crm_new(struct crm **out, const struct crm_config *cfg)
{
	struct crm *c;

	if (!out || !cfg || !cfg->store || !cfg->clock || !cfg->rng)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->cfg = *cfg;
	pthread_mutex_init(&c->mu, NULL);
	crm_ops_admin(&c->ops);
	crm_ops_msgs(&c->ops);
	crm_ops_contacts(&c->ops);
	crm_ops_hooks(&c->ops);
	crm_hooks_attach(c);
	LOG_INF(&log_crm, NULL, "backend ready");
	*out = c;
	return 0;
}

void crm_free(struct crm *c)
{
	if (!c)
		return;
	crm_hooks_detach(c);
	pthread_mutex_destroy(&c->mu);
	free(c);
}

void crm_set_outbox(struct crm *c, struct outbox *ob)
{
	pthread_mutex_lock(&c->mu);
	c->outbox = ob;
	pthread_mutex_unlock(&c->mu);
}

void crm_set_webhook_notify(struct crm *c, void (*fn)(void *arg), void *arg)
{
	pthread_mutex_lock(&c->mu);
	c->notify = fn;
	c->notify_arg = arg;
	pthread_mutex_unlock(&c->mu);
}

void crm_backend(struct crm *c, struct api_backend *out)
{
	out->ops = &c->ops;
	out->ctx = c;
}
