/* Several moves and part references in one transaction: the dispatcher's
 * claims of one pass, and a completion's references with its move to sent.
 * One fsync for all of them instead of one each. */
#include <errno.h>
#include <string.h>

#include "store_priv.h"

const char *store_op_kind_str(enum store_op_kind k)
{
	switch (k) {
	case STORE_OP_MOVE:
		return "move";
	case STORE_OP_PART_SENT:
		return "part_sent";
	default:
		return "?";
	}
}

static bool fits(const char *v, size_t max)
{
	return !v || strlen(v) < max;
}

/* The argument checks of store_msg_move / store_part_sent. */
static bool op_valid(const struct store_op *o)
{
	if (o->kind == STORE_OP_MOVE)
		return (unsigned)o->from < MSG_STATUS_COUNT && (unsigned)o->to < MSG_STATUS_COUNT &&
		       fits(o->mv.channel, STORE_NAME_MAX) && fits(o->mv.sender, STORE_ADDR_MAX) &&
		       fits(o->mv.err_text, STORE_TEXT_MAX) && fits(o->mv.event, 32);
	if (o->kind == STORE_OP_PART_SENT)
		return o->channel && o->channel[0] && o->ref && o->ref[0] && o->total >= 1 &&
		       o->total <= 255 && o->part < o->total && fits(o->channel, STORE_NAME_MAX) &&
		       fits(o->ref, 64);
	return false;
}

static int op_apply(struct store *s, const struct store_op *o, int64_t now)
{
	if (o->kind == STORE_OP_MOVE)
		return store_move_locked(s, o->id, o->from, o->to, &o->mv, now);
	return store_part_sent_locked(s, o->id, o->part, o->total, o->channel, o->ref, now);
}

/* One op under its savepoint. Returns 0 to go on (outcome in o->rc), or
 * -errno when the transaction itself is lost. */
static int op_run(struct store *s, struct store_op *o, int64_t now)
{
	int rc;

	if (!op_valid(o)) {
		o->rc = -EINVAL;
		return 0;
	}
	rc = store_exec_stmt(s, ST_SAVEPOINT);
	if (rc)
		return rc;
	o->rc = op_apply(s, o, now);
	if (o->rc) {
		/* Undo this op only; when even that fails (SQLite rolled the whole
		 * transaction back on an I/O error) the batch is lost. */
		rc = store_exec_stmt(s, ST_ROLLBACK_TO);
		if (rc || sqlite3_get_autocommit(s->db))
			return rc ? rc : o->rc;
	}
	return store_exec_stmt(s, ST_RELEASE);
}

int store_batch(struct store *s, struct store_op *ops, size_t n, int64_t now)
{
	int rc;

	if (!s || (!ops && n))
		return -EINVAL;
	if (!n)
		return 0;
	rc = store_tx_lock_begin(s);
	if (!rc) {
		for (size_t i = 0; !rc && i < n; i++)
			rc = op_run(s, &ops[i], now);
		rc = store_tx_end_unlock(s, rc);
	}
	if (rc)
		for (size_t i = 0; i < n; i++)
			ops[i].rc = rc;
	return rc;
}
