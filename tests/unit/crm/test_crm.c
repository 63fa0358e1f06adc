/* The crm api_backend over a :memory: store and a real outbox on the sim
 * loop (virtual clock) with a fake channel: every op, visibility filters,
 * paging cursors, token lookup and revoke, contact number choice, template
 * scopes, audit, webhook events from the outbox observer, bootstrap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../outbox/fake_channel.h"
#include "api/api_auth.h"
#include "crm/crm.h"
#include "hal/sim.h"
#include "store/store_crm.h"

#define T0 1700000000000LL

struct fx {
	struct hal_clock clock;
	struct hal_loop loop;
	struct hal_rng rng;
	struct store *store;
	struct outbox *ob;
	struct crm *crm;
	struct api_backend be;
	struct fake_channel modem;
	unsigned notified;
};

static void on_notify(void *arg)
{
	((struct fx *)arg)->notified++;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct store_opts so = { .path = ":memory:" };
	struct crm_config cc;
	struct outbox_config oc;

	assert_int_equal(hal_vclock_new(&f->clock, T0), 0);
	assert_int_equal(hal_loop_sim_new(&f->loop, &f->clock), 0);
	assert_int_equal(hal_rng_sim_new(&f->rng, 7), 0);
	assert_int_equal(store_open(&f->store, &so), 0);
	cc = (struct crm_config){ .store = f->store, .clock = &f->clock, .rng = &f->rng };
	assert_int_equal(crm_new(&f->crm, &cc), 0);
	oc = (struct outbox_config){ .store = f->store, .loop = &f->loop, .rng = &f->rng,
				     .default_validity_s = 3600,
				     .observer = crm_outbox_observer(f->crm) };
	assert_int_equal(outbox_new(&f->ob, &oc), 0);
	crm_set_outbox(f->crm, f->ob);
	crm_set_webhook_notify(f->crm, on_notify, f);
	crm_backend(f->crm, &f->be);
	fake_channel_init(&f->modem, "modem0", CHANNEL_MODEM);
	assert_int_equal(outbox_channel_events(f->ob, "modem0", &f->modem.ev), 0);
	assert_int_equal(outbox_add_channel(f->ob, &f->modem.ch), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	outbox_destroy(f->ob);
	crm_free(f->crm);
	store_close(f->store);
	hal_loop_destroy(&f->loop);
	hal_rng_destroy(&f->rng);
	hal_vclock_destroy(&f->clock);
	free(f);
	return 0;
}

#define OPS(f) ((f)->be.ops)
#define CTX(f) ((f)->be.ctx)

static uint64_t mk_user(struct fx *f, const char *name, enum api_role role, const char *bu)
{
	struct api_user in = { .role = role }, out;

	snprintf(in.username, sizeof(in.username), "%s", name);
	snprintf(in.business_unit, sizeof(in.business_unit), "%s", bu);
	assert_int_equal(OPS(f)->user_create(CTX(f), &in, &out), 0);
	assert_string_equal(out.username, name);
	return out.id;
}

static uint64_t send(struct fx *f, uint64_t user, const char *bu, const char *to,
		     const char *body)
{
	struct api_msg_new n = { .user_id = user, .body = body, .body_len = strlen(body),
				 .segments = 1 };
	struct api_msg *m = calloc(1, sizeof(*m));
	bool replay;
	uint64_t id;

	snprintf(n.business_unit, sizeof(n.business_unit), "%s", bu);
	snprintf(n.to, sizeof(n.to), "%s", to);
	assert_int_equal(OPS(f)->msg_create(CTX(f), &n, m, &replay), 0);
	assert_false(replay);
	assert_int_equal(m->status, MSG_QUEUED);
	assert_string_equal(m->business_unit, bu);
	assert_memory_equal(m->body, body, strlen(body));
	id = m->id;
	free(m);
	return id;
}

static void test_tokens(void **state)
{
	struct fx *f = *state;
	uint64_t u = mk_user(f, "sam", API_ROLE_SALESPERSON, "north"), h_id[3];
	uint8_t hash[API_HASH_LEN], stored[API_HASH_LEN];
	char tok[API_TOKEN_HEX_LEN + 1], next[API_CURSOR_MAX];
	struct api_principal p;
	struct api_token t, list[2];
	struct api_page page = { .limit = 2 };
	struct api_user dup = { .role = API_ROLE_ADMINISTRATOR }, uo;
	size_t n;

	/* Unique usernames. */
	snprintf(dup.username, sizeof(dup.username), "sam");
	assert_int_equal(OPS(f)->user_create(CTX(f), &dup, &uo), -EEXIST);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(api_token_generate(&f->be, tok, hash), 0);
		assert_int_equal(OPS(f)->token_create(CTX(f), u, hash, "crm", &t), 0);
		h_id[i] = t.id;
	}
	assert_int_equal(OPS(f)->token_create(CTX(f), 999, hash, "x", &t), -ENOENT);
	/* The last token authenticates; only its hash is stored. */
	assert_int_equal(api_token_authenticate(&f->be, tok, strlen(tok), &p), 0);
	assert_int_equal(p.user_id, u);
	assert_int_equal(p.token_id, h_id[2]);
	assert_int_equal(p.role, API_ROLE_SALESPERSON);
	assert_string_equal(p.business_unit, "north");
	assert_int_equal(OPS(f)->token_lookup(CTX(f), hash, &p, stored), 0);
	assert_memory_equal(stored, hash, API_HASH_LEN);
	/* Paging: 2 + 1. */
	assert_int_equal(OPS(f)->token_list(CTX(f), u, &page, list, &n, next), 0);
	assert_int_equal(n, 2);
	assert_int_equal(list[0].id, h_id[0]);
	assert_true(next[0]);
	snprintf(page.cursor, sizeof(page.cursor), "%s", next);
	assert_int_equal(OPS(f)->token_list(CTX(f), u, &page, list, &n, next), 0);
	assert_int_equal(n, 1);
	assert_int_equal(list[0].id, h_id[2]);
	assert_string_equal(next, "");
	snprintf(page.cursor, sizeof(page.cursor), "x1");
	assert_int_equal(OPS(f)->token_list(CTX(f), u, &page, list, &n, next), -EINVAL);
	/* Revoke takes effect at once; twice is -ENOENT; wrong user too. */
	assert_int_equal(OPS(f)->token_revoke(CTX(f), u + 1, h_id[2]), -ENOENT);
	assert_int_equal(OPS(f)->token_revoke(CTX(f), u, h_id[2]), 0);
	assert_int_equal(api_token_authenticate(&f->be, tok, strlen(tok), &p), -EACCES);
	assert_int_equal(OPS(f)->token_revoke(CTX(f), u, h_id[2]), -ENOENT);
	/* Deleting the user revokes the rest. */
	assert_int_equal(OPS(f)->user_delete(CTX(f), u), 0);
	page.cursor[0] = '\0';
	assert_int_equal(OPS(f)->token_list(CTX(f), u, &page, list, &n, next), -ENOENT);
	assert_int_equal(OPS(f)->user_get(CTX(f), u, &uo), -ENOENT);
}

static void test_users_update_and_assign(void **state)
{
	struct fx *f = *state;
	uint64_t u = mk_user(f, "mia", API_ROLE_SALESPERSON, "north");
	struct api_user in, out, list[5];
	struct api_page page = { .limit = 5 };
	char next[API_CURSOR_MAX];
	size_t n;

	assert_int_equal(OPS(f)->user_get(CTX(f), u, &in), 0);
	in.role = API_ROLE_SALES_MANAGER;
	snprintf(in.business_unit, sizeof(in.business_unit), "south");
	assert_int_equal(OPS(f)->user_update(CTX(f), &in, &out), 0);
	assert_int_equal(out.role, API_ROLE_SALES_MANAGER);
	assert_string_equal(out.business_unit, "south");
	in.id = 4242;
	assert_int_equal(OPS(f)->user_update(CTX(f), &in, &out), -ENOENT);
	in.id = u;
	in.role = (enum api_role)7;
	assert_int_equal(OPS(f)->user_update(CTX(f), &in, &out), -EINVAL);
	/* An assigned channel becomes the user's default preference. */
	assert_int_equal(OPS(f)->channel_assign(CTX(f), "modem0", u), 0);
	assert_int_equal(OPS(f)->user_get(CTX(f), u, &out), 0);
	assert_string_equal(out.channel, "modem0");
	{
		uint64_t id = send(f, u, "south", "+4917611111111", "hi");
		struct api_msg *m = calloc(1, sizeof(*m));

		assert_int_equal(OPS(f)->msg_get(CTX(f), id, m), 0);
		assert_string_equal(m->channel_pref, "modem0");
		free(m);
	}
	mk_user(f, "zoe", API_ROLE_ADMINISTRATOR, "");
	assert_int_equal(OPS(f)->user_list(CTX(f), &page, list, &n, next), 0);
	assert_int_equal(n, 2);
	assert_string_equal(next, "");
}

static void test_messages_visibility_and_paging(void **state)
{
	struct fx *f = *state;
	uint64_t a = mk_user(f, "ann", API_ROLE_SALESPERSON, "north");
	uint64_t b = mk_user(f, "bob", API_ROLE_SALESPERSON, "south");
	uint64_t ids[5], seen[5];
	struct api_msg *arr = calloc(API_PAGE_MAX, sizeof(*arr));
	struct api_page page = { .limit = 2 };
	struct api_msg_query q = { .user_id = a, .any_status = true };
	struct api_conv_query cq = { .number = "+4917622222222" };
	struct api_conversation convs[4], conv;
	char next[API_CURSOR_MAX];
	size_t n, k = 0;

	for (int i = 0; i < 5; i++)
		ids[i] = send(f, a, "north", "+4917622222222", "text from ann");
	send(f, b, "south", "+4917622222222", "text from bob");
	/* Own messages, newest first, in pages of 2 with a cursor. */
	do {
		assert_int_equal(OPS(f)->msg_list(CTX(f), &q, &page, arr, &n, next), 0);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(arr[i].user_id, a);
			seen[k++] = arr[i].id;
		}
		snprintf(page.cursor, sizeof(page.cursor), "%s", next);
	} while (next[0]);
	assert_int_equal(k, 5);
	for (int i = 0; i < 5; i++)
		assert_int_equal(seen[i], ids[4 - i]);
	/* An administrator (user 0) sees everyone's. */
	q.user_id = 0;
	page = (struct api_page){ .limit = 100 };
	assert_int_equal(OPS(f)->msg_list(CTX(f), &q, &page, arr, &n, next), 0);
	assert_int_equal(n, 6);
	/* Status filter. */
	q.any_status = false;
	q.status = MSG_DELIVERED;
	assert_int_equal(OPS(f)->msg_list(CTX(f), &q, &page, arr, &n, next), 0);
	assert_int_equal(n, 0);
	/* One conversation per number and business unit. */
	assert_int_equal(OPS(f)->conv_list(CTX(f), &cq, &page, convs, &n, next), 0);
	assert_int_equal(n, 2);
	snprintf(cq.business_unit, sizeof(cq.business_unit), "north");
	assert_int_equal(OPS(f)->conv_list(CTX(f), &cq, &page, convs, &n, next), 0);
	assert_int_equal(n, 1);
	assert_string_equal(convs[0].business_unit, "north");
	assert_int_equal(OPS(f)->conv_get(CTX(f), convs[0].id, &conv), 0);
	assert_string_equal(conv.number, "+4917622222222");
	page.limit = 3;
	assert_int_equal(OPS(f)->conv_messages(CTX(f), conv.id, &page, arr, &n, next), 0);
	assert_int_equal(n, 3);
	assert_int_equal(arr[0].id, ids[4]);
	assert_int_equal(arr[0].conversation_id, conv.id);
	assert_true(next[0]);
	assert_int_equal(OPS(f)->conv_messages(CTX(f), 999, &page, arr, &n, next), -ENOENT);
	free(arr);
}

static void test_idempotency_and_cancel(void **state)
{
	struct fx *f = *state;
	struct api_msg_new n = { .user_id = 1, .body = "once", .body_len = 4, .segments = 1,
				 .to = "+4917633333333", .idem_key = "k-1",
				 .send_at = T0 + 60000 };
	struct api_msg *m = calloc(2, sizeof(*m));
	bool replay;

	assert_int_equal(OPS(f)->msg_create(CTX(f), &n, &m[0], &replay), 0);
	assert_false(replay);
	assert_int_equal(m[0].status, MSG_SCHEDULED);
	assert_int_equal(OPS(f)->msg_create(CTX(f), &n, &m[1], &replay), 0);
	assert_true(replay);
	assert_int_equal(m[1].id, m[0].id);
	n.body = "other";
	n.body_len = 5;
	assert_int_equal(OPS(f)->msg_create(CTX(f), &n, &m[1], &replay), -EEXIST);
	assert_int_equal(OPS(f)->msg_cancel(CTX(f), m[0].id, &m[1]), 0);
	assert_int_equal(m[1].status, MSG_CANCELED);
	assert_int_equal(OPS(f)->msg_cancel(CTX(f), m[0].id, &m[1]), -EPERM);
	assert_int_equal(OPS(f)->msg_cancel(CTX(f), 4711, &m[1]), -ENOENT);
	free(m);
}

/* The 202's message is built from what the enqueue committed, not read
 * back: it must be exactly what a GET returns right after, for a queued
 * and a scheduled message with every optional field set, and a replay. */
static void test_create_answer_matches_get(void **state)
{
	struct fx *f = *state;
	uint64_t u = mk_user(f, "ada", API_ROLE_SALES_MANAGER, "east");
	struct api_msg *m = calloc(2, sizeof(*m));
	struct api_msg_new n = { .user_id = u, .body = "Gr\xc3\xbc\xc3\x9f dich", .body_len = 11,
				 .to = "+4917655555555", .from = "+4917600000001",
				 .encoding = "ucs2", .segments = 1, .channel_pref = "modem0",
				 .record_type = "deal", .record_id = "D-7", .template_id = 3,
				 .number_type = "mobile", .business_unit = "east",
				 .source = API_SRC_TWILIO,
				 .status_callback = "https://crm.example/cb" };
	bool replay;

	for (int round = 0; round < 2; round++) {
		/* round 0 queued now, round 1 scheduled with a validity end */
		if (round == 1) {
			n.send_at = T0 + 3600000;
			n.expires_at = T0 + 7200000;
			n.encoding[0] = '\0';
			n.channel_pref[0] = '\0';
			n.record_type[0] = '\0';
			snprintf(n.idem_key, sizeof(n.idem_key), "idem-%d", round);
		}
		assert_int_equal(OPS(f)->msg_create(CTX(f), &n, &m[0], &replay), 0);
		assert_false(replay);
		assert_int_equal(m[0].status, round ? MSG_SCHEDULED : MSG_QUEUED);
		assert_true(m[0].conversation_id > 0);
		assert_int_equal(OPS(f)->msg_get(CTX(f), m[0].id, &m[1]), 0);
		assert_int_equal(m[1].status, m[0].status);
		assert_int_equal(m[1].conversation_id, m[0].conversation_id);
		assert_string_equal(m[1].encoding, m[0].encoding);
		assert_string_equal(m[1].channel_pref, m[0].channel_pref);
		assert_int_equal(m[1].expires_at, m[0].expires_at);
		assert_memory_equal(&m[0], &m[1], sizeof(m[0]));
	}
	/* A replay answers with the earlier message as stored. */
	assert_int_equal(OPS(f)->msg_create(CTX(f), &n, &m[1], &replay), 0);
	assert_true(replay);
	assert_memory_equal(&m[0], &m[1], sizeof(m[0]));
	free(m);
}

/* Token lookups are cached; every change to a user or a token is seen by
 * the very next request (revoke, role and unit change, delete). */
static void test_auth_cache_invalidation(void **state)
{
	struct fx *f = *state;
	uint64_t u = mk_user(f, "kim", API_ROLE_SALESPERSON, "north");
	char tok[2][API_TOKEN_HEX_LEN + 1];
	uint8_t hash[API_HASH_LEN];
	struct api_principal p;
	struct api_token t[2];
	struct api_user in, out;

	for (int i = 0; i < 2; i++) {
		assert_int_equal(api_token_generate(&f->be, tok[i], hash), 0);
		assert_int_equal(OPS(f)->token_create(CTX(f), u, hash, "crm", &t[i]), 0);
		/* twice: the second answer comes from the cache */
		assert_int_equal(api_token_authenticate(&f->be, tok[i], strlen(tok[i]), &p), 0);
		assert_int_equal(api_token_authenticate(&f->be, tok[i], strlen(tok[i]), &p), 0);
		assert_int_equal(p.token_id, t[i].id);
	}
	assert_int_equal(OPS(f)->user_get(CTX(f), u, &in), 0);
	in.role = API_ROLE_SALES_MANAGER;
	snprintf(in.business_unit, sizeof(in.business_unit), "south");
	assert_int_equal(OPS(f)->user_update(CTX(f), &in, &out), 0);
	assert_int_equal(api_token_authenticate(&f->be, tok[0], strlen(tok[0]), &p), 0);
	assert_int_equal(p.role, API_ROLE_SALES_MANAGER);
	assert_string_equal(p.business_unit, "south");
	assert_int_equal(OPS(f)->user_get(CTX(f), u, &out), 0);
	assert_string_equal(out.business_unit, "south");
	/* Revoking one token leaves the other. */
	assert_int_equal(OPS(f)->token_revoke(CTX(f), u, t[0].id), 0);
	assert_int_equal(api_token_authenticate(&f->be, tok[0], strlen(tok[0]), &p), -EACCES);
	assert_int_equal(api_token_authenticate(&f->be, tok[1], strlen(tok[1]), &p), 0);
	/* Deleting the user ends the rest at once. */
	assert_int_equal(OPS(f)->user_delete(CTX(f), u), 0);
	assert_int_equal(api_token_authenticate(&f->be, tok[1], strlen(tok[1]), &p), -EACCES);
	assert_int_equal(OPS(f)->user_get(CTX(f), u, &out), -ENOENT);
}

static void contact_in(struct api_contact *c, const char *bu)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "Ada 'x'; DROP TABLE contacts;--");
	snprintf(c->business_unit, sizeof(c->business_unit), "%s", bu);
	snprintf(c->record_type, sizeof(c->record_type), "lead");
	snprintf(c->record_id, sizeof(c->record_id), "L-1");
	c->n_numbers = 4;
	strcpy(c->numbers[0].type, "home");
	strcpy(c->numbers[0].number, "+4930111");
	strcpy(c->numbers[1].type, "mobile");
	strcpy(c->numbers[1].number, "+4917644444444");
	strcpy(c->numbers[2].type, "business");
	strcpy(c->numbers[2].number, "+4930222");
	c->numbers[2].do_not_text = true;
	strcpy(c->numbers[3].type, "business");
	strcpy(c->numbers[3].number, "+4930333");
}

static void test_contact_pick(void **state)
{
	struct api_contact c;

	(void)state;
	contact_in(&c, "north");
	/* Business first, skipping the do-not-text one. */
	assert_int_equal(crm_contact_pick(&c, NULL), 3);
	c.numbers[3].do_not_text = true;
	assert_int_equal(crm_contact_pick(&c, ""), 1); /* then mobile */
	assert_int_equal(crm_contact_pick(&c, "home"), 0); /* a requested type wins */
	assert_int_equal(crm_contact_pick(&c, "business"), -ENOENT); /* all do-not-text */
	c.numbers[1].do_not_text = true;
	assert_int_equal(crm_contact_pick(&c, NULL), -ENOENT); /* never home by default */
}

static void test_contacts_and_sends(void **state)
{
	struct fx *f = *state;
	struct api_contact in, out, got, list[3];
	struct api_msg_new n = { .user_id = 1, .body = "hello", .body_len = 5, .segments = 1,
				 .record_type = "lead", .record_id = "L-1" };
	struct api_msg *m = calloc(1, sizeof(*m));
	struct api_page page = { .limit = 3 };
	struct api_conversation conv;
	char next[API_CURSOR_MAX];
	bool replay;
	size_t k;

	contact_in(&in, "north");
	assert_int_equal(OPS(f)->contact_create(CTX(f), &in, &out), 0);
	assert_string_equal(out.name, in.name); /* byte for byte */
	assert_int_equal(out.n_numbers, 4);
	assert_true(out.numbers[2].do_not_text);
	/* An automated send to the contact picks business, records it, links
	 * the conversation to the contact and the CRM record. */
	n.contact_id = out.id;
	snprintf(n.business_unit, sizeof(n.business_unit), "north");
	assert_int_equal(OPS(f)->msg_create(CTX(f), &n, m, &replay), 0);
	assert_string_equal(m->to, "+4930333");
	assert_string_equal(m->number_type, "business");
	assert_int_equal(m->contact_id, out.id);
	assert_int_equal(OPS(f)->conv_get(CTX(f), m->conversation_id, &conv), 0);
	assert_int_equal(conv.contact_id, out.id);
	assert_string_equal(conv.record_type, "lead");
	assert_string_equal(conv.record_id, "L-1");
	/* A requested type is honoured. */
	snprintf(n.number_type, sizeof(n.number_type), "mobile");
	assert_int_equal(OPS(f)->msg_create(CTX(f), &n, m, &replay), 0);
	assert_string_equal(m->to, "+4917644444444");
	/* A do-not-text number is refused even when named. */
	n.number_type[0] = '\0';
	snprintf(n.to, sizeof(n.to), "+4930222");
	assert_int_equal(OPS(f)->msg_create(CTX(f), &n, m, &replay), -EACCES);
	n.contact_id = 999;
	assert_int_equal(OPS(f)->msg_create(CTX(f), &n, m, &replay), -ENOENT);
	/* Update replaces the numbers; bad type refused, nothing changed. */
	in = out;
	in.n_numbers = 1;
	in.numbers[0].do_not_text = true;
	assert_int_equal(OPS(f)->contact_update(CTX(f), &in, &got), 0);
	assert_int_equal(got.n_numbers, 1);
	assert_true(got.numbers[0].do_not_text);
	strcpy(in.numbers[0].type, "fax");
	assert_int_equal(OPS(f)->contact_update(CTX(f), &in, &got), -EINVAL);
	assert_int_equal(OPS(f)->contact_get(CTX(f), out.id, &got), 0);
	assert_string_equal(got.numbers[0].type, "home");
	/* Listing by business unit. */
	contact_in(&in, "south");
	assert_int_equal(OPS(f)->contact_create(CTX(f), &in, &got), 0);
	assert_int_equal(OPS(f)->contact_list(CTX(f), "north", &page, list, &k, next), 0);
	assert_int_equal(k, 1);
	assert_int_equal(OPS(f)->contact_list(CTX(f), "", &page, list, &k, next), 0);
	assert_int_equal(k, 2);
	assert_int_equal(OPS(f)->contact_delete(CTX(f), out.id), 0);
	assert_int_equal(OPS(f)->contact_get(CTX(f), out.id, &got), -ENOENT);
	assert_int_equal(OPS(f)->contact_delete(CTX(f), out.id), -ENOENT);
	free(m);
}

static void test_templates(void **state)
{
	struct fx *f = *state;
	struct api_template *t = calloc(8, sizeof(*t));
	struct api_page page = { .limit = 5 };
	char next[API_CURSOR_MAX];
	uint64_t own, shared;
	size_t n;

	t[0] = (struct api_template){ .owner_id = 1, .scope = API_TPL_USER };
	strcpy(t[0].business_unit, "north");
	strcpy(t[0].name, "mine");
	strcpy(t[0].body, "Hi {{name}}");
	assert_int_equal(OPS(f)->tpl_create(CTX(f), &t[0], &t[1]), 0);
	own = t[1].id;
	t[0].owner_id = 2;
	t[0].scope = API_TPL_BUSINESS_UNIT;
	strcpy(t[0].name, "team");
	assert_int_equal(OPS(f)->tpl_create(CTX(f), &t[0], &t[1]), 0);
	shared = t[1].id;
	assert_int_equal(t[1].scope, API_TPL_BUSINESS_UNIT);
	t[0].owner_id = 3;
	t[0].scope = API_TPL_USER;
	strcpy(t[0].name, "someone else's");
	assert_int_equal(OPS(f)->tpl_create(CTX(f), &t[0], &t[1]), 0);
	/* User 1 of north sees own + north's shared, not user 3's own. */
	assert_int_equal(OPS(f)->tpl_list(CTX(f), 1, "north", &page, t, &n, next), 0);
	assert_int_equal(n, 2);
	assert_int_equal(t[0].id, own);
	assert_int_equal(t[1].id, shared);
	/* South sees nothing of north's. */
	assert_int_equal(OPS(f)->tpl_list(CTX(f), 9, "south", &page, t, &n, next), 0);
	assert_int_equal(n, 0);
	assert_int_equal(OPS(f)->tpl_get(CTX(f), own, &t[0]), 0);
	strcpy(t[0].body, "Bye {{name}}");
	assert_int_equal(OPS(f)->tpl_update(CTX(f), &t[0], &t[1]), 0);
	assert_string_equal(t[1].body, "Bye {{name}}");
	t[0].body[0] = '\0';
	assert_int_equal(OPS(f)->tpl_update(CTX(f), &t[0], &t[1]), -EINVAL);
	assert_int_equal(OPS(f)->tpl_delete(CTX(f), own), 0);
	assert_int_equal(OPS(f)->tpl_get(CTX(f), own, &t[0]), -ENOENT);
	free(t);
}

static void test_audit(void **state)
{
	struct fx *f = *state;
	struct api_audit_event ev = { .at = T0, .actor_id = 1 }, out[3];
	struct api_page page = { .limit = 2 };
	char next[API_CURSOR_MAX];
	size_t n;

	strcpy(ev.actor, "root");
	for (int i = 0; i < 3; i++) {
		snprintf(ev.action, sizeof(ev.action), "user.create");
		snprintf(ev.target, sizeof(ev.target), "user/%d", i);
		assert_int_equal(OPS(f)->audit_append(CTX(f), &ev), 0);
	}
	ev.action[0] = '\0';
	assert_int_equal(OPS(f)->audit_append(CTX(f), &ev), -EINVAL);
	assert_int_equal(OPS(f)->audit_list(CTX(f), &page, out, &n, next), 0);
	assert_int_equal(n, 2);
	assert_string_equal(out[0].target, "user/2"); /* newest first */
	assert_string_equal(out[0].actor, "root");
	snprintf(page.cursor, sizeof(page.cursor), "%s", next);
	assert_int_equal(OPS(f)->audit_list(CTX(f), &page, out, &n, next), 0);
	assert_int_equal(n, 1);
	assert_string_equal(out[0].target, "user/0");
	assert_string_equal(next, "");
}

/* Webhook events come from the outbox observer, in order, per
 * conversation, also while no worker runs (store and forward). */
static void test_webhook_events(void **state)
{
	struct fx *f = *state;
	struct api_webhook w = { .events = 1u << API_EV_MESSAGE_STATUS |
					   1u << API_EV_MESSAGE_RECEIVED,
				 .enabled = true },
			   wo;
	struct api_webhook_delivery d[8];
	struct channel_inbound in = { .from = "+4917655555555", .to = "+4930", .text = "re: hi",
				      .text_len = 6, .concat_total = 1 };
	struct api_metrics *mx = calloc(1, sizeof(*mx));
	uint64_t id, backlog;
	size_t n;
	json_t *j;

	strcpy(w.url, "http://127.0.0.1:9/hook");
	memset(w.secret, 'a', 64);
	assert_int_equal(OPS(f)->webhook_create(CTX(f), &w, &wo), 0);
	assert_string_equal(wo.secret, w.secret);
	id = send(f, 1, "north", "+4917655555555", "hi");
	assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 0);
	assert_int_equal(f->modem.n, 1);
	hal_vclock_advance(&f->clock, 1500); /* the send takes 1.5 s */
	fake_channel_accept(&f->modem, id, 1);
	fake_channel_report(&f->modem, id, 0, CHANNEL_DELIVERED);
	assert_int_equal(f->modem.ev.inbound(f->modem.ev.arg, &in), 0);
	assert_int_equal(OPS(f)->webhook_backlog(CTX(f), &backlog), 0);
	assert_int_equal(backlog, 3); /* sent, delivered, received */
	assert_true(f->notified >= 3);
	/* Only the head of the conversation's queue is due. */
	assert_int_equal(OPS(f)->webhook_fetch_due(CTX(f), T0 + 1000000, d, 8, &n), 0);
	assert_int_equal(n, 1);
	j = json_loadb(d[0].payload, d[0].payload_len, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "event")), "message.status");
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "data"),
							      "status")), "sent");
	json_decref(j);
	/* A failure keeps it at the head until its next attempt. */
	assert_int_equal(OPS(f)->webhook_mark_failed(CTX(f), d[0].id, T0 + 50000, false), 0);
	OPS(f)->webhook_release(CTX(f), &d[0]);
	assert_int_equal(OPS(f)->webhook_fetch_due(CTX(f), T0 + 10000, d, 8, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(OPS(f)->webhook_fetch_due(CTX(f), T0 + 50000, d, 8, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].attempts, 1);
	assert_int_equal(OPS(f)->webhook_mark_delivered(CTX(f), d[0].id), 0);
	OPS(f)->webhook_release(CTX(f), &d[0]);
	assert_int_equal(OPS(f)->webhook_fetch_due(CTX(f), T0 + 50000, d, 8, &n), 0);
	assert_int_equal(n, 1);
	j = json_loadb(d[0].payload, d[0].payload_len, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "data"),
							      "status")), "delivered");
	json_decref(j);
	OPS(f)->webhook_release(CTX(f), &d[0]);
	/* Metrics: backlog and rows by channel and status. */
	assert_int_equal(OPS(f)->metrics(CTX(f), mx), 0);
	assert_int_equal(mx->webhook_backlog, 2);
	assert_true(mx->n_rows >= 2);
	/* The latency histogram's _sum and _count are real. */
	assert_int_equal(mx->latency_count, 1);
	assert_true(mx->latency_sum_s > 1.49 && mx->latency_sum_s < 1.51);
	free(mx);
	/* Deleting the webhook drops its queue. */
	assert_int_equal(OPS(f)->webhook_delete(CTX(f), wo.id), 0);
	assert_int_equal(OPS(f)->webhook_backlog(CTX(f), &backlog), 0);
	assert_int_equal(backlog, 0);
}

/* /metrics counts the sends the crash rule requeued (docs/store.md): a
 * message left `sending` by a dead outbox is a possible duplicate when a
 * new outbox recovers the same store. */
static void test_metrics_possible_duplicates(void **state)
{
	struct fx *f = *state;
	struct api_metrics *mx = calloc(1, sizeof(*mx));
	struct outbox_config oc = { .store = f->store, .loop = &f->loop, .rng = &f->rng,
				    .default_validity_s = 3600,
				    .observer = crm_outbox_observer(f->crm) };
	struct api_msg *m = calloc(1, sizeof(*m));
	uint64_t id;

	assert_non_null(mx);
	assert_non_null(m);
	assert_int_equal(OPS(f)->metrics(CTX(f), mx), 0);
	assert_int_equal(mx->possible_duplicates, 0);
	id = send(f, 1, "north", "+4917655555555", "hi");
	assert_true(hal_loop_sim_run_until_idle(&f->loop) >= 0);
	assert_int_equal(f->modem.n, 1); /* handed to the modem: `sending` */
	/* The process dies with the send open; a new outbox recovers. */
	crm_set_outbox(f->crm, NULL);
	outbox_destroy(f->ob);
	fake_channel_init(&f->modem, "modem0", CHANNEL_MODEM);
	assert_int_equal(outbox_new(&f->ob, &oc), 0);
	crm_set_outbox(f->crm, f->ob);
	assert_int_equal(OPS(f)->metrics(CTX(f), mx), 0);
	assert_int_equal(mx->possible_duplicates, 1);
	assert_int_equal(OPS(f)->msg_get(CTX(f), id, m), 0);
	assert_int_equal(m->status, MSG_QUEUED); /* requeued, to be sent again */
	free(m);
	free(mx);
}

static void test_bootstrap(void **state)
{
	struct fx *f = *state;
	struct crm_bootstrap b1, b2, b3;
	struct api_principal p;
	struct api_audit_event ev[2];
	struct api_page page = { .limit = 2 };
	char next[API_CURSOR_MAX];
	size_t n;

	assert_int_equal(crm_bootstrap_admin(f->crm, "admin", false, &b1), 0);
	assert_true(b1.created);
	assert_int_equal(strlen(b1.token), API_TOKEN_HEX_LEN);
	assert_int_equal(strncmp(b1.account_sid, "AC", 2), 0);
	assert_int_equal(strlen(b1.account_sid), 34);
	assert_int_equal(api_token_authenticate(&f->be, b1.token, strlen(b1.token), &p), 0);
	assert_int_equal(p.role, API_ROLE_ADMINISTRATOR);
	/* Again (a restart): nothing made, same sid. */
	assert_int_equal(crm_bootstrap_admin(f->crm, "admin", false, &b2), 0);
	assert_false(b2.created);
	assert_string_equal(b2.token, "");
	assert_string_equal(b2.account_sid, b1.account_sid);
	/* Forced: a new token for the same administrator; the old one lives. */
	assert_int_equal(crm_bootstrap_admin(f->crm, "admin", true, &b3), 0);
	assert_true(b3.created);
	assert_int_equal(b3.user_id, b1.user_id);
	assert_string_not_equal(b3.token, b1.token);
	assert_int_equal(api_token_authenticate(&f->be, b1.token, strlen(b1.token), &p), 0);
	assert_int_equal(OPS(f)->audit_list(CTX(f), &page, ev, &n, next), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].action, "bootstrap.admin");
	/* Forcing onto a non-administrator's name is refused. */
	mk_user(f, "clerk", API_ROLE_SALESPERSON, "");
	assert_int_equal(crm_bootstrap_admin(f->crm, "clerk", true, &b3), -EEXIST);
}

/* The Twilio facade's credential is its own salesperson's token, kept as
 * the callback signing key; the administrator's token never is. */
static void test_bootstrap_facade(void **state)
{
	struct fx *f = *state;
	struct crm_bootstrap b;
	struct api_principal p;
	char t1[API_TOKEN_HEX_LEN + 1], t2[API_TOKEN_HEX_LEN + 1], kept[API_TOKEN_HEX_LEN + 1];

	assert_int_equal(crm_bootstrap_admin(f->crm, "admin", false, &b), 0);
	assert_int_equal(crm_bootstrap_facade(f->crm, t1), 0);
	assert_int_equal(strlen(t1), API_TOKEN_HEX_LEN);
	assert_string_not_equal(t1, b.token);
	assert_int_equal(api_token_authenticate(&f->be, t1, strlen(t1), &p), 0);
	assert_int_equal(p.role, API_ROLE_SALESPERSON);
	assert_string_equal(p.username, CRM_FACADE_USER);
	assert_int_equal(store_setting_get(f->store, "twilio_auth_token", kept, sizeof(kept)), 0);
	assert_string_equal(kept, t1);
	/* Again: a new token, the old one revoked at once, the key replaced. */
	assert_int_equal(crm_bootstrap_facade(f->crm, t2), 0);
	assert_string_not_equal(t2, t1);
	assert_int_not_equal(api_token_authenticate(&f->be, t1, strlen(t1), &p), 0);
	assert_int_equal(api_token_authenticate(&f->be, t2, strlen(t2), &p), 0);
	assert_int_equal(store_setting_get(f->store, "twilio_auth_token", kept, sizeof(kept)), 0);
	assert_string_equal(kept, t2);
	/* A forced admin bootstrap does not touch the facade's key. */
	assert_int_equal(crm_bootstrap_admin(f->crm, "admin", true, &b), 0);
	assert_int_equal(store_setting_get(f->store, "twilio_auth_token", kept, sizeof(kept)), 0);
	assert_string_equal(kept, t2);
}

static void test_health_and_channels(void **state)
{
	struct fx *f = *state;
	struct api_health h;
	struct api_channel ch[2];
	size_t n = 9;

	assert_int_equal(OPS(f)->health(CTX(f), &h), 0);
	assert_true(h.ready);
	assert_int_equal(OPS(f)->channel_list(CTX(f), ch, 2, &n), 0);
	assert_int_equal(n, 0); /* no platform: nothing live to show */
	assert_int_equal(OPS(f)->channel_get(CTX(f), "modem0", ch), -ENOENT);
	crm_set_outbox(f->crm, NULL);
	assert_int_equal(OPS(f)->health(CTX(f), &h), -EAGAIN);
	assert_false(h.ready);
	crm_set_outbox(f->crm, f->ob);
}

/* An inbound message of many parts longer than struct api_msg's body: the
 * API view holds its start, cut on a UTF-8 boundary, with body_total
 * saying how long it is; msg_body gives every byte. */
static void test_long_inbound_body(void **state)
{
	struct fx *f = *state;
	size_t len = API_BODY_BYTES_MAX + 1001;
	char *text = malloc(len + 1), *whole = NULL;
	struct api_msg *m = malloc(sizeof(*m));
	struct store_inbound in = { .channel = "modem0", .from = "+4917612345678",
				    .encoding = "ucs2", .concat_total = 1 };
	uint64_t id = 0;
	size_t got = 0;

	/* "\u20ac" (3 bytes) from byte 2: the cut at API_BODY_BYTES_MAX (6,400)
	 * falls inside one, since 6,398 is not a multiple of 3. */
	_Static_assert((API_BODY_BYTES_MAX - 2) % 3 != 0, "the cut must fall inside a character");
	text[0] = 'x';
	text[1] = 'y';
	for (size_t i = 2; i + 3 <= len; i += 3)
		memcpy(text + i, "\xe2\x82\xac", 3);
	len = 2 + (len - 2) / 3 * 3;
	text[len] = '\0';
	in.body = text;
	in.body_len = len;
	assert_int_equal(store_inbound_add(f->store, &in, T0, &id), 0);
	assert_true(id > 0);
	assert_int_equal(OPS(f)->msg_get(CTX(f), id, m), 0);
	assert_int_equal(m->body_total, len);
	assert_true(m->body_len <= API_BODY_BYTES_MAX && m->body_len > API_BODY_BYTES_MAX - 3);
	assert_int_equal((m->body_len - 2) % 3, 0); /* whole characters only */
	assert_memory_equal(m->body, text, m->body_len);
	assert_int_equal(OPS(f)->msg_body(CTX(f), id, &whole, &got), 0);
	assert_int_equal(got, len);
	assert_memory_equal(whole, text, len);
	assert_int_equal(OPS(f)->msg_body(CTX(f), id + 100, &whole, &got) == 0, 0);
	free(whole);
	free(text);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_users_update_and_assign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_messages_visibility_and_paging, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_idempotency_and_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_answer_matches_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_cache_invalidation, setup, teardown),
		cmocka_unit_test(test_contact_pick),
		cmocka_unit_test_setup_teardown(test_contacts_and_sends, setup, teardown),
		cmocka_unit_test_setup_teardown(test_templates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_webhook_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_metrics_possible_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bootstrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_inbound_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bootstrap_facade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_health_and_channels, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
