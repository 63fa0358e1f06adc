/* /api/v1/contacts and /api/v1/templates. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_internal.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const number_types[] = { "business", "mobile", "home", "other", NULL };
static const char *const scopes[] = { "user", "business_unit", NULL };

static const struct api_field number_fields[] = {
	API_F_ENUM("type", API_FF_REQUIRED, number_types),
	API_F("number", API_FT_E164, API_FF_REQUIRED, API_NUMBER_MAX - 1),
	API_F_BOOL("do_not_text", 0),
};
static const struct api_field record_fields[] = {
	API_F("type", API_FT_STRING, API_FF_REQUIRED | API_FF_NONEMPTY | API_FF_TOKEN,
	      API_NAME_MAX - 1),
	API_F("id", API_FT_STRING, API_FF_REQUIRED | API_FF_NONEMPTY, API_KEY_MAX - 1),
};
static const struct api_field contact_fields[] = {
	API_F("name", API_FT_STRING, API_FF_REQUIRED | API_FF_NONEMPTY, API_NAME_MAX - 1),
	API_F_OBJ("record", 0, record_fields),
	API_F_ARR("numbers", 0, API_CONTACT_NUMBERS_MAX, number_fields),
	API_F("business_unit", API_FT_STRING, API_FF_TOKEN, API_NAME_MAX - 1),
};
static const struct api_field tpl_fields[] = {
	API_F("name", API_FT_STRING, API_FF_REQUIRED | API_FF_NONEMPTY, API_NAME_MAX - 1),
	API_F("body", API_FT_STRING, API_FF_REQUIRED | API_FF_NONEMPTY | API_FF_TEXT | API_FF_CHARS,
	      API_BODY_CHARS_MAX),
	API_F_ENUM("scope", 0, scopes),
};

static bool is_admin(const struct api_req *r)
{
	return api_role_has(r->who.role, API_P_CONV_READ_ALL);
}

/* ---- contacts ---- */

static int contact_from_json(struct api_req *r, const json_t *o, struct api_contact *c)
{
	const json_t *rec = json_object_get(o, "record"), *nums = json_object_get(o, "numbers");
	const char *bu = api_json_str(o, "business_unit", NULL);
	json_t *it;
	size_t i;

	if (bu && !is_admin(r) && strcmp(bu, r->who.business_unit) != 0)
		return api_err(r, 403, "forbidden", "only administrators set another business unit"),
		       -1;
	snprintf(c->name, sizeof(c->name), "%s", api_json_str(o, "name", ""));
	snprintf(c->business_unit, sizeof(c->business_unit), "%s", bu ? bu : r->who.business_unit);
	if (rec) {
		snprintf(c->record_type, sizeof(c->record_type), "%s", api_json_str(rec, "type", ""));
		snprintf(c->record_id, sizeof(c->record_id), "%s", api_json_str(rec, "id", ""));
	}
	json_array_foreach(nums, i, it) {
		struct api_contact_number *n = &c->numbers[c->n_numbers++];
		snprintf(n->type, sizeof(n->type), "%s", api_json_str(it, "type", ""));
		snprintf(n->number, sizeof(n->number), "%s", api_json_str(it, "number", ""));
		n->do_not_text = api_json_bool(it, "do_not_text", false);
	}
	return 0;
}

static int contact_visible(struct api_req *r, uint64_t id, struct api_contact *c)
{
	int rc = r->be->ops->contact_get(r->be->ctx, id, c);

	if (rc == 0 && !is_admin(r) && strcmp(c->business_unit, r->who.business_unit) != 0)
		rc = -ENOENT;
	if (rc)
		api_err_errno(r, rc, "contact");
	return rc;
}

static int contact_write(struct api_req *r, bool update)
{
	struct api_contact in = { 0 }, out;
	uint64_t id = update ? api_param_id(r, 0) : 0;
	json_t *o;
	int rc;

	if (update && (!id || contact_visible(r, id, &out)))
		return 0;
	o = api_body_json(r, contact_fields, NELEM(contact_fields));
	if (!o || contact_from_json(r, o, &in)) {
		json_decref(o);
		return 0;
	}
	json_decref(o);
	in.id = id;
	rc = update ? r->be->ops->contact_update(r->be->ctx, &in, &out)
		    : r->be->ops->contact_create(r->be->ctx, &in, &out);
	if (rc)
		return api_err_errno(r, rc, "contact");
	return api_ok(r, update ? 200 : 201, api_contact_json(&out));
}

int api_h_contact_create(struct api_req *r)
{
	return contact_write(r, false);
}

int api_h_contact_update(struct api_req *r)
{
	return contact_write(r, true);
}

int api_h_contact_get(struct api_req *r)
{
	struct api_contact c;
	uint64_t id = api_param_id(r, 0);

	if (!id || contact_visible(r, id, &c))
		return 0;
	return api_ok(r, 200, api_contact_json(&c));
}

int api_h_contact_delete(struct api_req *r)
{
	struct api_contact c;
	uint64_t id = api_param_id(r, 0);
	int rc;

	if (!id || contact_visible(r, id, &c))
		return 0;
	rc = r->be->ops->contact_delete(r->be->ctx, id);
	if (rc)
		return api_err_errno(r, rc, "contact");
	return api_ok(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
}

/* arg: the business unit to list ("" = all, for an administrator). */
static int contact_fetch(struct api_req *r, const void *bu, const struct api_page *page,
			 void *out, size_t *n, char *next)
{
	return r->be->ops->contact_list(r->be->ctx, bu, page, out, n, next);
}

static json_t *contact_item(const void *c)
{
	return api_contact_json(c);
}

int api_h_contact_list(struct api_req *r)
{
	static const struct api_list l = { sizeof(struct api_contact), contact_fetch,
					   contact_item, "contacts" };

	return api_list_send(r, &l, is_admin(r) ? "" : r->who.business_unit);
}

/* ---- templates ---- */

/* Read: own, the business unit's, or anything for an administrator. */
static bool tpl_readable(const struct api_req *r, const struct api_template *t)
{
	return t->owner_id == r->who.user_id || is_admin(r) ||
	       (t->scope == API_TPL_BUSINESS_UNIT &&
		strcmp(t->business_unit, r->who.business_unit) == 0);
}

/* Write: own user templates; business-unit ones with template.business_unit
 * in the same unit; administrators anything. */
static bool tpl_writable(const struct api_req *r, const struct api_template *t)
{
	if (is_admin(r))
		return true;
	if (t->scope == API_TPL_BUSINESS_UNIT)
		return api_role_has(r->who.role, API_P_TPL_BU) &&
		       strcmp(t->business_unit, r->who.business_unit) == 0;
	return t->owner_id == r->who.user_id;
}

static int tpl_load(struct api_req *r, uint64_t id, struct api_template *t, bool write)
{
	int rc = r->be->ops->tpl_get(r->be->ctx, id, t);

	if (rc == 0 && !tpl_readable(r, t))
		rc = -ENOENT;
	if (rc == 0 && write && !tpl_writable(r, t))
		rc = -EACCES;
	if (rc)
		api_err_errno(r, rc, "template");
	return rc;
}

static int tpl_write(struct api_req *r, bool update)
{
	struct api_template *in = calloc(1, sizeof(*in)), *out = calloc(1, sizeof(*out));
	uint64_t id = update ? api_param_id(r, 0) : 0;
	json_t *o = NULL;
	int rc;

	if (!in || !out) {
		api_err(r, 500, "internal", "out of memory");
		goto done;
	}
	if (update && (!id || tpl_load(r, id, out, true)))
		goto done;
	o = api_body_json(r, tpl_fields, NELEM(tpl_fields));
	if (!o)
		goto done;
	in->id = id;
	in->owner_id = update ? out->owner_id : r->who.user_id;
	in->scope = strcmp(api_json_str(o, "scope", "user"), "business_unit") == 0
			    ? API_TPL_BUSINESS_UNIT
			    : API_TPL_USER;
	snprintf(in->business_unit, sizeof(in->business_unit), "%s",
		 update ? out->business_unit : r->who.business_unit);
	snprintf(in->name, sizeof(in->name), "%s", api_json_str(o, "name", ""));
	snprintf(in->body, sizeof(in->body), "%s", api_json_str(o, "body", ""));
	if (!tpl_writable(r, in)) {
		api_err(r, 403, "forbidden", "role %s may not write %s templates",
			api_role_str(r->who.role), api_tpl_scope_str(in->scope));
		goto done;
	}
	rc = update ? r->be->ops->tpl_update(r->be->ctx, in, out)
		    : r->be->ops->tpl_create(r->be->ctx, in, out);
	if (rc)
		api_err_errno(r, rc, "template");
	else
		api_ok(r, update ? 200 : 201, api_tpl_json(out));
done:
	json_decref(o);
	free(in);
	free(out);
	return 0;
}

int api_h_tpl_create(struct api_req *r)
{
	return tpl_write(r, false);
}

int api_h_tpl_update(struct api_req *r)
{
	return tpl_write(r, true);
}

int api_h_tpl_get(struct api_req *r)
{
	struct api_template *t = malloc(sizeof(*t));
	uint64_t id = api_param_id(r, 0);

	if (!t)
		return api_err(r, 500, "internal", "out of memory");
	if (id && tpl_load(r, id, t, false) == 0)
		api_ok(r, 200, api_tpl_json(t));
	free(t);
	return 0;
}

int api_h_tpl_delete(struct api_req *r)
{
	struct api_template *t = malloc(sizeof(*t));
	uint64_t id = api_param_id(r, 0);
	int rc;

	if (!t)
		return api_err(r, 500, "internal", "out of memory");
	if (id && tpl_load(r, id, t, true) == 0) {
		rc = r->be->ops->tpl_delete(r->be->ctx, id);
		if (rc)
			api_err_errno(r, rc, "template");
		else
			api_ok(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
	}
	free(t);
	return 0;
}

/* The caller's own templates and their business unit's. */
static int tpl_fetch(struct api_req *r, const void *arg, const struct api_page *page, void *out,
		     size_t *n, char *next)
{
	(void)arg;
	return r->be->ops->tpl_list(r->be->ctx, r->who.user_id, r->who.business_unit, page, out,
				    n, next);
}

static json_t *tpl_item(const void *t)
{
	return api_tpl_json(t);
}

int api_h_tpl_list(struct api_req *r)
{
	static const struct api_list l = { sizeof(struct api_template), tpl_fetch, tpl_item,
					   "templates" };

	return api_list_send(r, &l, NULL);
}
