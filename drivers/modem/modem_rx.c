/* Receiving and watching: +CMTI/+CDSI -> AT+CMGR -> inbound()/report ->
 * only then AT+CMGD; +CMT/+CDS with +CNMA; storage sweeps (AT+CMGL=4) at
 * start, periodically, on storage-full hints and after inbound() refused a
 * message; the periodic status poll (signal, registration, operator,
 * storage use).
 *
 * Never twice: an index is tracked from the URC/sweep until it is deleted
 * (read queue, the one being read, delete queue, held); a message whose
 * TPDU was already delivered (delete failed, the network repeated a part)
 * is deleted without a second inbound(). Never lost: nothing is deleted
 * before inbound() returned 0, and a refused or unreadable message stays
 * in storage for the next sweep. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "at/at_errors.h"
#include "at/at_parse.h"
#include "modem_priv.h"

LOG_MODULE(log_mrx, "modem");

#define SWEEP_SMS 1u
#define SWEEP_SR 2u

static bool modem_job_eq(const struct modem_job *a, const struct modem_job *b)
{
	return a->index == b->index && !strcmp(a->mem, b->mem);
}

static bool modem_job_in(const struct modem_job *list, size_t n, const struct modem_job *j)
{
	for (size_t i = 0; i < n; i++)
		if (modem_job_eq(&list[i], j))
			return true;
	return false;
}

static bool modem_job_tracked(const struct modem *m, const struct modem_job *j)
{
	return modem_job_in(m->rq, m->rq_n, j) || modem_job_in(m->dq, m->dq_n, j) ||
	       modem_job_in(m->held, m->held_n, j) || modem_job_eq(&m->cur_job, j);
}

static bool modem_job_push(struct modem_job *list, size_t *n, const struct modem_job *j)
{
	if (*n >= MODEM_JOBS_MAX)
		return false;
	list[(*n)++] = *j;
	return true;
}

static void modem_job_pop(struct modem_job *list, size_t *n)
{
	memmove(&list[0], &list[1], (*n - 1) * sizeof(list[0]));
	(*n)--;
}

/* A stored message to read, unless it is already on its way. */
static void modem_enqueue_read(struct modem *m, const char *mem, long index)
{
	struct modem_job j = { .index = index };
	snprintf(j.mem, sizeof(j.mem), "%s", mem);
	if (modem_job_tracked(m, &j))
		return;
	if (!modem_job_push(m->rq, &m->rq_n, &j))
		m->sweep_again = true; /* the sweep after this one finds it */
	modem_kick(m);
}

void modem_rx_reset(struct modem *m)
{
	/* After a reboot or recovery: the read memory is unknown and acks for
	 * +CMT are moot (the network resends). The read queue stays valid:
	 * storage survives; a sweep makes sure. */
	m->mem1[0] = '\0';
	m->cnma_n = 0;
	if (m->cur_job.mem[0]) {
		struct modem_job j = m->cur_job;
		m->cur_job.mem[0] = '\0';
		m->cur_job.index = -1;
		if (!modem_job_in(m->rq, m->rq_n, &j) && m->rq_n < MODEM_JOBS_MAX) {
			memmove(&m->rq[1], &m->rq[0], m->rq_n * sizeof(m->rq[0]));
			m->rq[0] = j;
			m->rq_n++;
		}
	}
	m->sweep_pending = SWEEP_SMS | (m->p->report_storage ? SWEEP_SR : 0);
}

void modem_sweep_request(struct modem *m, unsigned which)
{
	m->sweep_pending |= which;
	modem_kick(m);
}

/* ---- converting what was received ---- */

static int64_t modem_time_ms(const struct sms_time *t)
{
	if (!t->year || !t->month || !t->day)
		return 0;
	/* days from civil (Howard Hinnant's algorithm) */
	int y = t->year - (t->month <= 2);
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned mp = (t->month + 9) % 12;
	unsigned doy = (153 * mp + 2) / 5 + t->day - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
	int64_t s = days * 86400 + t->hour * 3600 + t->minute * 60 + t->second - t->tz * 900;
	return s * 1000;
}

/* FNV-1a over the TPDU (SMSC field skipped), upper-cased hex. */
static uint64_t modem_tpdu_hash(const char *hex, size_t len, bool has_smsc)
{
	size_t off = 0;
	if (has_smsc && len >= 2) {
		uint8_t sl;
		if (sms_hex_decode(hex, 2, &sl, 1) == 1)
			off = 2 + 2 * (size_t)sl;
	}
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = off; i < len; i++) {
		char c = hex[i];
		if (c >= 'a' && c <= 'f')
			c = (char)(c - 32);
		h = (h ^ (uint8_t)c) * 1099511628211ULL;
	}
	return h;
}

static bool modem_seen(const struct modem *m, uint64_t h)
{
	for (size_t i = 0; i < MODEM_SEEN_MAX; i++)
		if (m->seen[i] == h)
			return true;
	return false;
}

static void modem_seen_add(struct modem *m, uint64_t h)
{
	m->seen[m->seen_pos] = h;
	m->seen_pos = (m->seen_pos + 1) % MODEM_SEEN_MAX;
}

/* Decode a PDU-mode message line into m->pdu. Returns 0 or -EINVAL. */
static int modem_decode(struct modem *m, const struct at_sms_pdu *sp)
{
	char buf[SMS_PDU_MAX * 2 + 4];
	if (sp->has_smsc)
		return sms_pdu_decode_hex(sp->pdu.p, sp->pdu.len, &m->pdu);
	if (sp->pdu.len + 3 > sizeof(buf))
		return -EINVAL;
	buf[0] = buf[1] = '0';
	memcpy(buf + 2, sp->pdu.p, sp->pdu.len);
	return sms_pdu_decode_hex(buf, sp->pdu.len + 2, &m->pdu);
}

static bool modem_number_match(const char *a, const char *b)
{
	if (*a == '+')
		a++;
	if (*b == '+')
		b++;
	size_t la = strlen(a), lb = strlen(b);
	size_t n = la < lb ? la : lb;
	/* national vs international forms: compare the subscriber digits */
	return n >= 6 && !strcmp(a + la - n, b + lb - n);
}

static struct channel_report modem_report_new(const struct sms_pdu *p)
{
	struct channel_report r = { .code = p->status, .at_ms = modem_time_ms(&p->discharge) };

	r.state = p->status < 0x20   ? CHANNEL_DELIVERED
		  : p->status < 0x40 ? CHANNEL_PENDING
				     : CHANNEL_UNDELIVERED;
	return r;
}

/* Not in this run's table of sent parts: sent before a restart (or not by
 * us). Our part references start with "TP-MR@" (modem_tx.c), so the store
 * can find the part by that prefix, the recipient and the window. */
static void modem_report_by_mr(struct modem *m, int64_t now)
{
	const struct sms_pdu *p = &m->pdu;
	struct channel_report r = modem_report_new(p);

	size_t len = strlen(p->addr.number);

	m->stats.reports_unmatched++;
	if (len >= sizeof(r.recipient)) { /* not a number we send to (E.164) */
		LOG_WRN(&log_mrx, m->name, "report TP-MR %u for %s matches no sent part", p->mr,
			p->addr.number);
		return;
	}
	snprintf(r.ref, sizeof(r.ref), "%u@", p->mr);
	memcpy(r.recipient, p->addr.number, len + 1);
	r.ref_prefix = true;
	r.sent_after_ms = now - m->cfg.report_window_ms;
	LOG_INF(&log_mrx, m->name, "report TP-MR %u for %s: not sent in this run, matched by TP-MR",
		p->mr, p->addr.number);
	if (m->cfg.events.delivery)
		m->cfg.events.delivery(m->cfg.events.arg, &r);
}

static void modem_report(struct modem *m)
{
	const struct sms_pdu *p = &m->pdu;
	int64_t now = modem_now(m);
	m->stats.reports++;
	for (size_t k = 0; k < MODEM_SENT_MAX; k++) {
		size_t i = (m->sent_pos + MODEM_SENT_MAX - 1 - k) % MODEM_SENT_MAX;
		struct modem_sent *s = &m->sent[i];
		if (!s->used || s->mr != p->mr || now - s->at_ms > m->cfg.report_window_ms ||
		    !modem_number_match(s->to, p->addr.number))
			continue;
		struct channel_report r = modem_report_new(p);
		snprintf(r.ref, sizeof(r.ref), "%s", s->ref);
		snprintf(r.recipient, sizeof(r.recipient), "%s", s->to);
		if (r.state != CHANNEL_PENDING)
			s->used = false;
		LOG_INF(&log_mrx, m->name, "report for %s (TP-MR %u): %s (TP-ST 0x%02x)", r.ref,
			p->mr, channel_delivery_str(r.state), p->status);
		if (m->cfg.events.delivery)
			m->cfg.events.delivery(m->cfg.events.arg, &r);
		return;
	}
	modem_report_by_mr(m, now);
}

/* Hand a decoded DELIVER to the application. Returns inbound()'s answer. */
static int modem_inbound(struct modem *m, const char *source)
{
	const struct sms_pdu *p = &m->pdu;
	struct channel_inbound in = { 0 };
	size_t fl = strlen(p->addr.number);
	if (fl >= sizeof(in.from)) {
		/* Only a long alphanumeric sender with non-ASCII letters gets
		 * here; cut on a UTF-8 boundary, and say so. */
		fl = sizeof(in.from) - 1;
		while (fl && ((uint8_t)p->addr.number[fl] & 0xC0) == 0x80)
			fl--;
		LOG_WRN(&log_mrx, m->name, "sender \"%s\" shortened to %zu bytes",
			p->addr.number, fl);
	}
	memcpy(in.from, p->addr.number, fl);
	in.from[fl] = '\0';
	/* A DELIVER does not carry the recipient: it is this SIM's number
	 * when configured ([modem.NAME] number), else unknown (""). */
	memcpy(in.to, m->own_number, sizeof(in.to));
	in.encoding = sms_encoding_str(p->encoding);
	if (p->encoding == SMS_ENC_8BIT) {
		int n = sms_hex_encode(p->ud, p->ud_len, m->rxtext, sizeof(m->rxtext));
		in.text = m->rxtext;
		in.text_len = n > 0 ? (size_t)n : 0;
	} else {
		in.text = p->text;
		in.text_len = p->text_len;
	}
	in.sent_ms = modem_time_ms(&p->scts);
	in.concat_total = 1;
	in.concat_seq = 1;
	if (p->udhi && p->udh.concat) {
		in.concat_ref = p->udh.ref;
		in.concat_total = p->udh.total;
		in.concat_seq = p->udh.seq;
	}
	snprintf(in.source_ref, sizeof(in.source_ref), "%s", source);
	int rc = m->cfg.events.inbound ? m->cfg.events.inbound(m->cfg.events.arg, &in) : 0;
	if (rc == 0) {
		m->stats.inbound++;
		LOG_DBG(&log_mrx, m->name, "inbound from %s (%s, part %u/%u) stored", in.from,
			source, in.concat_seq, in.concat_total);
	} else {
		m->stats.inbound_refused++;
		LOG_WRN(&log_mrx, m->name, "inbound from %s (%s) refused (%d): kept", in.from,
			source, rc);
	}
	return rc;
}

static void modem_sweep_soon(struct modem *m, int64_t ms);

static void modem_hold(struct modem *m, const struct modem_job *j)
{
	if (!modem_job_in(m->held, m->held_n, j))
		modem_job_push(m->held, &m->held_n, j);
	modem_sweep_soon(m, m->cfg.retry_sweep_ms);
}

/* ---- URCs ---- */

void modem_on_cmti(void *arg, const char *line, const char *pdu)
{
	struct modem *m = arg;
	struct at_msg_ind ind;
	(void)pdu;
	if (at_parse_cmti(line, &ind) < 0) {
		LOG_WRN(&log_mrx, m->name, "bad +CMTI: sweeping instead");
		modem_sweep_request(m, SWEEP_SMS);
		return;
	}
	modem_enqueue_read(m, ind.mem, ind.index);
}

void modem_on_cdsi(void *arg, const char *line, const char *pdu)
{
	struct modem *m = arg;
	struct at_msg_ind ind;
	(void)pdu;
	if (at_parse_cdsi(line, &ind) < 0) {
		modem_sweep_request(m, SWEEP_SR);
		return;
	}
	modem_enqueue_read(m, ind.mem, ind.index);
}

static void modem_cnma_push(struct modem *m, int n)
{
	if (!(m->p->quirks & MODEM_Q_CNMA) || m->cnma_n >= MODEM_CNMA_MAX)
		return;
	m->cnma[m->cnma_n++] = n;
	modem_kick(m);
}

void modem_on_cmt(void *arg, const char *line, const char *pdu)
{
	struct modem *m = arg;
	struct at_sms_pdu sp;
	if (!pdu || at_parse_cmt(line, pdu, &sp) < 0 || modem_decode(m, &sp) < 0 ||
	    m->pdu.type != SMS_PDU_DELIVER) {
		/* Not acknowledged: the network sends it again. */
		LOG_WRN(&log_mrx, m->name, "+CMT unreadable: not acknowledged");
		modem_cnma_push(m, 2);
		return;
	}
	uint64_t h = modem_tpdu_hash(sp.pdu.p, sp.pdu.len, sp.has_smsc);
	if (modem_seen(m, h)) {
		m->stats.duplicates++;
		modem_cnma_push(m, 0);
		return;
	}
	if (modem_inbound(m, "CMT") == 0) {
		modem_seen_add(m, h);
		modem_cnma_push(m, 0);
	} else {
		modem_cnma_push(m, 2); /* RP-ERROR: the network retries later */
	}
}

void modem_on_cds(void *arg, const char *line, const char *pdu)
{
	struct modem *m = arg;
	struct at_sms_pdu sp;
	if (pdu && at_parse_cds(line, pdu, &sp) == 0 && modem_decode(m, &sp) == 0 &&
	    m->pdu.type == SMS_PDU_STATUS_REPORT)
		modem_report(m);
	else
		LOG_WRN(&log_mrx, m->name, "+CDS unreadable: dropped");
	modem_cnma_push(m, 0);
}

void modem_on_ciev(void *arg, const char *line, const char *pdu)
{
	struct modem *m = arg;
	(void)pdu;
	/* An indicator changed; "smsfull" is one of them: a sweep is cheap. */
	LOG_DBG(&log_mrx, m->name, "%s: sweeping", line);
	modem_sweep_request(m, SWEEP_SMS);
}

/* ---- the commands ---- */

static bool modem_local(int status)
{
	return status == -ECANCELED || status == -ENODEV || status == -EIO;
}

static void modem_cnma_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	(void)res;
	(void)resp;
	if (modem_local(status))
		return;
	if (m->cnma_n)
		memmove(&m->cnma[0], &m->cnma[1], --m->cnma_n * sizeof(m->cnma[0]));
	if (status == -ETIMEDOUT)
		modem_recover(m, "AT+CNMA timed out");
}

static void modem_cpms_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	(void)resp;
	if (modem_local(status))
		return;
	if (status == -ETIMEDOUT) {
		modem_recover(m, "AT+CPMS timed out");
		return;
	}
	if (at_result_ok(res)) {
		snprintf(m->mem1, sizeof(m->mem1), "%s", m->cmd + 9); /* AT+CPMS="XX" */
		m->mem1[2] = '\0';
		return;
	}
	/* This modem cannot read that memory: drop the jobs for it. */
	char mem[4];
	snprintf(mem, sizeof(mem), "%.2s", m->cmd + 9);
	LOG_WRN(&log_mrx, m->name, "cannot select storage %s: its jobs dropped", mem);
	for (size_t i = 0; i < m->rq_n;) {
		if (!strcmp(m->rq[i].mem, mem)) {
			memmove(&m->rq[i], &m->rq[i + 1], (m->rq_n - i - 1) * sizeof(m->rq[0]));
			m->rq_n--;
		} else {
			i++;
		}
	}
	for (size_t i = 0; i < m->dq_n;) {
		if (!strcmp(m->dq[i].mem, mem)) {
			memmove(&m->dq[i], &m->dq[i + 1], (m->dq_n - i - 1) * sizeof(m->dq[0]));
			m->dq_n--;
		} else {
			i++;
		}
	}
	if (!strcmp(mem, m->p->storage))
		m->sweep_pending &= ~SWEEP_SMS;
	else
		m->sweep_pending &= ~SWEEP_SR;
}

/* Select mem for reading/deleting when it is not the current one. Returns
 * true when a command was sent. */
static bool modem_select_mem(struct modem *m, const char *mem)
{
	if (!strcmp(m->mem1, mem))
		return false;
	snprintf(m->cmd, sizeof(m->cmd), "AT+CPMS=\"%s\"", mem);
	return modem_cmd(m, m->cmd, "+CPMS:", 0, modem_cpms_done) == 0;
}

static void modem_cmgd_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	(void)resp;
	if (modem_local(status))
		return;
	if (status == -ETIMEDOUT) {
		modem_recover(m, "AT+CMGD timed out");
		return;
	}
	if (at_result_ok(res))
		m->stats.deleted++;
	else
		LOG_WRN(&log_mrx, m->name, "AT+CMGD=%ld (%s) failed: a sweep will see it again",
			m->dq[0].index, m->dq[0].mem);
	if (m->dq_n)
		modem_job_pop(m->dq, &m->dq_n);
}

static void modem_delete_later(struct modem *m, const struct modem_job *j)
{
	if (!modem_job_push(m->dq, &m->dq_n, j))
		LOG_WRN(&log_mrx, m->name, "delete queue full: %s %ld stays", j->mem, j->index);
}

/* What +CMGR said about the job being read. */
static void modem_cmgr_handle(struct modem *m, const struct modem_job *j,
			      const struct at_resp *resp)
{
	size_t i;
	const char *hdr = NULL;
	for (i = 0; i < resp->n_lines; i++) {
		hdr = at_resp_line(resp, i);
		if (at_has_prefix(hdr, "+CMGR:"))
			break;
		hdr = NULL;
	}
	if (!hdr)
		return; /* an empty slot: nothing to do */
	struct at_sms_pdu sp;
	char src[CHANNEL_REF_MAX];
	snprintf(src, sizeof(src), "%s:%ld", j->mem, j->index);
	if (at_parse_cmgr(hdr, at_resp_line(resp, i + 1), &sp) < 0 || sp.length == 0 ||
	    modem_decode(m, &sp) < 0) {
		LOG_ERR(&log_mrx, m->name, "%s: cannot decode: kept in storage", src);
		modem_hold(m, j);
		return;
	}
	if (m->pdu.type == SMS_PDU_SUBMIT)
		return; /* a stored outgoing message: not ours to take */
	if (m->pdu.type == SMS_PDU_STATUS_REPORT) {
		modem_report(m);
		modem_delete_later(m, j);
		return;
	}
	uint64_t h = modem_tpdu_hash(sp.pdu.p, sp.pdu.len, sp.has_smsc);
	if (modem_seen(m, h)) {
		m->stats.duplicates++;
		LOG_INF(&log_mrx, m->name, "%s was delivered before: deleting only", src);
		modem_delete_later(m, j);
		return;
	}
	if (modem_inbound(m, src) < 0) {
		modem_hold(m, j);
		return;
	}
	modem_seen_add(m, h);
	modem_delete_later(m, j);
}

static void modem_cmgr_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	struct modem_job j = m->cur_job;
	if (modem_local(status))
		return; /* rx_reset puts cur_job back in the queue */
	m->cur_job.mem[0] = '\0';
	m->cur_job.index = -1;
	if (status == -ETIMEDOUT) {
		modem_job_push(m->rq, &m->rq_n, &j);
		modem_recover(m, "AT+CMGR timed out");
		return;
	}
	if (at_result_ok(res)) {
		modem_cmgr_handle(m, &j, resp);
	} else if (res->final == AT_FINAL_CMS_ERROR && res->code == 321) {
		LOG_DBG(&log_mrx, m->name, "%s %ld is empty", j.mem, j.index);
	} else {
		LOG_WRN(&log_mrx, m->name, "AT+CMGR=%ld failed: kept for the next sweep", j.index);
		modem_hold(m, &j);
	}
}

static void modem_cmgl_line(void *arg, const char *line)
{
	struct modem *m = arg;
	struct at_tok t;
	long idx, stat;
	if (at_tok_init(&t, line, "+CMGL:") < 0 || at_tok_int(&t, 0, 100000, &idx) < 0 ||
	    at_tok_int(&t, 0, 4, &stat) < 0)
		return;
	if (stat > 1)
		return; /* stored outgoing (STO UNSENT/SENT): not received */
	modem_enqueue_read(m, m->mem1, idx);
}

static void modem_cmgl_done(struct modem *m, int status, const struct at_result *res,
			    const struct at_resp *resp)
{
	(void)resp;
	if (modem_local(status))
		return;
	if (status == -ETIMEDOUT) {
		modem_recover(m, "AT+CMGL timed out");
		return;
	}
	m->sweep_pending &= ~m->sweep_mem;
	if (at_result_ok(res))
		m->stats.sweeps++;
	else
		LOG_WRN(&log_mrx, m->name, "sweep of %s failed", m->mem1);
	if (m->sweep_again) {
		m->sweep_again = false;
		modem_sweep_soon(m, 0);
	}
}

static bool modem_sweep_start(struct modem *m)
{
	unsigned bit = (m->sweep_pending & SWEEP_SMS) ? SWEEP_SMS : SWEEP_SR;
	const char *mem = bit == SWEEP_SMS ? m->p->storage : m->p->report_storage;
	if (!mem) {
		m->sweep_pending &= ~bit;
		return false;
	}
	if (modem_select_mem(m, mem))
		return true;
	/* A fresh look at this memory: held messages get their next chance. */
	for (size_t i = 0; i < m->held_n;) {
		if (!strcmp(m->held[i].mem, mem)) {
			memmove(&m->held[i], &m->held[i + 1],
				(m->held_n - i - 1) * sizeof(m->held[0]));
			m->held_n--;
		} else {
			i++;
		}
	}
	m->sweep_mem = bit;
	return modem_cmd_lines(m, "AT+CMGL=4", 0, modem_cmgl_line, modem_cmgl_done) == 0;
}

bool modem_rx_pump(struct modem *m)
{
	if (m->cnma_n) {
		return modem_cmd(m, m->cnma[0] ? "AT+CNMA=2" : "AT+CNMA", NULL, 0,
				 modem_cnma_done) == 0;
	}
	if (m->dq_n) {
		if (modem_select_mem(m, m->dq[0].mem))
			return true;
		snprintf(m->cmd, sizeof(m->cmd), "AT+CMGD=%ld", m->dq[0].index);
		return modem_cmd(m, m->cmd, NULL, 0, modem_cmgd_done) == 0;
	}
	if (m->rq_n) {
		if (modem_select_mem(m, m->rq[0].mem))
			return true;
		m->cur_job = m->rq[0];
		modem_job_pop(m->rq, &m->rq_n);
		snprintf(m->cmd, sizeof(m->cmd), "AT+CMGR=%ld", m->cur_job.index);
		return modem_cmd(m, m->cmd, "+CMGR:", 0, modem_cmgr_done) == 0;
	}
	if (m->sweep_pending)
		return modem_sweep_start(m);
	return false;
}

/* ---- status poll ---- */

static void modem_status_done(struct modem *m, int status, const struct at_result *res,
			      const struct at_resp *resp)
{
	if (modem_local(status))
		return;
	if (status == -ETIMEDOUT) {
		m->status_step = 0;
		modem_recover(m, "status poll timed out");
		return;
	}
	const char *l;
	struct at_csq q;
	struct at_reg r;
	struct at_cops c;
	struct at_cpms p;
	bool ok = at_result_ok(res);
	switch (m->status_step) {
	case 1:
		if (ok && (l = at_resp_find(resp, "+CSQ:")) && at_parse_csq(l, &q) == 0 &&
		    at_csq_dbm(q.rssi, &m->signal_dbm) < 0)
			m->signal_dbm = 0;
		break;
	case 2:
	case 3:
		for (size_t i = 0; ok && i < resp->n_lines; i++)
			if (at_parse_reg(at_resp_line(resp, i), AT_REG_FORM_QUERY, &r) == 0)
				m->reg[r.cmd] = (int)r.stat;
		if (m->status_step == 3 || !(m->p->quirks & MODEM_Q_CEREG)) {
			m->status_step = 3;
			modem_reg_changed(m);
		}
		break;
	case 4:
		if (ok && (l = at_resp_find(resp, "+COPS:")) && at_parse_cops(l, &c) == 0)
			snprintf(m->oper, sizeof(m->oper), "%.31s", c.oper);
		break;
	case 5:
		if (ok && (l = at_resp_find(resp, "+CPMS:")) && at_parse_cpms(l, &p) == 0) {
			snprintf(m->mem1, sizeof(m->mem1), "%s", p.m[0].mem);
			for (size_t i = 0; i < p.n; i++)
				if (p.m[i].total > 0 && p.m[i].used >= p.m[i].total) {
					LOG_WRN(&log_mrx, m->name, "storage %s full: sweeping",
						p.m[i].mem);
					modem_sweep_request(m, SWEEP_SMS);
				}
		}
		m->status_step = 0;
		return;
	default:
		break;
	}
	if (m->status_step)
		m->status_step++;
}

bool modem_status_pump(struct modem *m)
{
	static const struct {
		const char *cmd, *prefix;
	} steps[] = { { NULL, NULL },
		      { "AT+CSQ", "+CSQ:" },
		      { "AT+CREG?", "+CREG:" },
		      { "AT+CEREG?", "+CEREG:" },
		      { "AT+COPS?", "+COPS:" },
		      { "AT+CPMS?", "+CPMS:" } };
	if (!m->status_step || m->status_step >= sizeof(steps) / sizeof(steps[0]))
		return false;
	return modem_cmd(m, steps[m->status_step].cmd, steps[m->status_step].prefix, 0,
			 modem_status_done) == 0;
}

/* ---- timers ---- */

static int64_t modem_status_tick(void *arg)
{
	struct modem *m = arg;
	if (!m->status_step)
		m->status_step = 1;
	modem_tx_expire(m);
	modem_kick(m);
	return m->cfg.status_ms;
}

static int64_t modem_sweep_tick(void *arg)
{
	struct modem *m = arg;
	modem_sweep_request(m, SWEEP_SMS | (m->p->report_storage ? SWEEP_SR : 0));
	return m->cfg.sweep_ms;
}

static void modem_sweep_soon(struct modem *m, int64_t ms)
{
	if (m->sweep_timer)
		hal_loop_cancel_timer(m->loop, m->sweep_timer);
	m->sweep_timer = 0;
	if (hal_loop_add_timer(m->loop, ms, modem_sweep_tick, m, &m->sweep_timer) < 0)
		m->sweep_timer = 0;
}

void modem_timers_start(struct modem *m)
{
	if (!m->poll_timer &&
	    hal_loop_add_timer(m->loop, m->cfg.status_ms, modem_status_tick, m, &m->poll_timer) < 0)
		m->poll_timer = 0;
	if (!m->sweep_timer)
		modem_sweep_soon(m, m->cfg.sweep_ms);
	/* A first status right away: signal and operator for health. */
	if (!m->status_step)
		m->status_step = 1;
}

void modem_timers_stop(struct modem *m)
{
	if (m->poll_timer)
		hal_loop_cancel_timer(m->loop, m->poll_timer);
	if (m->sweep_timer)
		hal_loop_cancel_timer(m->loop, m->sweep_timer);
	m->poll_timer = m->sweep_timer = 0;
}
