/* Contacts with typed numbers, the number choice for automated sends, and
 * templates by scope. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "crm_priv.h"

int crm_contact_pick(const struct api_contact *c, const char *want_type)
{
	static const char *const order[] = { "business", "mobile" };

	if (!c || c->n_numbers > API_CONTACT_NUMBERS_MAX)
		return -EINVAL;
	if (want_type && want_type[0]) {
		for (size_t i = 0; i < c->n_numbers; i++)
			if (!c->numbers[i].do_not_text && strcmp(c->numbers[i].type, want_type) == 0)
				return (int)i;
		return -ENOENT;
	}
	for (size_t k = 0; k < sizeof(order) / sizeof(order[0]); k++)
		for (size_t i = 0; i < c->n_numbers; i++)
			if (!c->numbers[i].do_not_text && strcmp(c->numbers[i].type, order[k]) == 0)
				return (int)i;
	return -ENOENT;
}

/* void pointers: also crm_list's to_api. */
static void contact_to_api(const void *row, void *item)
{
	const struct store_contact *s = row;
	struct api_contact *a = item;

	memset(a, 0, sizeof(*a));
	a->id = s->id;
	crm_cp(a->name, sizeof(a->name), s->name);
	crm_cp(a->business_unit, sizeof(a->business_unit), s->business_unit);
	crm_cp(a->record_type, sizeof(a->record_type), s->crm_type);
	crm_cp(a->record_id, sizeof(a->record_id), s->crm_id);
	for (size_t i = 0; i < s->n_numbers && i < API_CONTACT_NUMBERS_MAX; i++) {
		crm_cp(a->numbers[i].type, sizeof(a->numbers[i].type), s->numbers[i].type);
		crm_cp(a->numbers[i].number, sizeof(a->numbers[i].number), s->numbers[i].number);
		a->numbers[i].do_not_text = s->numbers[i].do_not_text;
		a->n_numbers = i + 1;
	}
	a->created_at = s->created_at;
	a->updated_at = s->updated_at;
}

static int contact_from_api(const struct api_contact *a, struct store_contact *s)
{
	int rc;

	memset(s, 0, sizeof(*s));
	if (a->n_numbers > API_CONTACT_NUMBERS_MAX || a->n_numbers > STORE_NUMBERS_MAX)
		return -E2BIG;
	s->id = a->id;
	rc = crm_cp(s->name, sizeof(s->name), a->name);
	rc = rc ? rc : crm_cp(s->business_unit, sizeof(s->business_unit), a->business_unit);
	rc = rc ? rc : crm_cp(s->crm_type, sizeof(s->crm_type), a->record_type);
	rc = rc ? rc : crm_cp(s->crm_id, sizeof(s->crm_id), a->record_id);
	for (size_t i = 0; !rc && i < a->n_numbers; i++) {
		rc = crm_cp(s->numbers[i].type, sizeof(s->numbers[i].type), a->numbers[i].type);
		rc = rc ? rc
			: crm_cp(s->numbers[i].number, sizeof(s->numbers[i].number),
				 a->numbers[i].number);
		s->numbers[i].do_not_text = a->numbers[i].do_not_text;
	}
	s->n_numbers = a->n_numbers;
	return rc;
}

static int op_contact_write(struct crm *c, const struct api_contact *in, bool update,
			    struct api_contact *out)
{
	struct store_contact s, o;
	int rc = contact_from_api(in, &s);

	if (!rc)
		rc = update ? store_contact_update(c->cfg.store, &s, crm_now(c), &o)
			    : store_contact_create(c->cfg.store, &s, crm_now(c), &o);
	if (!rc)
		contact_to_api(&o, out);
	return rc;
}

static int op_contact_create(void *ctx, const struct api_contact *in, struct api_contact *out)
{
	return op_contact_write(ctx, in, false, out);
}

static int op_contact_update(void *ctx, const struct api_contact *in, struct api_contact *out)
{
	return op_contact_write(ctx, in, true, out);
}

static int op_contact_get(void *ctx, uint64_t id, struct api_contact *out)
{
	struct crm *c = ctx;
	struct store_contact o;
	int rc = store_contact_get(c->cfg.store, id, &o);

	if (!rc)
		contact_to_api(&o, out);
	return rc;
}

static int op_contact_delete(void *ctx, uint64_t id)
{
	struct crm *c = ctx;

	return store_contact_delete(c->cfg.store, id);
}

/* arg: the business unit ("" = every unit). */
static int contact_fetch(struct crm *c, const void *bu, uint64_t after, void *rows, size_t max,
			 size_t *n, bool *more)
{
	return store_contact_list(c->cfg.store, bu, after, rows, max, n, more);
}

static int op_contact_list(void *ctx, const char *business_unit, const struct api_page *page,
			   struct api_contact *out, size_t *n, char *next_cursor)
{
	static const struct crm_list l = { sizeof(struct store_contact),
					   offsetof(struct store_contact, id),
					   sizeof(struct api_contact), contact_fetch,
					   contact_to_api };

	return crm_list_page(ctx, &l, business_unit, page, out, n, next_cursor);
}

/* ---- templates ---- */

static void tpl_to_api(const void *row, void *item)
{
	const struct store_template *s = row;
	struct api_template *a = item;

	memset(a, 0, sizeof(*a));
	a->id = s->id;
	a->owner_id = s->owner_id;
	a->scope = s->scope == 1 ? API_TPL_BUSINESS_UNIT : API_TPL_USER;
	crm_cp(a->business_unit, sizeof(a->business_unit), s->business_unit);
	crm_cp(a->name, sizeof(a->name), s->name);
	crm_cp(a->body, sizeof(a->body), s->body);
	a->created_at = s->created_at;
	a->updated_at = s->updated_at;
}

static int tpl_write(struct crm *c, const struct api_template *in, bool update,
		     struct api_template *out)
{
	struct store_template *s = calloc(2, sizeof(*s));
	int rc;

	if (!s)
		return -ENOMEM;
	s->id = in->id;
	s->owner_id = in->owner_id;
	s->scope = in->scope == API_TPL_BUSINESS_UNIT ? 1 : 0;
	rc = (unsigned)in->scope > API_TPL_BUSINESS_UNIT ? -EINVAL : 0;
	rc = rc ? rc : crm_cp(s->business_unit, sizeof(s->business_unit), in->business_unit);
	rc = rc ? rc : crm_cp(s->name, sizeof(s->name), in->name);
	rc = rc ? rc : crm_cp(s->body, sizeof(s->body), in->body);
	if (!rc)
		rc = update ? store_tpl_update(c->cfg.store, s, crm_now(c), &s[1])
			    : store_tpl_create(c->cfg.store, s, crm_now(c), &s[1]);
	if (!rc)
		tpl_to_api(&s[1], out);
	free(s);
	return rc;
}

static int op_tpl_create(void *ctx, const struct api_template *in, struct api_template *out)
{
	return tpl_write(ctx, in, false, out);
}

static int op_tpl_update(void *ctx, const struct api_template *in, struct api_template *out)
{
	return tpl_write(ctx, in, true, out);
}

static int op_tpl_get(void *ctx, uint64_t id, struct api_template *out)
{
	struct crm *c = ctx;
	struct store_template *s = malloc(sizeof(*s));
	int rc = s ? store_tpl_get(c->cfg.store, id, s) : -ENOMEM;

	if (!rc)
		tpl_to_api(s, out);
	free(s);
	return rc;
}

static int op_tpl_delete(void *ctx, uint64_t id)
{
	struct crm *c = ctx;

	return store_tpl_delete(c->cfg.store, id);
}

/* What an owner may read: their own and their business unit's. */
struct tpl_filter {
	uint64_t owner_id;
	const char *business_unit;
};

static int tpl_fetch(struct crm *c, const void *arg, uint64_t after, void *rows, size_t max,
		     size_t *n, bool *more)
{
	const struct tpl_filter *f = arg;

	return store_tpl_list(c->cfg.store, f->owner_id, f->business_unit, after, rows, max, n,
			      more);
}

static int op_tpl_list(void *ctx, uint64_t owner_id, const char *business_unit,
		       const struct api_page *page, struct api_template *out, size_t *n,
		       char *next_cursor)
{
	static const struct crm_list l = { sizeof(struct store_template),
					   offsetof(struct store_template, id),
					   sizeof(struct api_template), tpl_fetch, tpl_to_api };
	const struct tpl_filter f = { owner_id, business_unit };

	return crm_list_page(ctx, &l, &f, page, out, n, next_cursor);
}

void crm_ops_contacts(struct api_backend_ops *ops)
{
	ops->contact_create = op_contact_create;
	ops->contact_get = op_contact_get;
	ops->contact_update = op_contact_update;
	ops->contact_delete = op_contact_delete;
	ops->contact_list = op_contact_list;
	ops->tpl_create = op_tpl_create;
	ops->tpl_get = op_tpl_get;
	ops->tpl_update = op_tpl_update;
	ops->tpl_delete = op_tpl_delete;
	ops->tpl_list = op_tpl_list;
}
