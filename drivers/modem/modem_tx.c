/* Sending: the channel's submit() encodes the text into SMS-SUBMIT parts at
 * once (so a message that can never go is refused then), queues it, and
 * the pump sends AT+CMGS=<len> part by part with the "> " prompt. TP-MR
 * comes back per part (+CMGS: <mr>) and is reported through part_sent;
 * parts that asked for a status report are remembered for matching. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/at_errors.h"
#include "at/at_parse.h"
#include "modem_priv.h"

LOG_MODULE(log_mtx, "modem");

static void modem_tx_remove(struct modem *m, size_t i)
{
	free(m->txq[i]);
	memmove(&m->txq[i], &m->txq[i + 1], (m->tx_n - i - 1) * sizeof(m->txq[0]));
	m->tx_n--;
}

/* Report the outcome of txq[i] and drop it. */
static void modem_tx_finish(struct modem *m, size_t i, const struct channel_outcome *o)
{
	struct modem_tx *tx = m->txq[i];
	uint64_t id = tx->id;
	if (o->status == 0)
		m->stats.msgs_sent++;
	else
		m->stats.msgs_failed++;
	modem_tx_remove(m, i);
	if (m->cfg.events.submit_done)
		m->cfg.events.submit_done(m->cfg.events.arg, id, o);
}

static void modem_tx_fail(struct modem *m, size_t i, int status, bool retryable, int code,
			  const char *text)
{
	struct channel_outcome o = { .status = status, .retryable = retryable, .code = code,
				     .parts_sent = m->txq[i]->next,
				     .parts_total = m->txq[i]->n_parts };
	snprintf(o.text, sizeof(o.text), "%s", text);
	LOG_WRN(&log_mtx, m->name, "message %llu failed after %u/%u parts: %s (%s)",
		(unsigned long long)m->txq[i]->id, o.parts_sent, o.parts_total, text,
		retryable ? "retryable" : "permanent");
	modem_tx_finish(m, i, &o);
}

int modem_submit(struct modem *m, const struct channel_msg *msg)
{
	if (!m || !msg || !msg->to || (!msg->text && msg->text_len))
		return -EINVAL;
	if (strlen(msg->to) >= CHANNEL_NUMBER_MAX || msg->validity_s < 0)
		return -EINVAL;
	if (!m->health.can_send)
		return -ENOTCONN;
	if (m->tx_n >= m->cfg.queue_max)
		return -EBUSY;
	struct modem_tx *tx = calloc(1, sizeof(*tx));
	if (!tx)
		return -ENOMEM;
	struct sms_submit_opts o = { 0 };
	o.to = msg->to;
	o.seg.pref = msg->ucs2 ? SMS_PREF_UCS2 : SMS_PREF_AUTO;
	o.status_report = msg->want_report || m->cfg.always_report;
	o.flash = msg->flash;
	o.ref = m->concat_ref++;
	if (msg->validity_s > 0) {
		o.has_vp = true;
		o.vp_relative = sms_vp_relative_from_minutes((uint32_t)((msg->validity_s + 59) / 60));
	}
	int n = sms_submit_encode_text(&o, msg->text ? msg->text : "", msg->text_len, tx->parts,
				       m->cfg.max_parts);
	if (n <= 0) {
		LOG_WRN(&log_mtx, m->name, "message %llu refused: cannot encode (%d)",
			(unsigned long long)msg->id, n);
		free(tx);
		return -EINVAL;
	}
	tx->id = msg->id;
	tx->n_parts = (unsigned)n;
	tx->report = o.status_report;
	tx->queued_ms = modem_now(m);
	snprintf(tx->to, sizeof(tx->to), "%s", msg->to);
	m->txq[m->tx_n++] = tx;
	LOG_DBG(&log_mtx, m->name, "message %llu queued: %u part(s)", (unsigned long long)tx->id,
		tx->n_parts);
	modem_kick(m);
	return 0;
}

int modem_cancel(struct modem *m, uint64_t msg_id)
{
	if (!m)
		return -EINVAL;
	for (size_t i = 0; i < m->tx_n; i++) {
		struct modem_tx *tx = m->txq[i];
		if (tx->id != msg_id || tx->canceled)
			continue;
		if (tx->next > 0 || tx == m->tx_cur)
			return -EBUSY; /* parts are with the network already */
		tx->canceled = true;
		modem_kick(m); /* submit_done(-ECANCELED) from the pump */
		return 0;
	}
	return -ENOENT;
}

void modem_tx_reap(struct modem *m)
{
	for (size_t i = 0; i < m->tx_n;) {
		if (m->txq[i]->canceled && m->txq[i] != m->tx_cur)
			modem_tx_fail(m, i, -ECANCELED, false, 0, "canceled");
		else
			i++;
	}
}

void modem_tx_expire(struct modem *m)
{
	int64_t now = modem_now(m);
	for (size_t i = 0; i < m->tx_n;) {
		struct modem_tx *tx = m->txq[i];
		if (tx != m->tx_cur && tx->next == 0 &&
		    now - tx->queued_ms > m->cfg.queue_expire_ms)
			modem_tx_fail(m, i, -ETIMEDOUT, true, 0, "not sent in time (modem not ready)");
		else
			i++;
	}
}

void modem_tx_fail_all(struct modem *m, int status, const char *why)
{
	while (m->tx_n)
		modem_tx_fail(m, 0, status, true, 0, why);
}

void modem_tx_free(struct modem *m)
{
	while (m->tx_n)
		modem_tx_remove(m, 0);
}

static void modem_sent_record(struct modem *m, struct modem_tx *tx, int mr, char *ref,
			      size_t ref_len)
{
	m->sent_seq++;
	snprintf(ref, ref_len, "%d@%lld.%lu", mr, (long long)hal_clock_wall_ms(hal_loop_clock(m->loop)),
		 m->sent_seq % 1000);
	if (!tx->report || mr < 0)
		return;
	struct modem_sent *s = &m->sent[m->sent_pos];
	m->sent_pos = (m->sent_pos + 1) % MODEM_SENT_MAX;
	s->used = true;
	s->mr = (uint8_t)mr;
	s->at_ms = modem_now(m);
	snprintf(s->to, sizeof(s->to), "%s", tx->to);
	snprintf(s->ref, sizeof(s->ref), "%s", ref);
}

static void modem_cmgs_failed(struct modem *m, int status, const struct at_result *res)
{
	char text[CHANNEL_TEXT_MAX];
	int code = 0;
	bool retry = true;
	int st = status;
	if (status == 0) {
		st = -EIO;
		code = res->code == AT_CODE_NONE ? 0 : res->code;
		if (res->final == AT_FINAL_CMS_ERROR && res->code != AT_CODE_NONE) {
			retry = at_cms_retryable(res->code);
			snprintf(text, sizeof(text), "+CMS ERROR: %d %s", res->code,
				 at_cms_str(res->code));
		} else if (res->final == AT_FINAL_CME_ERROR && res->code != AT_CODE_NONE) {
			retry = at_cme_retryable(res->code);
			snprintf(text, sizeof(text), "+CME ERROR: %d %s", res->code,
				 at_cme_str(res->code));
		} else {
			at_result_format(res, text, sizeof(text));
		}
	} else if (status == -ETIMEDOUT) {
		snprintf(text, sizeof(text), "no answer to AT+CMGS");
	} else {
		snprintf(text, sizeof(text), "interrupted (%s)",
			 status == -ECANCELED ? "recovery" : "port gone");
	}
	modem_tx_fail(m, 0, st, retry, code, text);
}

static void modem_cmgs_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	struct modem_tx *tx = m->tx_cur;
	m->tx_cur = NULL;
	if (!tx || !m->tx_n || m->txq[0] != tx)
		return;
	if (status != 0 || !at_result_ok(res)) {
		modem_cmgs_failed(m, status, res);
		if (status == -ETIMEDOUT)
			modem_recover(m, "AT+CMGS timed out");
		return;
	}
	struct at_cmgs c;
	const char *l = at_resp_find(resp, "+CMGS:");
	int mr = (l && at_parse_cmgs(l, &c) == 0) ? c.mr : -1;
	char ref[CHANNEL_REF_MAX];
	modem_sent_record(m, tx, mr, ref, sizeof(ref));
	unsigned part = tx->next++;
	m->stats.parts_sent++;
	LOG_DBG(&log_mtx, m->name, "message %llu part %u/%u sent, TP-MR %d",
		(unsigned long long)tx->id, tx->next, tx->n_parts, mr);
	if (m->cfg.events.part_sent)
		m->cfg.events.part_sent(m->cfg.events.arg, tx->id, part, tx->n_parts, ref);
	if (tx->next < tx->n_parts || !m->tx_n || m->txq[0] != tx)
		return;
	struct channel_outcome o = { .status = 0, .parts_sent = tx->n_parts,
				     .parts_total = tx->n_parts };
	snprintf(o.text, sizeof(o.text), "sent");
	modem_tx_finish(m, 0, &o);
}

bool modem_tx_pump(struct modem *m)
{
	if (!m->registered || !m->tx_n) {
		if (m->st == MODEM_ST_SENDING)
			modem_set_state(m, MODEM_ST_READY, "queue empty");
		return false;
	}
	struct modem_tx *tx = m->txq[0];
	const struct sms_encoded_pdu *p = &tx->parts[tx->next];
	if (sms_hex_encode(p->pdu, p->len, m->pdu_hex, sizeof(m->pdu_hex)) < 0) {
		modem_tx_fail(m, 0, -EINVAL, false, 0, "PDU too long");
		return false;
	}
	snprintf(m->cmd, sizeof(m->cmd), "AT+CMGS=%u", (unsigned)p->tpdu_len);
	if (m->st == MODEM_ST_READY)
		modem_set_state(m, MODEM_ST_SENDING, "send");
	m->tx_cur = tx;
	int rc = modem_cmd_pdu(m, m->cmd, m->pdu_hex, m->p->t.cmgs_ms, modem_cmgs_done);
	if (rc < 0) {
		m->tx_cur = NULL;
		return false;
	}
	return true;
}
