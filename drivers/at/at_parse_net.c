/* Parsers for network, SIM and identity replies (27.007). */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "at/at_parse.h"

int at_parse_csq(const char *line, struct at_csq *out)
{
	struct at_tok t;
	long rssi, ber;
	int rc;

	if (at_tok_init(&t, line, "+CSQ:") < 0)
		return -EINVAL;
	if ((rc = at_tok_int(&t, 0, 99, &rssi)) < 0 || (rc = at_tok_int(&t, 0, 99, &ber)) < 0)
		return rc == -ENOENT ? -EINVAL : rc;
	if (at_tok_more(&t))
		return -EINVAL;
	if ((rssi > 31 && rssi != 99) || (ber > 7 && ber != 99))
		return -ERANGE;
	out->rssi = (int)rssi;
	out->ber = (int)ber;
	return 0;
}

int at_csq_dbm(int rssi, int *dbm)
{
	if (rssi == AT_CSQ_UNKNOWN)
		return -ENODATA;
	if (rssi < 0 || rssi > 31)
		return -ERANGE;
	*dbm = -113 + 2 * rssi;
	return 0;
}

const char *at_reg_cmd_str(enum at_reg_cmd c)
{
	switch (c) {
	case AT_REG_CREG: return "CREG";
	case AT_REG_CGREG: return "CGREG";
	case AT_REG_CEREG: return "CEREG";
	}
	return "?";
}

const char *at_reg_stat_str(enum at_reg_stat s)
{
	switch (s) {
	case AT_REG_NOT_REGISTERED: return "not-registered";
	case AT_REG_HOME: return "home";
	case AT_REG_SEARCHING: return "searching";
	case AT_REG_DENIED: return "denied";
	case AT_REG_UNKNOWN: return "unknown";
	case AT_REG_ROAMING: return "roaming";
	case AT_REG_HOME_SMS_ONLY: return "home-sms-only";
	case AT_REG_ROAMING_SMS_ONLY: return "roaming-sms-only";
	case AT_REG_EMERGENCY_ONLY: return "emergency-only";
	case AT_REG_HOME_CSFB_NOT_PREFERRED: return "home-csfb-not-preferred";
	case AT_REG_ROAMING_CSFB_NOT_PREFERRED: return "roaming-csfb-not-preferred";
	case AT_REG_EMERGENCY_BEARER: return "emergency-bearer";
	}
	return "?";
}

bool at_reg_registered(enum at_reg_stat s)
{
	return s == AT_REG_HOME || s == AT_REG_ROAMING || s == AT_REG_HOME_SMS_ONLY ||
	       s == AT_REG_ROAMING_SMS_ONLY || s == AT_REG_HOME_CSFB_NOT_PREFERRED ||
	       s == AT_REG_ROAMING_CSFB_NOT_PREFERRED;
}

static int reg_prefix(const char *line, enum at_reg_cmd *cmd, struct at_tok *t)
{
	if (at_tok_init(t, line, "+CREG:") == 0)
		*cmd = AT_REG_CREG;
	else if (at_tok_init(t, line, "+CGREG:") == 0)
		*cmd = AT_REG_CGREG;
	else if (at_tok_init(t, line, "+CEREG:") == 0)
		*cmd = AT_REG_CEREG;
	else
		return -EINVAL;
	return 0;
}

/* AUTO: one field is a URC ("stat"); otherwise the second field decides. */
static bool looks_like_query(const struct at_tok *t)
{
	struct at_tok c = *t;
	struct at_span s;
	bool quoted;

	if (at_tok_count(&c) < 2)
		return false;
	(void)at_tok_skip(&c);
	if (at_tok_span(&c, &s, &quoted) < 0)
		return false;
	if (quoted || s.len > 2)
		return false; /* a LAC/TAC: the URC form */
	/* "+CREG: 2,," (stat 2, empty location) is a URC; "0,1" is a query. */
	return s.len > 0;
}

int at_parse_reg(const char *line, enum at_reg_form form, struct at_reg *out)
{
	struct at_tok t;
	long v;
	unsigned long lac, ci;
	int rc;

	memset(out, 0, sizeof(*out));
	out->n = -1;
	out->act = -1;
	if (reg_prefix(line, &out->cmd, &t) < 0)
		return -EINVAL;
	out->query = form == AT_REG_FORM_QUERY ||
		     (form == AT_REG_FORM_AUTO && looks_like_query(&t));
	if (out->query) {
		if ((rc = at_tok_int(&t, 0, 5, &v)) < 0)
			return rc == -ENOENT ? -EINVAL : rc;
		out->n = (int)v;
	}
	if ((rc = at_tok_int(&t, 0, 11, &v)) < 0)
		return rc == -ENOENT ? -EINVAL : rc;
	out->stat = (enum at_reg_stat)v;
	if (!at_tok_more(&t))
		return 0;
	/* lac/tac, ci: quoted or bare hex, sometimes padded with spaces */
	if (at_tok_hex(&t, 0xFFFFFFFFul, &lac) == 0 && at_tok_hex(&t, 0xFFFFFFFFul, &ci) == 0) {
		out->has_loc = true;
		out->lac = lac;
		out->ci = ci;
	}
	if (at_tok_more(&t) && at_tok_int(&t, 0, 13, &v) == 0)
		out->act = (int)v;
	/* further fields (+CGREG <rac>, +CEREG cause/PSM timers) are ignored */
	return 0;
}

int at_parse_cops(const char *line, struct at_cops *out)
{
	struct at_tok t;
	long v;
	int rc;

	memset(out, 0, sizeof(*out));
	out->format = -1;
	out->act = -1;
	if (at_tok_init(&t, line, "+COPS:") < 0)
		return -EINVAL;
	if (t.p < t.end && *t.p == '(')
		return -EINVAL; /* the =? list: at_parse_cops_list */
	if ((rc = at_tok_int(&t, 0, 4, &v)) < 0)
		return rc == -ENOENT ? -EINVAL : rc;
	out->mode = (int)v;
	if (!at_tok_more(&t))
		return 0;
	rc = at_tok_int(&t, 0, 2, &v);
	if (rc == -ENOENT)
		return at_tok_more(&t) ? -EINVAL : 0;
	if (rc < 0)
		return rc;
	out->format = (int)v;
	if ((rc = at_tok_str(&t, out->oper, sizeof(out->oper))) < 0)
		return rc == -ENOENT ? -EINVAL : rc;
	if (at_tok_more(&t)) {
		rc = at_tok_int(&t, 0, 13, &v);
		if (rc == 0)
			out->act = (int)v;
		else if (rc != -ENOENT)
			return rc;
	}
	return 0;
}

/* One "( ... )" group of a +COPS=? list. Returns 1 when it was an operator,
 * 0 when it was something else (supported-modes list), or -errno. */
static int cops_group(const char *p, size_t len, struct at_cops_op *op)
{
	struct at_tok t;
	long v;
	int rc;

	at_tok_init_span(&t, p, len);
	memset(op, 0, sizeof(*op));
	op->act = -1;
	if (at_tok_count(&t) < 4)
		return 0;
	if (at_tok_int(&t, 0, 3, &v) < 0)
		return 0;
	op->stat = (int)v;
	/* names are quoted strings (short may be empty): this is what tells
	 * an operator from the "(0,1,2,3,4)" supported-modes group */
	struct at_span f[3];
	char *dst[3] = { op->long_name, op->short_name, op->numeric };
	size_t cap[3] = { sizeof(op->long_name), sizeof(op->short_name), sizeof(op->numeric) };
	for (int i = 0; i < 3; i++) {
		bool quoted;
		if (at_tok_span(&t, &f[i], &quoted) < 0 || (!quoted && f[i].len > 0))
			return 0;
		if (f[i].len >= cap[i])
			return -E2BIG;
		memcpy(dst[i], f[i].p, f[i].len);
		dst[i][f[i].len] = '\0';
	}
	(void)rc;
	if (op->numeric[0] == '\0')
		return 0;
	if (at_tok_more(&t) && at_tok_int(&t, 0, 13, &v) == 0)
		op->act = (int)v;
	return 1;
}

int at_parse_cops_list(const char *line, struct at_cops_op *ops, size_t max, size_t *n)
{
	const char *p;

	*n = 0;
	if (!at_has_prefix(line, "+COPS:"))
		return -EINVAL;
	p = line + 6;
	while (*p) {
		if (*p != '(') {
			p++;
			continue;
		}
		const char *start = ++p;
		bool inq = false;
		while (*p && (inq || *p != ')')) {
			if (*p == '"')
				inq = !inq;
			p++;
		}
		if (!*p)
			return -EINVAL; /* unterminated group */
		struct at_cops_op op;
		int rc = cops_group(start, (size_t)(p - start), &op);
		p++;
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		if (*n == max)
			return -ENOSPC;
		ops[(*n)++] = op;
	}
	return 0;
}

const char *at_pin_state_str(enum at_pin_state s)
{
	switch (s) {
	case AT_PIN_READY: return "READY";
	case AT_PIN_SIM_PIN: return "SIM PIN";
	case AT_PIN_SIM_PUK: return "SIM PUK";
	case AT_PIN_SIM_PIN2: return "SIM PIN2";
	case AT_PIN_SIM_PUK2: return "SIM PUK2";
	case AT_PIN_PH_SIM_PIN: return "PH-SIM PIN";
	case AT_PIN_PH_NET_PIN: return "PH-NET PIN";
	case AT_PIN_PH_NET_PUK: return "PH-NET PUK";
	case AT_PIN_NOT_INSERTED: return "NOT INSERTED";
	case AT_PIN_NOT_READY: return "NOT READY";
	case AT_PIN_OTHER: return "other";
	}
	return "?";
}

static const struct {
	const char *text;
	enum at_pin_state state;
} pin_codes[] = {
	{ "READY", AT_PIN_READY },
	{ "SIM PIN", AT_PIN_SIM_PIN },
	{ "SIM PUK", AT_PIN_SIM_PUK },
	{ "SIM PIN2", AT_PIN_SIM_PIN2 },
	{ "SIM PUK2", AT_PIN_SIM_PUK2 },
	{ "PH-SIM PIN", AT_PIN_PH_SIM_PIN },
	{ "PH-NET PIN", AT_PIN_PH_NET_PIN },
	{ "PH-NET PUK", AT_PIN_PH_NET_PUK },
	{ "NOT INSERTED", AT_PIN_NOT_INSERTED },
	{ "SIM NOT INSERTED", AT_PIN_NOT_INSERTED },
	{ "NOT READY", AT_PIN_NOT_READY },
};

int at_parse_cpin(const char *line, enum at_pin_state *out)
{
	struct at_tok t;
	char code[32];
	int rc;

	if (at_tok_init(&t, line, "+CPIN:") < 0)
		return -EINVAL;
	rc = at_tok_str(&t, code, sizeof(code));
	if (rc == -E2BIG) {
		*out = AT_PIN_OTHER;
		return 0;
	}
	if (rc < 0 || code[0] == '\0' || at_tok_more(&t))
		return -EINVAL;
	for (size_t i = 0; i < sizeof(pin_codes) / sizeof(pin_codes[0]); i++) {
		if (strcasecmp(code, pin_codes[i].text) == 0) {
			*out = pin_codes[i].state;
			return 0;
		}
	}
	*out = AT_PIN_OTHER;
	return 0;
}

int at_parse_cusd(const char *line, struct at_cusd *out)
{
	struct at_tok t;
	long v;
	int rc;

	memset(out, 0, sizeof(*out));
	out->dcs = -1;
	if (at_tok_init(&t, line, "+CUSD:") < 0)
		return -EINVAL;
	if ((rc = at_tok_int(&t, 0, 5, &v)) < 0)
		return rc == -ENOENT ? -EINVAL : rc;
	out->m = (int)v;
	if (!at_tok_more(&t))
		return 0;
	if ((rc = at_tok_span(&t, &out->str, NULL)) < 0)
		return rc;
	out->has_str = true;
	if (at_tok_more(&t)) {
		rc = at_tok_int(&t, 0, 255, &v);
		if (rc == 0)
			out->dcs = (int)v;
		else if (rc != -ENOENT)
			return rc;
	}
	return at_tok_more(&t) ? -EINVAL : 0;
}

/* Shared by the identity parsers: strip an optional prefix from the list,
 * optional quotes, then check the characters and the length. */
static int parse_ident(const char *line, const char *const *prefixes, size_t minlen,
		       size_t maxlen, bool hex, char *out, size_t len)
{
	struct at_tok t;
	struct at_span s;
	bool matched = false;

	if (!line || !out || len == 0)
		return -EINVAL;
	out[0] = '\0';
	for (size_t i = 0; prefixes[i]; i++) {
		if (at_tok_init(&t, line, prefixes[i]) == 0) {
			matched = true;
			break;
		}
	}
	if (!matched)
		at_tok_init(&t, line, NULL);
	if (at_tok_span(&t, &s, NULL) < 0 || at_tok_more(&t))
		return -EINVAL;
	if (s.len < minlen || s.len > maxlen)
		return -EINVAL;
	for (size_t i = 0; i < s.len; i++) {
		char c = s.p[i];
		bool ok = (c >= '0' && c <= '9') ||
			  (hex && ((c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f')));
		if (!ok)
			return -EINVAL;
	}
	if (s.len >= len)
		return -E2BIG;
	memcpy(out, s.p, s.len);
	out[s.len] = '\0';
	return 0;
}

int at_parse_imei(const char *line, char *out, size_t len)
{
	static const char *const pfx[] = { "+CGSN:", "+GSN:", NULL };
	return parse_ident(line, pfx, 14, 17, false, out, len);
}

int at_parse_imsi(const char *line, char *out, size_t len)
{
	static const char *const pfx[] = { "+CIMI:", NULL };
	return parse_ident(line, pfx, 5, 15, false, out, len);
}

int at_parse_iccid(const char *line, char *out, size_t len)
{
	static const char *const pfx[] = { "+CCID:", "+ICCID:", "^ICCID:", "+QCCID:", NULL };
	return parse_ident(line, pfx, 18, 22, true, out, len);
}
