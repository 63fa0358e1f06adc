/* The virtual network + SMSC: routes SUBMITs between simulated modems and
 * to the outside-world log, queues deliveries per modem (FIFO, retried
 * while the modem refuses them), produces status reports after a delay. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hal/log.h"
#include "sm_internal.h"
#include "sms/pdu.h"
#include "sms/segment.h"

LOG_MODULE(log_simnet, "simnet");

#define SIMNET_LOG_MAX 4096 /* outside-world entries kept (oldest dropped) */
#define SIMNET_QUEUE_MAX 4096

struct simnet_item {
	int kind; /* 0 DELIVER, 1 STATUS-REPORT */
	int64_t due;
	char hex[SM_PDU_HEX_MAX + 1];
};

struct simnet_port {
	struct simmodem *m;
	struct simnet_item *q;
	size_t head, len, cap; /* ring buffer */
	hal_timer_id timer;
	int64_t timer_at;
	struct simnet *net;
};

struct simnet {
	struct simnet_config cfg;
	char smsc[SIMNET_NUMBER_MAX];
	char reply[SIMNET_TEXT_MAX];
	struct hal_loop *loop;
	struct simnet_port **ports;
	size_t n_ports, cap_ports;
	struct simnet_sent *log;
	size_t log_head, log_len;
	uint64_t log_seq;
	uint16_t ref;
};

int simnet_new(struct simnet **out, struct hal_loop *loop, const struct simnet_config *cfg)
{
	if (!out || !loop || !cfg || cfg->retry_ms <= 0 || cfg->deliver_delay_ms < 0 ||
	    cfg->report_status < 0 || cfg->report_status > 255 || cfg->reply_delay_ms < 0)
		return -EINVAL;
	const char *smsc = cfg->smsc ? cfg->smsc : "+4917000000000";
	struct sms_address a;
	if (strlen(smsc) >= SIMNET_NUMBER_MAX || sms_address_parse(smsc, &a) < 0)
		return -EINVAL;
	if (cfg->auto_reply && strlen(cfg->auto_reply) >= SIMNET_TEXT_MAX / 2)
		return -EINVAL;
	struct simnet *n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->log = calloc(SIMNET_LOG_MAX, sizeof(*n->log));
	if (!n->log) {
		free(n);
		return -ENOMEM;
	}
	n->cfg = *cfg;
	n->loop = loop;
	snprintf(n->smsc, sizeof(n->smsc), "%s", smsc);
	if (cfg->auto_reply)
		snprintf(n->reply, sizeof(n->reply), "%s", cfg->auto_reply);
	n->cfg.smsc = n->smsc;
	n->cfg.auto_reply = cfg->auto_reply ? n->reply : NULL;
	n->ref = 1;
	*out = n;
	return 0;
}

void simnet_destroy(struct simnet *net)
{
	if (!net)
		return;
	for (size_t i = 0; i < net->n_ports; i++) {
		if (net->ports[i]->timer)
			hal_loop_cancel_timer(net->loop, net->ports[i]->timer);
		free(net->ports[i]->q);
		free(net->ports[i]);
	}
	free(net->ports);
	free(net->log);
	free(net);
}

const char *simnet_smsc(const struct simnet *net)
{
	return net->smsc;
}

void simnet_set_report(struct simnet *net, int64_t delay_ms, int status)
{
	net->cfg.report_delay_ms = delay_ms;
	net->cfg.report_status = status & 0xFF;
}

size_t simnet_modem_count(const struct simnet *net)
{
	return net->n_ports;
}

struct simmodem *simnet_modem(struct simnet *net, size_t index)
{
	return index < net->n_ports ? net->ports[index]->m : NULL;
}

static bool simnet_same_number(const char *a, const char *b)
{
	if (*a == '+')
		a++;
	if (*b == '+')
		b++;
	return *a && !strcmp(a, b);
}

struct simmodem *simnet_find(struct simnet *net, const char *number)
{
	for (size_t i = 0; i < net->n_ports; i++)
		if (simnet_same_number(simmodem_number(net->ports[i]->m), number))
			return net->ports[i]->m;
	return NULL;
}

static struct simnet_port *simnet_port_of(const struct simnet *net, const struct simmodem *m)
{
	for (size_t i = 0; i < net->n_ports; i++)
		if (net->ports[i]->m == m)
			return net->ports[i];
	return NULL;
}

int simnet_attach(struct simnet *net, struct simmodem *m)
{
	if (simnet_find(net, m->number))
		return -EINVAL;
	if (net->n_ports == net->cap_ports) {
		size_t cap = net->cap_ports ? net->cap_ports * 2 : 4;
		struct simnet_port **p = realloc(net->ports, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		net->ports = p;
		net->cap_ports = cap;
	}
	struct simnet_port *port = calloc(1, sizeof(*port));
	if (!port)
		return -ENOMEM;
	port->m = m;
	port->net = net;
	m->index = net->n_ports;
	net->ports[net->n_ports++] = port;
	return 0;
}

void simnet_detach(struct simnet *net, struct simmodem *m)
{
	for (size_t i = 0; i < net->n_ports; i++) {
		struct simnet_port *p = net->ports[i];
		if (p->m != m)
			continue;
		if (p->timer)
			hal_loop_cancel_timer(net->loop, p->timer);
		free(p->q);
		free(p);
		memmove(&net->ports[i], &net->ports[i + 1],
			(net->n_ports - i - 1) * sizeof(net->ports[0]));
		net->n_ports--;
		return;
	}
}

/* ---- per-modem delivery queue ---- */

static int64_t simnet_port_timer(void *arg);

static void simnet_arm(struct simnet_port *p, int64_t at)
{
	int64_t now = hal_loop_now_ms(p->net->loop);
	if (p->timer && p->timer_at <= at)
		return;
	if (p->timer)
		hal_loop_cancel_timer(p->net->loop, p->timer);
	p->timer = 0;
	p->timer_at = at;
	if (hal_loop_add_timer(p->net->loop, at > now ? at - now : 0, simnet_port_timer, p,
			       &p->timer) < 0)
		LOG_ERR(&log_simnet, simmodem_name(p->m), "cannot arm the delivery timer");
}

static int64_t simnet_port_timer(void *arg)
{
	struct simnet_port *p = arg;
	struct simnet *net = p->net;
	int64_t now = hal_loop_now_ms(net->loop);
	p->timer = 0;
	while (p->len) {
		struct simnet_item *it = &p->q[p->head];
		if (it->due > now) {
			simnet_arm(p, it->due);
			return HAL_TIMER_STOP;
		}
		/* Pop first: the modem may requeue from inside the offer. */
		struct simnet_item cur = *it;
		p->head = (p->head + 1) % p->cap;
		p->len--;
		int rc = simmodem_offer(p->m, cur.kind, cur.hex);
		if (rc == -EAGAIN) {
			/* Refused for now: back to the front, retry later. */
			p->head = (p->head + p->cap - 1) % p->cap;
			p->q[p->head] = cur;
			p->len++;
			simnet_arm(p, now + net->cfg.retry_ms);
			return HAL_TIMER_STOP;
		}
		if (rc < 0)
			LOG_WRN(&log_simnet, simmodem_name(p->m), "delivery dropped: %d", rc);
	}
	return HAL_TIMER_STOP;
}

static int simnet_push(struct simnet_port *p, int kind, const char *hex, int64_t delay,
		       bool front)
{
	if (strlen(hex) > SM_PDU_HEX_MAX)
		return -E2BIG;
	if (p->len == p->cap) {
		if (p->cap >= SIMNET_QUEUE_MAX)
			return -ENOSPC;
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct simnet_item *q = malloc(cap * sizeof(*q));
		if (!q)
			return -ENOMEM;
		for (size_t i = 0; i < p->len; i++)
			q[i] = p->q[(p->head + i) % p->cap];
		free(p->q);
		p->q = q;
		p->head = 0;
		p->cap = cap;
	}
	int64_t due = hal_loop_now_ms(p->net->loop) + delay;
	struct simnet_item *it;
	if (front) {
		p->head = (p->head + p->cap - 1) % p->cap;
		it = &p->q[p->head];
	} else {
		it = &p->q[(p->head + p->len) % p->cap];
	}
	p->len++;
	it->kind = kind;
	it->due = due;
	snprintf(it->hex, sizeof(it->hex), "%s", hex);
	simnet_arm(p, front ? due : p->q[p->head].due);
	return 0;
}

void simnet_requeue(struct simnet *net, struct simmodem *m, int kind, const char *hex)
{
	struct simnet_port *p = simnet_port_of(net, m);
	if (!p || simnet_push(p, kind, hex, net->cfg.retry_ms, true) < 0)
		LOG_ERR(&log_simnet, simmodem_name(m), "cannot requeue a delivery");
}

void simnet_kick(struct simnet *net, struct simmodem *m)
{
	struct simnet_port *p = simnet_port_of(net, m);
	if (!p || !p->len)
		return;
	int64_t now = hal_loop_now_ms(net->loop);
	if (p->q[p->head].due > now)
		p->q[p->head].due = now;
	simnet_arm(p, now);
}

size_t simnet_pending(const struct simnet *net, const struct simmodem *m)
{
	const struct simnet_port *p = simnet_port_of(net, m);
	return p ? p->len : 0;
}

/* ---- PDUs ---- */

static void simnet_time(const struct simnet *net, int64_t offset_ms, struct sms_time *t)
{
	int64_t wall = hal_clock_wall_ms(hal_loop_clock(net->loop)) + offset_ms;
	time_t s = (time_t)(wall / 1000);
	struct tm tm;
	gmtime_r(&s, &tm);
	t->year = (uint16_t)(tm.tm_year + 1900);
	t->month = (uint8_t)(tm.tm_mon + 1);
	t->day = (uint8_t)tm.tm_mday;
	t->hour = (uint8_t)tm.tm_hour;
	t->minute = (uint8_t)tm.tm_min;
	t->second = (uint8_t)tm.tm_sec;
	t->tz = 0;
}

static void simnet_sender(const char *from, struct sms_address *a)
{
	if (sms_address_parse(from, a) == 0)
		return;
	/* Not a number: an alphanumeric sender ("ACME"), 23.040 9.1.2.5. */
	memset(a, 0, sizeof(*a));
	a->ton = SMS_TON_ALPHANUMERIC;
	a->npi = 0;
	snprintf(a->number, sizeof(a->number), "%s", from);
}

static int simnet_hex(struct simnet *net, const struct sms_pdu *p, char *hex, size_t len)
{
	uint8_t bin[SMS_PDU_MAX];
	(void)net;
	int n = sms_pdu_encode(p, bin, sizeof(bin), NULL);
	if (n < 0)
		return n;
	return sms_hex_encode(bin, (size_t)n, hex, len) < 0 ? -E2BIG : 0;
}

static void simnet_deliver_base(struct simnet *net, const char *from, struct sms_pdu *p)
{
	memset(p, 0, sizeof(*p));
	p->type = SMS_PDU_DELIVER;
	p->has_smsc = true;
	sms_address_parse(net->smsc, &p->smsc);
	p->mms = true;
	simnet_sender(from, &p->addr);
	simnet_time(net, 0, &p->scts);
	p->dcs.msg_class = SMS_CLASS_NONE;
}

static int simnet_queue_text(struct simnet *net, struct simmodem *dst, const char *from,
			     const char *text, const struct simnet_inject_opts *o,
			     int64_t delay)
{
	struct simnet_port *port = simnet_port_of(net, dst);
	if (!port || !from || !from[0] || !text)
		return -EINVAL;
	struct sms_segment_opts so = { .pref = o && o->force_ucs2 ? SMS_PREF_UCS2 : SMS_PREF_AUTO };
	struct sms_segment_info info;
	struct sms_part_span spans[SMS_MAX_PARTS];
	int parts = sms_segment_split(text, strlen(text), &so, &info, spans, SMS_MAX_PARTS);
	if (parts < 0)
		return parts;
	unsigned ref = o && o->ref ? o->ref : net->ref++;
	size_t n = o && o->order ? o->n_order : (size_t)parts;
	if (n > SMS_MAX_PARTS)
		return -EINVAL;
	for (size_t k = 0; k < n; k++) {
		unsigned part = o && o->order ? o->order[k] : (unsigned)k + 1;
		if (part < 1 || part > (unsigned)parts)
			return -EINVAL;
	}
	for (size_t k = 0; k < n; k++) {
		unsigned part = o && o->order ? o->order[k] : (unsigned)k + 1;
		struct sms_pdu p;
		simnet_deliver_base(net, from, &p);
		p.dcs.group = SMS_DCS_GENERAL;
		p.dcs.alphabet = info.encoding;
		p.dcs.msg_class = o && o->class0 ? SMS_CLASS_0 : SMS_CLASS_NONE;
		p.tables = info.tables;
		if (parts > 1) {
			p.udhi = true;
			sms_udh_init(&p.udh);
			int rc = sms_udh_add_concat(&p.udh, (uint16_t)(ref & 0xFF), (uint8_t)parts,
						    (uint8_t)part, false);
			if (rc < 0)
				return rc;
		}
		const struct sms_part_span *s = &spans[part - 1];
		int rc = sms_pdu_set_text(&p, text + s->offset, s->len);
		char hex[SM_PDU_HEX_MAX + 1];
		if (rc == 0)
			rc = simnet_hex(net, &p, hex, sizeof(hex));
		if (rc == 0)
			rc = simnet_push(port, 0, hex, delay, false);
		if (rc < 0)
			return rc;
	}
	return (int)n;
}

int simnet_inject_text(struct simnet *net, struct simmodem *dst, const char *from,
		       const char *text, const struct simnet_inject_opts *opts)
{
	return simnet_queue_text(net, dst, from, text, opts, net->cfg.deliver_delay_ms);
}

int simnet_inject_pdu(struct simnet *net, struct simmodem *dst, const char *hex)
{
	struct simnet_port *port = simnet_port_of(net, dst);
	struct sms_pdu p;
	if (!port || !hex || sms_pdu_decode_hex(hex, strlen(hex), &p) < 0 ||
	    p.type == SMS_PDU_SUBMIT)
		return -EINVAL;
	return simnet_push(port, p.type == SMS_PDU_STATUS_REPORT, hex, net->cfg.deliver_delay_ms,
			   false);
}

static int simnet_report(struct simnet *net, struct simnet_port *port,
			 const struct simnet_sent *s, int status, int64_t delay)
{
	struct sms_pdu p;
	memset(&p, 0, sizeof(p));
	p.type = SMS_PDU_STATUS_REPORT;
	p.has_smsc = true;
	sms_address_parse(net->smsc, &p.smsc);
	p.mms = true;
	p.mr = (uint8_t)s->mr;
	simnet_sender(s->to, &p.addr);
	simnet_time(net, s->at_ms - hal_loop_now_ms(net->loop), &p.scts);
	simnet_time(net, delay, &p.discharge);
	p.status = (uint8_t)status;
	char hex[SM_PDU_HEX_MAX + 1];
	int rc = simnet_hex(net, &p, hex, sizeof(hex));
	return rc < 0 ? rc : simnet_push(port, 1, hex, delay, false);
}

int simnet_inject_report(struct simnet *net, struct simmodem *src, int mr, int status)
{
	struct simnet_port *port = simnet_port_of(net, src);
	if (!port || mr < 0 || mr > 255 || status < 0 || status > 255)
		return -EINVAL;
	for (size_t i = net->log_len; i-- > 0;) {
		const struct simnet_sent *s = simnet_sent_get(net, i);
		if (s && s->modem == (int)port->m->index && s->mr == mr)
			return simnet_report(net, port, s, status, 0);
	}
	return -ENOENT;
}

/* ---- submissions ---- */

static struct simnet_sent *simnet_log_add(struct simnet *net)
{
	size_t slot;
	if (net->log_len < SIMNET_LOG_MAX) {
		slot = (net->log_head + net->log_len++) % SIMNET_LOG_MAX;
	} else {
		slot = net->log_head;
		net->log_head = (net->log_head + 1) % SIMNET_LOG_MAX;
	}
	struct simnet_sent *s = &net->log[slot];
	memset(s, 0, sizeof(*s));
	s->seq = ++net->log_seq;
	return s;
}

static void simnet_log_fill(struct simnet_sent *s, const struct sms_pdu *p)
{
	snprintf(s->encoding, sizeof(s->encoding), "%s", sms_encoding_str(p->encoding));
	if (p->encoding == SMS_ENC_8BIT)
		sms_hex_encode(p->ud, p->ud_len, s->text, sizeof(s->text));
	else
		snprintf(s->text, sizeof(s->text), "%s", p->text);
	if (p->udhi && p->udh.concat) {
		s->ref = p->udh.ref;
		s->total = p->udh.total;
		s->seq_no = p->udh.seq;
	}
}

/* The simulated customer answers what it got. */
static void simnet_auto_reply(struct simnet *net, struct simmodem *m,
			      const struct simnet_sent *s)
{
	if (!net->cfg.auto_reply || (s->total && s->seq_no != s->total))
		return;
	char text[SIMNET_TEXT_MAX + SIMNET_TEXT_MAX / 2];
	snprintf(text, sizeof(text), "%s%s", net->cfg.auto_reply, s->total ? "" : s->text);
	int rc = simnet_queue_text(net, m, s->to, text, NULL, net->cfg.reply_delay_ms);
	if (rc < 0)
		LOG_WRN(&log_simnet, simmodem_name(m), "auto-reply failed: %d", rc);
}

int simnet_submit(struct simnet *net, struct simmodem *m, const char *hex, int mr)
{
	struct sms_pdu p;
	if (sms_pdu_decode_hex(hex, strlen(hex), &p) < 0 || p.type != SMS_PDU_SUBMIT)
		return 304;
	if (p.addr.ton == SMS_TON_ALPHANUMERIC || !p.addr.number[0])
		return 304;
	struct simnet_port *port = simnet_port_of(net, m);
	struct simmodem *dst = simnet_find(net, p.addr.number);
	struct simnet_sent *s = simnet_log_add(net);
	s->at_ms = hal_loop_now_ms(net->loop);
	snprintf(s->from, sizeof(s->from), "%s", simmodem_number(m));
	snprintf(s->to, sizeof(s->to), "%s", p.addr.number);
	s->modem = (int)m->index;
	s->mr = mr;
	s->report = p.srr;
	s->internal = dst != NULL;
	simnet_log_fill(s, &p);
	size_t sca = (size_t)(sm_hex_val(hex[0]) << 4 | sm_hex_val(hex[1]));
	snprintf(s->pdu, sizeof(s->pdu), "%s", hex + 2 + 2 * sca);
	LOG_INF(&log_simnet, simmodem_name(m), "submit mr=%d to %s%s (%s)", mr, s->to,
		dst ? " (simulated modem)" : "", s->encoding);
	if (dst) {
		struct sms_pdu d = p;
		d.type = SMS_PDU_DELIVER;
		d.has_smsc = true;
		sms_address_parse(net->smsc, &d.smsc);
		d.mms = true;
		d.sri = p.srr;
		d.rp = false;
		simnet_sender(simmodem_number(m), &d.addr);
		simnet_time(net, 0, &d.scts);
		char out[SM_PDU_HEX_MAX + 1];
		struct simnet_port *dport = simnet_port_of(net, dst);
		if (simnet_hex(net, &d, out, sizeof(out)) < 0 ||
		    simnet_push(dport, 0, out, net->cfg.deliver_delay_ms, false) < 0)
			return 500;
	} else {
		simnet_auto_reply(net, m, s);
	}
	if (p.srr && net->cfg.report_delay_ms >= 0 && port &&
	    simnet_report(net, port, s, net->cfg.report_status, net->cfg.report_delay_ms) < 0)
		LOG_WRN(&log_simnet, simmodem_name(m), "status report lost: queue full");
	return 0;
}

/* ---- outside world log ---- */

size_t simnet_sent_count(const struct simnet *net)
{
	return net->log_len;
}

const struct simnet_sent *simnet_sent_get(const struct simnet *net, size_t i)
{
	if (i >= net->log_len)
		return NULL;
	return &net->log[(net->log_head + i) % SIMNET_LOG_MAX];
}

void simnet_sent_clear(struct simnet *net)
{
	net->log_head = 0;
	net->log_len = 0;
}
