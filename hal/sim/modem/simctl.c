/* The modemsim control protocol (docs/modemsim.md): inject messages and
 * reports, set faults, read the outside-world log, query state. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sm_internal.h"
#include "simmodem/simctl.h"
#include "sms/segment.h"

#define SIMCTL_WORDS 8

struct simctl {
	struct simnet *net;
	struct sm_buf out;
	char words[SIMCTL_WORDS][SM_PDU_HEX_MAX * 2];
	int n;
	const char *rest; /* the line after the words taken so far */
	long wait_ms;
	bool again;
};

static void simctl_printf(struct simctl *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void simctl_printf(struct simctl *c, const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sm_buf_add(&c->out, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
	sm_buf_add(&c->out, "\n", 1);
}

static int simctl_err(struct simctl *c, const char *why)
{
	simctl_printf(c, "ERR %s", why);
	return 0;
}

static int simctl_ok(struct simctl *c)
{
	simctl_printf(c, "OK");
	return 0;
}

/* Split off up to max words; c->rest points at what follows. */
static void simctl_words(struct simctl *c, const char *line, int max)
{
	const char *p = line;
	c->n = 0;
	while (c->n < max) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t len = 0;
		while (p[len] && p[len] != ' ' && p[len] != '\t')
			len++;
		if (len >= sizeof(c->words[0]))
			len = sizeof(c->words[0]) - 1;
		memcpy(c->words[c->n], p, len);
		c->words[c->n][len] = '\0';
		c->n++;
		p += len;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	c->rest = p;
}

static int simctl_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static struct simmodem *simctl_modem(struct simctl *c, const char *s)
{
	long i;
	if (simctl_long(s, 0, LONG_MAX, &i) == 0 && (size_t)i < simnet_modem_count(c->net))
		return simnet_modem(c->net, (size_t)i);
	return simnet_find(c->net, s);
}

/* Backslash escapes of the protocol: \n \r \t \\ \xHH. */
static int simctl_unescape(const char *in, char *out, size_t max)
{
	size_t o = 0;
	for (const char *p = in; *p; p++) {
		char ch = *p;
		if (ch == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n': ch = '\n'; break;
			case 'r': ch = '\r'; break;
			case 't': ch = '\t'; break;
			case '\\': ch = '\\'; break;
			case 'x':
				if (sm_hex_val((unsigned char)p[1]) < 0 ||
				    sm_hex_val((unsigned char)p[2]) < 0)
					return -EINVAL;
				ch = (char)(sm_hex_val((unsigned char)p[1]) << 4 |
					    sm_hex_val((unsigned char)p[2]));
				p += 2;
				break;
			default: return -EINVAL;
			}
		}
		if (o + 1 >= max)
			return -E2BIG;
		out[o++] = ch;
	}
	out[o] = '\0';
	return (int)o;
}

static void simctl_escape(const char *in, char *out, size_t max)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && o + 5 < max; p++) {
		if (*p == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
		} else if (*p == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (*p < 0x20 || *p == 0x7F) {
			o += (size_t)snprintf(out + o, max - o, "\\x%02X", *p);
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
}

/* ---- commands ---- */

static void simctl_modem_line(struct simctl *c, struct simmodem *m)
{
	struct simmodem_status st;
	simmodem_get_status(m, &st);
	simctl_printf(c,
		      "modem %zu name=%s number=%s sim=%s reg=%d rssi=%d booting=%d "
		      "port_gone=%d sm=%u/%u me=%u/%u sr=%u/%u pending=%zu",
		      simmodem_index(m), simmodem_name(m), simmodem_number(m),
		      simmodem_sim_str(st.sim), st.reg, st.rssi, st.booting, st.port_gone,
		      st.used[0], st.capacity[0], st.used[1], st.capacity[1], st.used[2],
		      st.capacity[2], simnet_pending(c->net, m));
}

static int simctl_status(struct simctl *c, struct simmodem *m)
{
	struct simmodem_status st;
	simmodem_get_status(m, &st);
	simctl_modem_line(c, m);
	simctl_printf(c, "settings echo=%d cmee=%d cmgf=%d csms=%d cnmi=%d,%d,%d,%d,%d cfun=%d",
		      st.echo, st.cmee, st.cmgf, st.csms, st.cnmi[0], st.cnmi[1], st.cnmi[2],
		      st.cnmi[3], st.cnmi[4], st.cfun);
	simctl_printf(c, "sim state=%s pin_tries=%d puk_tries=%d", simmodem_sim_str(st.sim),
		      st.pin_tries, st.puk_tries);
	simctl_printf(c, "io prompt=%d cnma_pending=%d urcs_held=%u commands=%llu", st.prompt,
		      st.cnma_pending, st.urcs_held, (unsigned long long)st.commands);
	return simctl_ok(c);
}

static int simctl_sms(struct simctl *c, struct simmodem *m, const char *from, const char *rest)
{
	struct simnet_inject_opts o = { 0 };
	unsigned order[SMS_MAX_PARTS];
	char opt[256];
	while (rest[0] == '-' && rest[1] == '-') {
		size_t len = strcspn(rest, " \t");
		if (len >= sizeof(opt))
			return simctl_err(c, "bad option");
		memcpy(opt, rest, len);
		opt[len] = '\0';
		rest += len;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (!strcmp(opt, "--"))
			break;
		if (!strcmp(opt, "--ucs2")) {
			o.force_ucs2 = true;
		} else if (!strcmp(opt, "--class0")) {
			o.class0 = true;
		} else if (!strncmp(opt, "--ref=", 6)) {
			long v;
			if (simctl_long(opt + 6, 1, 255, &v) < 0)
				return simctl_err(c, "bad --ref");
			o.ref = (unsigned)v;
		} else if (!strncmp(opt, "--order=", 8)) {
			char *save = NULL;
			o.n_order = 0;
			for (char *t = strtok_r(opt + 8, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
				long v;
				if (o.n_order == SMS_MAX_PARTS || simctl_long(t, 1, 255, &v) < 0)
					return simctl_err(c, "bad --order");
				order[o.n_order++] = (unsigned)v;
			}
			if (!o.n_order)
				return simctl_err(c, "bad --order");
			o.order = order;
		} else {
			return simctl_err(c, "unknown option");
		}
	}
	char *text = malloc(strlen(rest) + 1);
	if (!text)
		return -ENOMEM;
	int rc = simctl_unescape(rest, text, strlen(rest) + 1);
	if (rc >= 0)
		rc = simnet_inject_text(c->net, m, from, text, &o);
	free(text);
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		return simctl_err(c, rc == -EINVAL ? "invalid message or part order"
				     : rc == -E2BIG ? "text too long"
						    : "cannot encode text");
	simctl_printf(c, "parts %d", rc);
	return simctl_ok(c);
}

static int simctl_sent(struct simctl *c)
{
	long since = 0;
	if (c->n > 1 && simctl_long(c->words[1], 0, LONG_MAX, &since) < 0)
		return simctl_err(c, "usage: sent [since_seq]");
	for (size_t i = 0; i < simnet_sent_count(c->net); i++) {
		const struct simnet_sent *s = simnet_sent_get(c->net, i);
		if (s->seq <= (uint64_t)since)
			continue;
		char text[SIMNET_TEXT_MAX * 4 + 8];
		simctl_escape(s->text, text, sizeof(text));
		simctl_printf(c,
			      "sent seq=%llu modem=%d from=%s to=%s mr=%d report=%d internal=%d "
			      "enc=%s ref=%u total=%u part=%u pdu=%s text=%s",
			      (unsigned long long)s->seq, s->modem, s->from, s->to, s->mr, s->report,
			      s->internal, s->encoding, s->ref, s->total, s->seq_no, s->pdu, text);
	}
	return simctl_ok(c);
}

static int simctl_stored(struct simctl *c, struct simmodem *m)
{
	int mem = c->n > 2 ? sm_mem_parse(c->words[2]) : -1;
	if (mem < 0 || mem > SIMMODEM_MEM_SR)
		return simctl_err(c, "usage: stored <modem> SM|ME|SR");
	struct simmodem_status st;
	simmodem_get_status(m, &st);
	for (unsigned i = 1; i <= st.capacity[mem]; i++) {
		char hex[SM_PDU_HEX_MAX + 1];
		int stat;
		if (simmodem_stored(m, mem, i, hex, sizeof(hex), &stat) == 0)
			simctl_printf(c, "stored mem=%s index=%u stat=%d pdu=%s",
				      simmodem_mem_str(mem), i, stat, hex);
	}
	return simctl_ok(c);
}

static int simctl_fault(struct simctl *c, struct simmodem *m)
{
	const char *f = c->n > 2 ? c->words[2] : "";
	const char *arg = c->n > 3 ? c->words[3] : "";
	long v = 0;
	if (!strcmp(f, "delay") && simctl_long(arg, 0, 3600000, &v) == 0) {
		simmodem_set_latency(m, v);
	} else if (!strcmp(f, "silent") && !strcmp(arg, "forever")) {
		simmodem_fault_silent(m, UINT_MAX);
	} else if (!strcmp(f, "silent") && simctl_long(arg, 0, 1000000, &v) == 0) {
		simmodem_fault_silent(m, (unsigned)v);
	} else if (!strcmp(f, "garbage") && c->rest[0]) {
		char bytes[1024];
		int n = simctl_unescape(c->rest, bytes, sizeof(bytes));
		if (n <= 0 || simmodem_fault_garbage(m, bytes, (size_t)n) < 0)
			return simctl_err(c, "bad garbage bytes");
	} else if (!strcmp(f, "cms") && simctl_long(arg, 0, 511, &v) == 0) {
		simmodem_fault_cms(m, (int)v);
	} else if (!strcmp(f, "netloss") && !strcmp(arg, "forever")) {
		simmodem_fault_netloss(m, 0);
	} else if (!strcmp(f, "netloss") && simctl_long(arg, 1, 86400000, &v) == 0) {
		simmodem_fault_netloss(m, v);
	} else if (!strcmp(f, "netback")) {
		simmodem_fault_netloss(m, -1);
	} else if (!strcmp(f, "sim-removed")) {
		simmodem_fault_sim(m, true);
	} else if (!strcmp(f, "sim-inserted")) {
		simmodem_fault_sim(m, false);
	} else if (!strcmp(f, "reboot")) {
		simmodem_reboot(m);
	} else if (!strcmp(f, "vanish") && simctl_long(arg, 0, 3600000, &v) == 0) {
		simmodem_fault_vanish(m, v);
	} else if (!strcmp(f, "clear")) {
		simmodem_fault_clear(m);
	} else {
		return simctl_err(c, "usage: fault <modem> delay MS|silent N|silent forever|"
				     "garbage TEXT|cms CODE|netloss MS|netloss forever|netback|"
				     "sim-removed|sim-inserted|reboot|vanish MS|clear");
	}
	return simctl_ok(c);
}

static int simctl_set(struct simctl *c)
{
	long a, b;
	const char *what = c->n > 1 ? c->words[1] : "";
	if (!strcmp(what, "report") && c->n == 4 && simctl_long(c->words[2], -1, 86400000, &a) == 0 &&
	    simctl_long(c->words[3], 0, 255, &b) == 0) {
		simnet_set_report(c->net, a, (int)b);
		return simctl_ok(c);
	}
	struct simmodem *m = c->n > 2 ? simctl_modem(c, c->words[2]) : NULL;
	bool all = c->n > 2 && !strcmp(c->words[2], "all");
	if (!strcmp(what, "latency") && c->n == 4 && (m || all) &&
	    simctl_long(c->words[3], 0, 3600000, &a) == 0) {
		for (size_t i = 0; i < simnet_modem_count(c->net); i++)
			if (all || simnet_modem(c->net, i) == m)
				simmodem_set_latency(simnet_modem(c->net, i), a);
		return simctl_ok(c);
	}
	if (!strcmp(what, "rssi") && c->n == 4 && m && simctl_long(c->words[3], 0, 99, &a) == 0 &&
	    simmodem_set_rssi(m, (int)a) == 0)
		return simctl_ok(c);
	return simctl_err(c, "usage: set report DELAY_MS STATUS | set latency MODEM|all MS | "
			     "set rssi MODEM N");
}

static int simctl_wait(struct simctl *c)
{
	long t, n = 0;
	if (c->n < 3 || simctl_long(c->words[1], 0, 3600000, &t) < 0)
		return simctl_err(c, "usage: wait TIMEOUT_MS sent N | idle MODEM | reg MODEM");
	c->wait_ms = t;
	const char *what = c->words[2];
	struct simmodem *m = c->n > 3 ? simctl_modem(c, c->words[3]) : NULL;
	bool met;
	if (!strcmp(what, "sent") && c->n > 3 && simctl_long(c->words[3], 0, LONG_MAX, &n) == 0) {
		met = simnet_sent_count(c->net) >= (size_t)n;
	} else if (!strcmp(what, "idle") && m) {
		met = simnet_pending(c->net, m) == 0;
	} else if (!strcmp(what, "reg") && m) {
		struct simmodem_status st;
		simmodem_get_status(m, &st);
		met = st.reg == 1 || st.reg == 5;
	} else {
		return simctl_err(c, "usage: wait TIMEOUT_MS sent N | idle MODEM | reg MODEM");
	}
	if (!met) {
		c->again = true;
		return 0;
	}
	return simctl_ok(c);
}

static const char *const simctl_help[] = {
	"help",
	"modems",
	"status MODEM",
	"sms MODEM FROM [--ucs2] [--class0] [--ref=N] [--order=2,1,3] [--] TEXT",
	"pdu MODEM HEX",
	"report MODEM MR [STATUS]",
	"sent [SINCE_SEQ]",
	"clear-sent",
	"stored MODEM SM|ME|SR",
	"set report DELAY_MS STATUS | set latency MODEM|all MS | set rssi MODEM N",
	("fault MODEM delay MS|silent N|silent forever|garbage TEXT|cms CODE|netloss MS|"
	 "netloss forever|netback|sim-removed|sim-inserted|reboot|vanish MS|clear"),
	"wait TIMEOUT_MS sent N | idle MODEM | reg MODEM",
};

static int simctl_modem_cmd(struct simctl *c, const char *cmd)
{
	struct simmodem *m = c->n > 1 ? simctl_modem(c, c->words[1]) : NULL;
	if (!m)
		return simctl_err(c, "no such modem");
	if (!strcmp(cmd, "status"))
		return simctl_status(c, m);
	if (!strcmp(cmd, "stored"))
		return simctl_stored(c, m);
	if (!strcmp(cmd, "fault"))
		return simctl_fault(c, m);
	if (!strcmp(cmd, "sms")) {
		if (c->n < 3)
			return simctl_err(c, "usage: sms MODEM FROM [options] TEXT");
		return simctl_sms(c, m, c->words[2], c->rest);
	}
	if (!strcmp(cmd, "pdu")) {
		int rc = c->n == 3 ? simnet_inject_pdu(c->net, m, c->words[2]) : -EINVAL;
		return rc < 0 ? simctl_err(c, "bad PDU: need hex DELIVER or STATUS-REPORT, "
					      "SMSC octets first")
			      : simctl_ok(c);
	}
	/* report */
	long mr, st = 0;
	if (c->n < 3 || simctl_long(c->words[2], 0, 255, &mr) < 0 ||
	    (c->n > 3 && simctl_long(c->words[3], 0, 255, &st) < 0))
		return simctl_err(c, "usage: report MODEM MR [STATUS]");
	int rc = simnet_inject_report(c->net, m, (int)mr, (int)st);
	return rc < 0 ? simctl_err(c, rc == -ENOENT ? "no message with that MR" : "cannot report")
		      : simctl_ok(c);
}

static int simctl_run(struct simctl *c, const char *line)
{
	simctl_words(c, line, 4);
	const char *cmd = c->n ? c->words[0] : "";
	/* sms and fault garbage take the rest of the line as text */
	if (!strcmp(cmd, "sms"))
		simctl_words(c, line, 3);
	else if (!strcmp(cmd, "fault") && c->n > 2 && !strcmp(c->words[2], "garbage"))
		simctl_words(c, line, 3);
	if (!strcmp(cmd, "help")) {
		for (size_t i = 0; i < sizeof(simctl_help) / sizeof(simctl_help[0]); i++)
			simctl_printf(c, "usage %s", simctl_help[i]);
		return simctl_ok(c);
	}
	if (!strcmp(cmd, "modems")) {
		for (size_t i = 0; i < simnet_modem_count(c->net); i++)
			simctl_modem_line(c, simnet_modem(c->net, i));
		return simctl_ok(c);
	}
	if (!strcmp(cmd, "sent"))
		return simctl_sent(c);
	if (!strcmp(cmd, "clear-sent")) {
		simnet_sent_clear(c->net);
		return simctl_ok(c);
	}
	if (!strcmp(cmd, "set"))
		return simctl_set(c);
	if (!strcmp(cmd, "wait"))
		return simctl_wait(c);
	if (!strcmp(cmd, "status") || !strcmp(cmd, "stored") || !strcmp(cmd, "fault") ||
	    !strcmp(cmd, "sms") || !strcmp(cmd, "pdu") || !strcmp(cmd, "report"))
		return simctl_modem_cmd(c, cmd);
	if (!cmd[0])
		return simctl_err(c, "empty command");
	return simctl_err(c, "unknown command (try help)");
}

int simctl_exec(struct simnet *net, const char *line, char **reply, size_t *len, long *wait_ms)
{
	struct simctl *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->net = net;
	int rc = simctl_run(c, line);
	if (wait_ms)
		*wait_ms = c->wait_ms;
	if (rc == 0 && c->again) {
		sm_buf_free(&c->out);
		free(c);
		return -EAGAIN;
	}
	if (rc == 0 && !c->out.d)
		rc = -ENOMEM;
	if (rc < 0) {
		sm_buf_free(&c->out);
		free(c);
		return rc;
	}
	*reply = c->out.d;
	*len = c->out.len;
	free(c);
	return 0;
}
