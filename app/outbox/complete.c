/* Completions coalesced per loop turn (loop thread). A channel's part
 * references and its submit_done(ok) are kept in memory and committed
 * together by ob_flush: every reference, then every move to sent, in ONE
 * transaction (one fsync for all the messages finished in a turn instead of
 * two each). ob_flush runs from a zero-delay timer armed by the first kept
 * completion, and before anything that reads or changes those messages
 * (a dispatch pass, a delivery report, another outcome, cancel, stop).
 *
 * The crash rule holds: a message stays `sending` until the commit, so a
 * crash before it requeues it as a possible duplicate (rule 2, the channel
 * had it); a commit records its references with or before its move. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/log.h"
#include "outbox_priv.h"

LOG_MODULE(log_complete, "outbox");

/* Room for one more element in *arr (cap *cap, size sz); 0 or -ENOMEM. */
static int grow(void **arr, size_t n, size_t *cap, size_t sz)
{
	void *na;
	size_t c;

	if (n < *cap)
		return 0;
	c = *cap ? 2 * *cap : 64;
	na = realloc(*arr, c * sz);
	if (!na)
		return -ENOMEM;
	*arr = na;
	*cap = c;
	return 0;
}

static int64_t flush_cb(void *arg)
{
	struct outbox *ob = arg;

	ob->flush_timer = 0;
	ob_flush(ob);
	return HAL_TIMER_STOP;
}

static void arm_flush(struct outbox *ob)
{
	if (!ob->flush_timer)
		hal_loop_add_timer(ob->cfg.loop, 0, flush_cb, ob, &ob->flush_timer);
}

int ob_ref_keep(struct outbox *ob, const struct ob_slot *s, uint64_t id, unsigned part,
		unsigned total, const char *ref)
{
	struct ob_ref *r;
	size_t len = ref ? strlen(ref) : 0;

	if (!len || len >= sizeof(r->ref))
		return -EINVAL; /* store_part_sent says why */
	if (grow((void **)&ob->refs, ob->n_refs, &ob->cap_refs, sizeof(*r)))
		return -ENOMEM;
	r = &ob->refs[ob->n_refs++];
	*r = (struct ob_ref){ .id = id, .part = part, .total = total, .channel = s->name };
	memcpy(r->ref, ref, len + 1);
	return 0;
}

int ob_sent_keep(struct outbox *ob, const struct ob_slot *s, uint64_t id, int64_t created,
		 int code, int64_t now)
{
	if (grow((void **)&ob->dones, ob->n_dones, &ob->cap_dones, sizeof(*ob->dones)))
		return -ENOMEM;
	ob->dones[ob->n_dones++] = (struct ob_done){
		.id = id, .slot = s, .created_at = created, .at = now, .code = code,
	};
	arm_flush(ob);
	return 0;
}

void ob_sent_metric(struct outbox *ob, const struct ob_slot *s, int64_t created, int64_t now)
{
	CHAN_METRIC(ob, s, sent);
	if (created)
		ob_latency_metric(ob, now - created);
}

/* The ops: every kept reference, then every kept move to sent (a message's
 * references come before its move: the move settles reports by them). */
static void fill_ops(const struct outbox *ob, struct store_op *ops)
{
	size_t k = 0;

	for (size_t i = 0; i < ob->n_refs; i++, k++) {
		const struct ob_ref *r = &ob->refs[i];

		ops[k] = (struct store_op){ .kind = STORE_OP_PART_SENT, .id = r->id,
					    .part = r->part, .total = r->total,
					    .channel = r->channel, .ref = r->ref };
	}
	for (size_t i = 0; i < ob->n_dones; i++, k++)
		ops[k] = (struct store_op){ .kind = STORE_OP_MOVE, .id = ob->dones[i].id,
					    .from = MSG_SENDING, .to = MSG_SENT,
					    .mv = { .event = "sent",
						    .err_code = ob->dones[i].code } };
}

void ob_flush(struct outbox *ob)
{
	size_t n = ob->n_refs + ob->n_dones;
	struct store_op *ops;
	int rc;

	if (ob->flush_timer) {
		hal_loop_cancel_timer(ob->cfg.loop, ob->flush_timer);
		ob->flush_timer = 0;
	}
	if (!n)
		return;
	ops = calloc(n, sizeof(*ops));
	if (!ops) {
		arm_flush(ob); /* kept; tried again next turn */
		return;
	}
	fill_ops(ob, ops);
	rc = store_batch(ob->cfg.store, ops, n, ob_now(ob));
	if (rc)
		LOG_ERR(&log_complete, NULL, "%zu completion(s) not committed: %d", ob->n_dones, rc);
	for (size_t i = 0; i < ob->n_refs; i++)
		if (ops[i].rc)
			LOG_ERR(&log_complete, ops[i].channel,
				"msg %llu part %u/%u ref %s not recorded: %d",
				(unsigned long long)ops[i].id, ops[i].part + 1, ops[i].total,
				ops[i].ref, ops[i].rc);
	for (size_t i = 0; i < ob->n_dones; i++) {
		const struct store_op *o = &ops[ob->n_refs + i];
		const struct ob_done *d = &ob->dones[i];

		ob_moved(ob, d->id, MSG_SENDING, MSG_SENT, &o->mv, o->rc);
		if (o->rc == 0)
			ob_sent_metric(ob, d->slot, d->created_at, d->at);
	}
	ob->n_refs = ob->n_dones = 0;
	free(ops);
}
