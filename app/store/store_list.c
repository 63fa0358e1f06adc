/* The shapes the CRM tables' queries share: a keyset page ("LIMIT max + 1",
 * the extra row only says there is more), the child rows of one id, one
 * row by id, and a one-statement change. Each list and get used to
 * spell out its own lock / prepare / bind / step loop; one copy here keeps
 * the locking and the SQLite-code -> -errno mapping the same everywhere. */
#include <errno.h>

#include "store_priv.h"

static void bind_params(sqlite3_stmt *st, const struct store_param *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i].is_str)
			store_bind_str(st, (int)i + 1, p[i].s);
		else
			sqlite3_bind_int64(st, (int)i + 1, p[i].i);
	}
}

/* Steps st to its end and resets it: row k < max goes through read into
 * out, every row counts in *rows. Returns 0 or -errno. */
static int rows_step(sqlite3_stmt *st, store_row_fn read, void *out, size_t row_size,
		     size_t max, size_t *rows)
{
	unsigned char *o = out;
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*rows < max)
			read(st, o + *rows * row_size);
		(*rows)++;
	}
	sqlite3_reset(st);
	return store_err(rc); /* DONE -> 0 */
}

int store_page_run(struct store *s, const struct store_page_q *q, void *out, size_t max,
		   size_t *n, bool *more)
{
	sqlite3_stmt *st;
	size_t rows = 0;
	int rc = -EIO;

	*n = 0;
	*more = false;
	pthread_mutex_lock(&s->mu);
	st = store_xstmt(s, q->x, q->sql);
	if (st) {
		bind_params(st, q->params, q->n_params);
		sqlite3_bind_int64(st, (int)q->n_params + 1, (sqlite3_int64)max + 1);
		rc = rows_step(st, q->read, out, q->row_size, max, &rows);
		*more = rows > max;
		*n = *more ? max : rows;
	}
	/* Child rows after the scan: one statement is stepped at a time. */
	if (!rc && q->finish)
		rc = q->finish(s, out, *n);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int store_rows_of(struct store *s, enum store_stmt id, uint64_t key, store_row_fn read,
		  void *out, size_t row_size, size_t max)
{
	sqlite3_stmt *st;
	size_t rows = 0;
	int rc = -EIO;

	pthread_mutex_lock(&s->mu);
	st = store_stmt(s, id);
	if (st) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)key);
		rc = rows_step(st, read, out, row_size, max, &rows);
	}
	pthread_mutex_unlock(&s->mu);
	return rc ? rc : (int)rows;
}

int store_get_by_id(struct store *s, enum store_xstmt x, const char *sql, uint64_t id,
		    store_row_fn read, void *out)
{
	sqlite3_stmt *st = store_xstmt(s, x, sql);
	int rc;

	if (!st)
		return -EIO;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && out)
		read(st, out);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? -ENOENT : store_err(rc);
}

/* Binds p to x and steps it to the end. Returns 0 or -errno. */
static int exec_params(struct store *s, enum store_xstmt x, const char *sql,
		       const struct store_param *p, size_t n)
{
	sqlite3_stmt *st = store_xstmt(s, x, sql);

	if (!st)
		return -EIO;
	bind_params(st, p, n);
	return store_step_done(st);
}

int store_change_locked(struct store *s, enum store_xstmt x, const char *sql,
			const struct store_param *p, size_t n)
{
	int rc = exec_params(s, x, sql, p, n);

	if (!rc && sqlite3_changes(s->db) == 0)
		rc = -ENOENT;
	return rc;
}

int store_insert_locked(struct store *s, enum store_xstmt x, const char *sql,
			const struct store_param *p, size_t n, uint64_t *id)
{
	int rc = exec_params(s, x, sql, p, n);

	if (!rc)
		*id = (uint64_t)sqlite3_last_insert_rowid(s->db);
	return rc;
}

int store_change(struct store *s, enum store_xstmt x, const char *sql,
		 const struct store_param *p, size_t n)
{
	int rc;

	if (!s)
		return -EINVAL;
	rc = store_tx_lock_begin(s);
	if (rc)
		return rc;
	return store_tx_end_unlock(s, store_change_locked(s, x, sql, p, n));
}

int store_change_by_id(struct store *s, enum store_xstmt x, const char *sql, uint64_t id)
{
	const struct store_param p[] = { STORE_PI(id) };

	return store_change(s, x, sql, p, 1);
}

int store_read_by_id(struct store *s, enum store_xstmt x, const char *sql, uint64_t id,
		     store_row_fn read, void *out)
{
	int rc;

	if (!s || !out)
		return -EINVAL;
	pthread_mutex_lock(&s->mu);
	rc = store_get_by_id(s, x, sql, id, read, out);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int store_one_row_locked(sqlite3_stmt *st, const int64_t *param, int64_t *out, int n)
{
	int rc;

	if (!st)
		return -EIO;
	if (param)
		sqlite3_bind_int64(st, 1, *param);
	rc = sqlite3_step(st);
	for (int i = 0; rc == SQLITE_ROW && i < n; i++)
		out[i] = sqlite3_column_int64(st, i);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? -ENOENT : store_err(rc);
}
