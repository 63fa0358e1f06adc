/* 27.005 SMS commands in PDU mode (and +CMGF=1 acceptance): +CSMS, +CPMS,
 * +CMGF, +CSCA, +CNMI, +CNMA, +CMGS, +CMGW, +CMSS, +CMGL, +CMGR, +CMGD,
 * and the network side: a DELIVER or STATUS-REPORT offered by simnet is
 * stored or shown per +CNMI (3.4.1). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hal/log.h"
#include "sm_internal.h"
#include "sm_text.h"

LOG_MODULE(log_smsms, "simmodem");

#define SM_NEED_SMS(m)                                                                       \
	do {                                                                                 \
		struct sm_rc sim_rc_ = sm_need_sim((m), true);                               \
		if (sim_rc_.kind != SM_RC_OK)                                                \
			return sim_rc_;                                                      \
	} while (0)

/* TPDU length in octets of a stored "SMSC octets first" hex PDU. */
int sm_tpdu_len(const char *hex)
{
	size_t n = strlen(hex);
	/* Hex first: a non-hex SMSC length octet made sm_hex_val's -1 a shift
	 * of a negative value (found by fuzz_simmodem_at). */
	if (n < 2 || n % 2 || !sm_is_hex(hex, n))
		return -EINVAL;
	int sca = sm_hex_val(hex[0]) << 4 | sm_hex_val(hex[1]);
	int tpdu = (int)(n / 2) - 1 - sca;
	return tpdu < 1 ? -EINVAL : tpdu;
}

struct sm_rc sm_bad(const struct simmodem *m)
{
	return m->cmgf ? SM_CMS(305) : SM_CMS(304);
}

/* ---- settings ---- */

static struct sm_rc sm_cmgf(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	switch (c->type) {
	case SM_READ:
		sm_info(m, "+CMGF: %d", m->cmgf);
		return SM_OK;
	case SM_TEST:
		sm_info(m, "+CMGF: (0,1)");
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || a.n != 1 ||
		    sm_arg_int(&a, 0, 0, 1, 0, &m->cmgf) < 0)
			return SM_CMS(302);
		return SM_OK;
	case SM_EXEC:
		m->cmgf = 0;
		return SM_OK;
	}
	return SM_ERR;
}

static struct sm_rc sm_csdh(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	if (c->type == SM_READ) {
		sm_info(m, "+CSDH: %d", m->csdh);
		return SM_OK;
	}
	if (c->type == SM_TEST) {
		sm_info(m, "+CSDH: (0,1)");
		return SM_OK;
	}
	if (c->type == SM_SET &&
	    (sm_args_split(c->args, &a) < 0 || sm_arg_int(&a, 0, 0, 1, 0, &m->csdh) < 0))
		return SM_CMS(302);
	return SM_OK;
}

/* +CSMP (text mode parameters) and +CMMS are accepted and remembered by
 * nobody: PDU-mode hosts set them out of habit. */
static struct sm_rc sm_accept(struct simmodem *m, const struct sm_cmd *c)
{
	if (c->type == SM_READ)
		sm_info(m, "%s: %s", c->name, !strcmp(c->name, "+CSMP") ? "17,167,0,0" : "0");
	return SM_OK;
}

static struct sm_rc sm_csms(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	switch (c->type) {
	case SM_READ:
		sm_info(m, "+CSMS: %d,1,1,1", m->csms);
		return SM_OK;
	case SM_TEST:
		sm_info(m, "+CSMS: (0,1)");
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || a.n != 1 ||
		    sm_arg_int(&a, 0, 0, 1, 0, &m->csms) < 0)
			return SM_CMS(303);
		sm_info(m, "+CSMS: 1,1,1");
		return SM_OK;
	case SM_EXEC:
		return SM_ERR;
	}
	return SM_ERR;
}

static void sm_cpms_counts(struct simmodem *m, bool names)
{
	char t[160];
	size_t o = 0;
	for (int i = 0; i < 3; i++) {
		if (names)
			o += (size_t)snprintf(t + o, sizeof(t) - o, "%s\"%s\",%u,%u",
					      i ? "," : "", simmodem_mem_str(m->mem[i]),
					      sm_store_used(m, m->mem[i]),
					      sm_store_cap(m, m->mem[i]));
		else
			o += (size_t)snprintf(t + o, sizeof(t) - o, "%s%u,%u", i ? "," : "",
					      sm_store_used(m, m->mem[i]),
					      sm_store_cap(m, m->mem[i]));
	}
	sm_info(m, "+CPMS: %s", t);
}

static struct sm_rc sm_cpms(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int mem[3];
	SM_NEED_SMS(m);
	switch (c->type) {
	case SM_READ:
		sm_cpms_counts(m, true);
		return SM_OK;
	case SM_TEST:
		sm_info(m, "+CPMS: (\"SM\",\"ME\",\"SR\",\"MT\"),(\"SM\",\"ME\",\"MT\"),"
			   "(\"SM\",\"ME\",\"MT\")");
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || a.n < 1 || a.n > 3)
			return SM_CMS(302);
		memcpy(mem, m->mem, sizeof(mem));
		for (int i = 0; i < a.n; i++) {
			if (!a.v[i][0])
				continue;
			int v = sm_mem_parse(a.v[i]);
			if (v < 0 || (i > 0 && v == SIMMODEM_MEM_SR))
				return SM_CMS(302);
			mem[i] = v;
		}
		memcpy(m->mem, mem, sizeof(mem));
		sm_cpms_counts(m, false);
		return SM_OK;
	case SM_EXEC:
		return SM_ERR;
	}
	return SM_ERR;
}

static struct sm_rc sm_csca(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	char num[96];
	int type;
	SM_NEED_SMS(m);
	switch (c->type) {
	case SM_READ:
		sm_str_out(m, m->smsc, num, sizeof(num));
		sm_info(m, "+CSCA: \"%s\",%d", num, m->smsc_type);
		return SM_OK;
	case SM_TEST:
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || a.n < 1 || a.n > 2 ||
		    sm_str_in(m, a.v[0], num, sizeof(num)) < 0 ||
		    strlen(num) >= sizeof(m->smsc) ||
		    sm_arg_int(&a, 1, 129, 255, num[0] == '+' ? 145 : 129, &type) < 0)
			return SM_CMS(304);
		for (const char *p = num + (num[0] == '+'); *p; p++)
			if (*p < '0' || *p > '9')
				return SM_CMS(304);
		snprintf(m->smsc, sizeof(m->smsc), "%s", num);
		m->smsc_type = type;
		return SM_OK;
	case SM_EXEC:
		return SM_ERR;
	}
	return SM_ERR;
}

static struct sm_rc sm_cnmi(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	static const int hi[5] = { 3, 3, 3, 2, 1 };
	int v[5];
	switch (c->type) {
	case SM_READ:
		sm_info(m, "+CNMI: %d,%d,%d,%d,%d", m->cnmi[0], m->cnmi[1], m->cnmi[2],
			m->cnmi[3], m->cnmi[4]);
		return SM_OK;
	case SM_TEST:
		sm_info(m, "+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)");
		return SM_OK;
	case SM_SET:
		if (sm_args_split(c->args, &a) < 0 || a.n > 5)
			return SM_CMS(303);
		for (int i = 0; i < 5; i++)
			if (sm_arg_int(&a, i, 0, hi[i], i < a.n ? 0 : m->cnmi[i], &v[i]) < 0)
				return SM_CMS(303);
		memcpy(m->cnmi, v, sizeof(v));
		simnet_kick(m->net, m);
		return SM_OK;
	case SM_EXEC:
		return SM_OK;
	}
	return SM_ERR;
}

/* ---- +CNMA and the network side ---- */

void sm_cnma_timeout_cancel(struct simmodem *m)
{
	if (m->cnma_timer)
		hal_loop_cancel_timer(m->loop, m->cnma_timer);
	m->cnma_timer = 0;
	m->cnma_pending = false;
}

static int64_t sm_cnma_timeout(void *arg)
{
	struct simmodem *m = arg;
	m->cnma_timer = 0;
	m->cnma_pending = false;
	/* 27.005 3.4.4: no acknowledgement in time -> the ME turns routing
	 * to the TE off (<mt> and <ds> to 0) and the network tries again. */
	LOG_WRN(&log_smsms, m->name, "no +CNMA in time: +CNMI mt/ds -> 0, delivery refused");
	m->cnmi[1] = 0;
	m->cnmi[3] = 0;
	simnet_requeue(m->net, m, m->cnma_kind, m->cnma_hex);
	return HAL_TIMER_STOP;
}

static struct sm_rc sm_cnma(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int n = 0;
	if (c->type == SM_TEST) {
		sm_info(m, "+CNMA: (0-2)");
		return SM_OK;
	}
	if (c->type == SM_SET &&
	    (sm_args_split(c->args, &a) < 0 || sm_arg_int(&a, 0, 0, 2, 0, &n) < 0))
		return sm_bad(m);
	if (c->type == SM_READ)
		return SM_ERR;
	if (!m->cnma_pending || m->csms != 1)
		return SM_CMS(340);
	int kind = m->cnma_kind;
	sm_cnma_timeout_cancel(m);
	if (n == 2)
		simnet_requeue(m->net, m, kind, m->cnma_hex); /* RP-ERROR: retry later */
	else
		simnet_kick(m->net, m);
	return SM_OK;
}

static void sm_full_indicator(struct simmodem *m, bool full)
{
	if (full == m->full_reported)
		return;
	m->full_reported = full;
	LOG_INF(&log_smsms, m->name, "message memory %s", full ? "full" : "has room");
	if (m->cmer_ind)
		sm_urc(m, "+CIEV: 5,%d", full); /* "smsfull" in +CIND=? */
}

static int sm_offer_direct(struct simmodem *m, int kind, const char *hex)
{
	int len = sm_tpdu_len(hex);
	if (kind == 0)
		sm_urc(m, "+CMT: ,%d\r\n%s", len, hex);
	else
		sm_urc(m, "+CDS: %d\r\n%s", len, hex);
	if (m->csms == 1) {
		m->cnma_pending = true;
		m->cnma_kind = kind;
		snprintf(m->cnma_hex, sizeof(m->cnma_hex), "%s", hex);
		hal_loop_add_timer(m->loop, m->cfg.cnma_timeout_ms, sm_cnma_timeout, m,
				   &m->cnma_timer);
	}
	return 0;
}

int sm_offer(struct simmodem *m, int kind, const char *hex)
{
	if (m->booting || m->port_gone || m->sim != SIMMODEM_SIM_READY || m->cfun != 1 ||
	    !sm_registered(m) || m->cnma_pending)
		return -EAGAIN;
	if (sm_tpdu_len(hex) < 0 || strlen(hex) > SM_PDU_HEX_MAX)
		return -EINVAL;
	bool urcs = m->cnmi[0] != 0;
	int mem = kind == 0 ? m->mem[2] : SIMMODEM_MEM_SR;
	if (kind == 0 && urcs && (m->cnmi[1] == 2 || m->cnmi[1] == 3))
		return sm_offer_direct(m, 0, hex);
	if (kind == 1) {
		if (urcs && m->cnmi[3] == 1)
			return sm_offer_direct(m, 1, hex);
		if (m->cnmi[3] == 0) {
			LOG_INF(&log_smsms, m->name, "status report not routed (+CNMI ds=0)");
			return 0;
		}
	}
	int where = mem;
	int idx = sm_store_put(m, mem, 0, hex, &where);
	if (idx == -ENOSPC) {
		if (kind == 0)
			sm_full_indicator(m, true);
		return -EAGAIN; /* the network keeps it and retries */
	}
	if (idx < 0)
		return idx;
	LOG_DBG(&log_smsms, m->name, "stored in %s %d", simmodem_mem_str(where), idx);
	if (urcs && kind == 0 && m->cnmi[1] != 0)
		sm_urc(m, "+CMTI: \"%s\",%d", simmodem_mem_str(where), idx);
	if (urcs && kind == 1)
		sm_urc(m, "+CDSI: \"%s\",%d", simmodem_mem_str(where), idx);
	if (kind == 0 && sm_store_used(m, mem) >= sm_store_cap(m, mem))
		sm_full_indicator(m, true);
	return 0;
}

/* ---- sending ---- */

/* Check a "SMSC octets first" SUBMIT hex against <length>; fill in the
 * modem's TP-MR. Returns 0 or a +CMS code. */
static int sm_check_submit(struct simmodem *m, char *hex, unsigned length, int mr)
{
	size_t n = strlen(hex);
	if (n < 4 || n % 2 || !sm_is_hex(hex, n))
		return 304;
	int tpdu = sm_tpdu_len(hex);
	if (tpdu < 2 || (unsigned)tpdu != length)
		return 304;
	size_t off = (size_t)(n / 2 - (size_t)tpdu) * 2;
	if ((sm_hex_val(hex[off + 1]) & 3) != 1)
		return 304; /* TP-MTI is not SMS-SUBMIT */
	if (hex[0] == '0' && hex[1] == '0' && !m->smsc[0])
		return 330;
	/* 23.040 9.2.3.6: the MS assigns TP-MR, whatever the TE wrote. */
	static const char hx[] = "0123456789ABCDEF";
	hex[off + 2] = hx[(mr >> 4) & 15];
	hex[off + 3] = hx[mr & 15];
	return 0;
}

struct sm_rc sm_send_pdu(struct simmodem *m, char *hex, unsigned length, int *mr_out)
{
	int mr = m->mr;
	int code = sm_check_submit(m, hex, length, mr);
	if (code)
		return SM_CMS(code);
	if (m->cms_next) {
		code = m->cms_next;
		m->cms_next = 0;
		return SM_CMS(code);
	}
	if (!sm_registered(m))
		return SM_CMS(331);
	code = simnet_submit(m->net, m, hex, mr);
	if (code)
		return SM_CMS(code);
	m->mr++;
	*mr_out = mr;
	return SM_OK;
}

void sm_prompt_done(struct simmodem *m, bool send)
{
	enum sm_prompt p = m->prompt;
	m->prompt = SM_PROMPT_NONE;
	if (!send) {
		sm_final(m, SM_OK); /* ESC: nothing sent */
		return;
	}
	if (m->pdu_overflow) {
		m->pdu_overflow = false;
		sm_final(m, sm_bad(m));
		return;
	}
	if (m->cmgf == 1) {
		struct sm_rc rc = sm_text_prompt_done(m, p);
		sm_final(m, rc);
		return;
	}
	if (p == SM_PROMPT_CMGW) {
		size_t n = strlen(m->pdu);
		int tpdu = sm_tpdu_len(m->pdu);
		if (n % 2 || !sm_is_hex(m->pdu, n) || tpdu < 0 || (unsigned)tpdu != m->prompt_len) {
			sm_final(m, SM_CMS(304));
			return;
		}
		int where;
		int idx = sm_store_put(m, m->mem[1], m->prompt_stat, m->pdu, &where);
		if (idx < 0) {
			sm_final(m, SM_CMS(idx == -ENOSPC ? 322 : 304));
			return;
		}
		sm_info(m, "+CMGW: %d", idx);
		sm_final(m, SM_OK);
		return;
	}
	int mr;
	struct sm_rc rc = sm_send_pdu(m, m->pdu, m->prompt_len, &mr);
	if (rc.kind == SM_RC_OK)
		sm_info(m, "+CMGS: %d", mr);
	sm_final(m, rc);
}

static struct sm_rc sm_open_prompt(struct simmodem *m, enum sm_prompt p)
{
	m->prompt = p;
	m->pdu_len = 0;
	m->pdu_overflow = false;
	/* 27.005 3.5.1: "<CR><LF><greater_than><space>" */
	sm_raw(m, "\r\n> ");
	return (struct sm_rc){ SM_RC_PROMPT, 0 };
}

static struct sm_rc sm_cmgs(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int len;
	if (c->type == SM_TEST)
		return SM_OK;
	if (c->type != SM_SET)
		return sm_bad(m);
	SM_NEED_SMS(m);
	if (sm_args_split(c->args, &a) < 0 || a.n < 1)
		return sm_bad(m);
	if (m->cmgf == 1) {
		struct sm_rc rc = sm_text_prepare(m, &a);
		return rc.kind == SM_RC_OK ? sm_open_prompt(m, SM_PROMPT_CMGS) : rc;
	}
	if (a.n != 1 || sm_arg_int(&a, 0, 7, 164, 0, &len) < 0)
		return SM_CMS(304);
	m->prompt_len = (unsigned)len;
	return sm_open_prompt(m, SM_PROMPT_CMGS);
}

static struct sm_rc sm_cmgw(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int len, stat;
	if (c->type == SM_TEST)
		return SM_OK;
	if (c->type != SM_SET || m->cmgf == 1)
		return SM_CMS(303);
	SM_NEED_SMS(m);
	if (sm_args_split(c->args, &a) < 0 || a.n < 1 || a.n > 2 ||
	    sm_arg_int(&a, 0, 7, 164, 0, &len) < 0 || sm_arg_int(&a, 1, 0, 3, 2, &stat) < 0)
		return SM_CMS(304);
	if (sm_store_used(m, m->mem[1]) >= sm_store_cap(m, m->mem[1]))
		return SM_CMS(322);
	m->prompt_len = (unsigned)len;
	m->prompt_stat = stat;
	return sm_open_prompt(m, SM_PROMPT_CMGW);
}

static struct sm_rc sm_cmss(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int idx, mr;
	if (c->type == SM_TEST)
		return SM_OK;
	if (c->type != SM_SET || m->cmgf == 1)
		return SM_CMS(303);
	SM_NEED_SMS(m);
	if (sm_args_split(c->args, &a) < 0 || a.n != 1 ||
	    sm_arg_int(&a, 0, 1, 100000, 0, &idx) < 0)
		return SM_CMS(304); /* another <da> than the stored one: not supported */
	struct sm_slot *s = sm_store_slot(m, m->mem[1], (unsigned)idx);
	if (!s || !s->used)
		return SM_CMS(321);
	char hex[SM_PDU_HEX_MAX + 1];
	snprintf(hex, sizeof(hex), "%s", s->hex);
	int tpdu = sm_tpdu_len(hex);
	struct sm_rc rc = sm_send_pdu(m, hex, tpdu < 0 ? 0 : (unsigned)tpdu, &mr);
	if (rc.kind != SM_RC_OK)
		return rc;
	s->stat = 3; /* STO SENT */
	sm_info(m, "+CMSS: %d", mr);
	return SM_OK;
}

/* ---- reading and deleting ---- */

static const char *const sm_stat_names[] = { "REC UNREAD", "REC READ", "STO UNSENT",
					     "STO SENT", "ALL" };

static int sm_stat_parse(const struct simmodem *m, const struct sm_args *a, int *stat)
{
	if (a->n == 0 || !a->v[0][0]) {
		*stat = 0;
		return 0;
	}
	if (a->n > 1)
		return -EINVAL;
	if (m->cmgf == 0)
		return sm_arg_int(a, 0, 0, 4, 0, stat);
	for (int i = 0; i < 5; i++) {
		if (!strcasecmp(a->v[0], sm_stat_names[i])) {
			*stat = i;
			return 0;
		}
	}
	return -EINVAL;
}

static struct sm_rc sm_cmgl(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int stat;
	if (c->type == SM_TEST) {
		if (m->cmgf)
			sm_info(m, "+CMGL: (\"REC UNREAD\",\"REC READ\",\"STO UNSENT\","
				   "\"STO SENT\",\"ALL\")");
		else
			sm_info(m, "+CMGL: (0-4)");
		return SM_OK;
	}
	if (c->type == SM_READ)
		return SM_ERR;
	SM_NEED_SMS(m);
	if (sm_args_split(c->args, &a) < 0 || sm_stat_parse(m, &a, &stat) < 0)
		return sm_bad(m);
	unsigned cap = sm_store_cap(m, m->mem[0]);
	for (unsigned i = 1; i <= cap; i++) {
		struct sm_slot *s = sm_store_slot(m, m->mem[0], i);
		if (!s->used || (stat != 4 && s->stat != stat))
			continue;
		if (m->cmgf)
			sm_text_list(m, i, s);
		else
			sm_info(m, "+CMGL: %u,%d,,%d\r\n%s", i, s->stat, sm_tpdu_len(s->hex), s->hex);
		if (s->stat == 0)
			s->stat = 1;
	}
	return SM_OK;
}

static struct sm_rc sm_cmgr(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int idx;
	if (c->type == SM_TEST)
		return SM_OK;
	if (c->type != SM_SET)
		return sm_bad(m);
	SM_NEED_SMS(m);
	if (sm_args_split(c->args, &a) < 0 || a.n != 1 ||
	    sm_arg_int(&a, 0, 0, 100000, 0, &idx) < 0)
		return sm_bad(m);
	struct sm_slot *s = sm_store_slot(m, m->mem[0], (unsigned)idx);
	if (!s)
		return SM_CMS(321);
	if (!s->used)
		return SM_OK; /* an empty location: just OK, as SIMCom and Huawei do */
	if (m->cmgf)
		sm_text_read(m, s);
	else
		sm_info(m, "+CMGR: %d,,%d\r\n%s", s->stat, sm_tpdu_len(s->hex), s->hex);
	if (s->stat == 0)
		s->stat = 1;
	return SM_OK;
}

static void sm_deleted(struct simmodem *m)
{
	if (sm_store_used(m, m->mem[2]) < sm_store_cap(m, m->mem[2]))
		sm_full_indicator(m, false);
	simnet_kick(m->net, m);
}

static struct sm_rc sm_cmgd(struct simmodem *m, const struct sm_cmd *c)
{
	struct sm_args a;
	int idx, flag;
	unsigned cap = sm_store_cap(m, m->mem[0]);
	SM_NEED_SMS(m);
	if (c->type == SM_TEST) {
		char list[1024];
		size_t o = 0;
		for (unsigned i = 1; i <= cap && o + 8 < sizeof(list); i++)
			if (sm_store_slot(m, m->mem[0], i)->used)
				o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%u",
						      o ? "," : "", i);
		list[o] = '\0';
		sm_info(m, "+CMGD: (%s),(0-4)", list);
		return SM_OK;
	}
	if (c->type != SM_SET)
		return sm_bad(m);
	if (sm_args_split(c->args, &a) < 0 || a.n < 1 || a.n > 2 ||
	    sm_arg_int(&a, 1, 0, 4, 0, &flag) < 0 ||
	    sm_arg_int(&a, 0, 0, 100000, 0, &idx) < 0)
		return sm_bad(m);
	if (flag == 0) {
		struct sm_slot *s = sm_store_slot(m, m->mem[0], (unsigned)idx);
		if (!s)
			return SM_CMS(321);
		s->used = false;
		sm_deleted(m);
		return SM_OK;
	}
	/* 27.005 3.5.4 <delflag> 1: read, 2: read+sent, 3: +unsent, 4: all */
	for (unsigned i = 1; i <= cap; i++) {
		struct sm_slot *s = sm_store_slot(m, m->mem[0], i);
		if (s->used && (flag == 4 || s->stat == 1 || (flag >= 2 && s->stat == 3) ||
				(flag >= 3 && s->stat == 2)))
			s->used = false;
	}
	sm_deleted(m);
	return SM_OK;
}

struct sm_entry {
	const char *name;
	sm_handler fn;
};

static const struct sm_entry sm_sms_table[] = {
	{ "+CMGF", sm_cmgf }, { "+CSDH", sm_csdh }, { "+CSMP", sm_accept },
	{ "+CMMS", sm_accept }, { "+CSMS", sm_csms }, { "+CPMS", sm_cpms },
	{ "+CSCA", sm_csca }, { "+CNMI", sm_cnmi }, { "+CNMA", sm_cnma },
	{ "+CMGS", sm_cmgs }, { "+CMGW", sm_cmgw }, { "+CMSS", sm_cmss },
	{ "+CMGL", sm_cmgl }, { "+CMGR", sm_cmgr }, { "+CMGD", sm_cmgd },
};

sm_handler sm_sms_lookup(const char *name)
{
	for (size_t i = 0; i < sizeof(sm_sms_table) / sizeof(sm_sms_table[0]); i++)
		if (!strcmp(sm_sms_table[i].name, name))
			return sm_sms_table[i].fn;
	return NULL;
}
