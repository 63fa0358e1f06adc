/* Contacts with typed numbers, and message templates (user or business
 * unit scope). */
#include <errno.h>
#include <string.h>

#include "store/store_crm.h"
#include "store_priv.h"

#define CONTACT_COLS "id,name,business_unit,crm_type,crm_id,created_at,updated_at"
static const char sql_contact_insert[] =
	"INSERT INTO contacts(name,business_unit,crm_type,crm_id,created_at,updated_at)"
	" VALUES(?2,?3,?4,?5,?6,?6)";
static const char sql_contact_update[] =
	"UPDATE contacts SET name=?2, business_unit=?3, crm_type=?4, crm_id=?5, updated_at=?6"
	" WHERE id=?1";
static const char sql_contact_get[] = "SELECT " CONTACT_COLS " FROM contacts WHERE id=?1";
static const char sql_contact_delete[] = "DELETE FROM contacts WHERE id=?1";
static const char sql_contact_list[] =
	"SELECT " CONTACT_COLS " FROM contacts WHERE (?1 IS NULL OR business_unit=?1)"
	" AND id>?2 ORDER BY id LIMIT ?3";
static const char sql_number_insert[] =
	"INSERT INTO contact_numbers(contact_id,idx,type,number,do_not_text)"
	" VALUES(?1,?2,?3,?4,?5)";
static const char sql_numbers_get[] = "SELECT type,number,do_not_text FROM contact_numbers"
				      " WHERE contact_id=?1 ORDER BY idx";
static const char sql_numbers_clear[] = "DELETE FROM contact_numbers WHERE contact_id=?1";

#define TPL_COLS "id,owner_id,scope,business_unit,name,body,created_at,updated_at"
static const char sql_tpl_insert[] =
	"INSERT INTO templates(owner_id,scope,business_unit,name,body,created_at,updated_at)"
	" VALUES(?1,?2,?3,?4,?5,?6,?6)";
static const char sql_tpl_get[] = "SELECT " TPL_COLS " FROM templates WHERE id=?1";
static const char sql_tpl_update[] =
	"UPDATE templates SET scope=?2, business_unit=?3, name=?4, body=?5, updated_at=?6"
	" WHERE id=?1";
static const char sql_tpl_delete[] = "DELETE FROM templates WHERE id=?1";
static const char sql_tpl_list[] =
	"SELECT " TPL_COLS " FROM templates WHERE (owner_id=?1 OR (scope=1 AND business_unit=?2))"
	" AND id>?3 ORDER BY id LIMIT ?4";

static const char *const number_types[] = { "business", "mobile", "home", "other" };

static bool fits(const char *v, size_t max)
{
	return v && strlen(v) < max;
}

static bool contact_ok(const struct store_contact *c)
{
	if (!c || !c->name[0] || !fits(c->name, STORE_NAME_MAX) ||
	    !fits(c->business_unit, STORE_NAME_MAX) || !fits(c->crm_type, STORE_NAME_MAX) ||
	    !fits(c->crm_id, STORE_KEY_MAX))
		return false;
	for (size_t i = 0; i < c->n_numbers && i < STORE_NUMBERS_MAX; i++) {
		bool known = false;

		for (size_t k = 0; k < sizeof(number_types) / sizeof(number_types[0]); k++)
			known |= strcmp(c->numbers[i].type, number_types[k]) == 0;
		if (!known || !c->numbers[i].number[0] ||
		    !fits(c->numbers[i].number, STORE_ADDR_MAX))
			return false;
	}
	return true;
}

static int numbers_write(struct store *s, uint64_t id, const struct store_contact *c)
{
	sqlite3_stmt *st = store_xstmt(s, SX_NUMBERS_CLEAR, sql_numbers_clear);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	rc = store_step_done(st);
	for (size_t i = 0; !rc && i < c->n_numbers; i++) {
		st = store_xstmt(s, SX_NUMBER_INSERT, sql_number_insert);
		if (!st)
			return -EIO;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
		sqlite3_bind_int(st, 2, (int)i);
		store_bind_str(st, 3, c->numbers[i].type);
		store_bind_str(st, 4, c->numbers[i].number);
		sqlite3_bind_int(st, 5, c->numbers[i].do_not_text);
		rc = store_step_done(st);
	}
	return rc;
}

static int numbers_read(struct store *s, struct store_contact *c)
{
	sqlite3_stmt *st = store_xstmt(s, SX_NUMBERS_GET, sql_numbers_get);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)c->id);
	c->n_numbers = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && c->n_numbers < STORE_NUMBERS_MAX) {
		struct store_contact_number *n = &c->numbers[c->n_numbers++];

		store_col_str(st, 0, n->type, sizeof(n->type));
		store_col_str(st, 1, n->number, sizeof(n->number));
		n->do_not_text = sqlite3_column_int(st, 2) != 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : store_err(rc);
}

static void fill_contact(sqlite3_stmt *st, void *row)
{
	struct store_contact *c = row;

	memset(c, 0, sizeof(*c));
	c->id = (uint64_t)sqlite3_column_int64(st, 0);
	store_col_str(st, 1, c->name, sizeof(c->name));
	store_col_str(st, 2, c->business_unit, sizeof(c->business_unit));
	store_col_str(st, 3, c->crm_type, sizeof(c->crm_type));
	store_col_str(st, 4, c->crm_id, sizeof(c->crm_id));
	c->created_at = sqlite3_column_int64(st, 5);
	c->updated_at = sqlite3_column_int64(st, 6);
}

static int contact_get_locked(struct store *s, uint64_t id, struct store_contact *out)
{
	int rc = store_get_by_id(s, SX_CONTACT_GET, sql_contact_get, id, fill_contact, out);

	return rc ? rc : numbers_read(s, out);
}

/* Insert (update false) or replace in->id, numbers included, in one
 * transaction. */
static int contact_write(struct store *s, const struct store_contact *in, bool update,
			 int64_t now, struct store_contact *out)
{
	uint64_t id = update ? in->id : 0;
	int rc;

	if (!s || !out || !contact_ok(in))
		return -EINVAL;
	if (in->n_numbers > STORE_NUMBERS_MAX)
		return -E2BIG;

	const struct store_param p[] = { STORE_PI(id),
					 STORE_PS(in->name),
					 STORE_PS(in->business_unit),
					 STORE_PS(in->crm_type),
					 STORE_PS(in->crm_id),
					 STORE_PI(now) };

	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	/* The insert leaves ?1 unused: one parameter list serves both. */
	rc = update ? store_change_locked(s, SX_CONTACT_UPDATE, sql_contact_update, p, 6)
		    : store_insert_locked(s, SX_CONTACT_INSERT, sql_contact_insert, p, 6, &id);
	if (!rc)
		rc = numbers_write(s, id, in);
	if (!rc)
		rc = contact_get_locked(s, id, out);
	return store_tx_end_unlock(s, rc);
}

int store_contact_create(struct store *s, const struct store_contact *in, int64_t now,
			 struct store_contact *out)
{
	return contact_write(s, in, false, now, out);
}

int store_contact_update(struct store *s, const struct store_contact *in, int64_t now,
			 struct store_contact *out)
{
	return contact_write(s, in, true, now, out);
}

int store_contact_get(struct store *s, uint64_t id, struct store_contact *out)
{
	int rc;

	if (!s || !out)
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	rc = contact_get_locked(s, id, out);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int store_contact_delete(struct store *s, uint64_t id)
{
	return store_change_by_id(s, SX_CONTACT_DELETE, sql_contact_delete, id);
}

/* The numbers of a page of contacts (store_page_q.finish). */
static int numbers_of_page(struct store *s, void *rows, size_t n)
{
	struct store_contact *c = rows;

	for (size_t i = 0; i < n; i++)
		if (numbers_read(s, &c[i]))
			return -EIO;
	return 0;
}

int store_contact_list(struct store *s, const char *business_unit, uint64_t after,
		       struct store_contact *out, size_t max, size_t *n, bool *more)
{
	const struct store_param p[] = {
		STORE_PS(business_unit && business_unit[0] ? business_unit : NULL), STORE_PI(after)
	};
	const struct store_page_q q = { SX_CONTACT_LIST, sql_contact_list, p, 2, fill_contact,
					sizeof(*out), numbers_of_page };

	if (!s || !out || !max || !n || !more)
		return -EINVAL;
	return store_page_run(s, &q, out, max, n, more);
}

/* ---- templates ---- */

static bool tpl_ok(const struct store_template *t)
{
	return t && (t->scope == 0 || t->scope == 1) && t->name[0] &&
	       fits(t->name, STORE_NAME_MAX) && fits(t->business_unit, STORE_NAME_MAX) &&
	       t->body[0] && fits(t->body, STORE_TPL_BODY_MAX);
}

static void fill_tpl(sqlite3_stmt *st, void *row)
{
	struct store_template *t = row;

	memset(t, 0, sizeof(*t));
	t->id = (uint64_t)sqlite3_column_int64(st, 0);
	t->owner_id = (uint64_t)sqlite3_column_int64(st, 1);
	t->scope = sqlite3_column_int(st, 2);
	store_col_str(st, 3, t->business_unit, sizeof(t->business_unit));
	store_col_str(st, 4, t->name, sizeof(t->name));
	store_col_str(st, 5, t->body, sizeof(t->body));
	t->created_at = sqlite3_column_int64(st, 6);
	t->updated_at = sqlite3_column_int64(st, 7);
}

static int tpl_get_locked(struct store *s, uint64_t id, struct store_template *out)
{
	return store_get_by_id(s, SX_TPL_GET, sql_tpl_get, id, fill_tpl, out);
}

static int tpl_write(struct store *s, const struct store_template *in, bool update, int64_t now,
		     struct store_template *out)
{
	uint64_t id = update ? in->id : 0;
	int rc;

	if (!s || !out || !tpl_ok(in))
		return -EINVAL;

	/* ?1: the template on update, its owner on insert. */
	const struct store_param p[] = { STORE_PI(update ? in->id : in->owner_id),
					 STORE_PI(in->scope),
					 STORE_PS(in->business_unit),
					 STORE_PS(in->name),
					 STORE_PS(in->body),
					 STORE_PI(now) };

	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	rc = update ? store_change_locked(s, SX_TPL_UPDATE, sql_tpl_update, p, 6)
		    : store_insert_locked(s, SX_TPL_INSERT, sql_tpl_insert, p, 6, &id);
	if (!rc)
		rc = tpl_get_locked(s, id, out);
	return store_tx_end_unlock(s, rc);
}

int store_tpl_create(struct store *s, const struct store_template *in, int64_t now,
		     struct store_template *out)
{
	return tpl_write(s, in, false, now, out);
}

int store_tpl_update(struct store *s, const struct store_template *in, int64_t now,
		     struct store_template *out)
{
	return tpl_write(s, in, true, now, out);
}

int store_tpl_get(struct store *s, uint64_t id, struct store_template *out)
{
	return store_read_by_id(s, SX_TPL_GET, sql_tpl_get, id, fill_tpl, out);
}

int store_tpl_delete(struct store *s, uint64_t id)
{
	return store_change_by_id(s, SX_TPL_DELETE, sql_tpl_delete, id);
}

/* The owner's templates and the business unit's shared ones. */
int store_tpl_list(struct store *s, uint64_t owner_id, const char *business_unit, uint64_t after,
		   struct store_template *out, size_t max, size_t *n, bool *more)
{
	const struct store_param p[] = { STORE_PI(owner_id),
					 STORE_PS(business_unit ? business_unit : ""),
					 STORE_PI(after) };
	const struct store_page_q q = { SX_TPL_LIST, sql_tpl_list, p, 3, fill_tpl, sizeof(*out),
					NULL };

	if (!s || !out || !max || !n || !more)
		return -EINVAL;
	return store_page_run(s, &q, out, max, n, more);
}
