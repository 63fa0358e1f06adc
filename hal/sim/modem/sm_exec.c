/* Command line execution (V.250 5.2-5.4): basic commands (E, V, Q, Z, I,
 * &F, S-registers...), extended commands (+X, +X=..., +X?, +X=?) separated
 * by ';', final result codes, argument splitting, +CSCS string conversion
 * and the +CME / +CMS error texts (27.007 9.2, 27.005 3.2.5). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/log.h"
#include "sm_internal.h"
#include "sms/alphabet.h"

LOG_MODULE(log_smexec, "simmodem");

struct sm_err_text {
	int code;
	const char *text;
};

/* 27.007 9.2.1 / 9.2.2 */
static const struct sm_err_text sm_cme_texts[] = {
	{ 0, "phone failure" },
	{ 3, "operation not allowed" },
	{ 4, "operation not supported" },
	{ 10, "SIM not inserted" },
	{ 11, "SIM PIN required" },
	{ 12, "SIM PUK required" },
	{ 13, "SIM failure" },
	{ 14, "SIM busy" },
	{ 15, "SIM wrong" },
	{ 16, "incorrect password" },
	{ 20, "memory full" },
	{ 21, "invalid index" },
	{ 22, "not found" },
	{ 24, "text string too long" },
	{ 25, "invalid characters in text string" },
	{ 30, "no network service" },
	{ 31, "network timeout" },
	{ 50, "incorrect parameters" },
	{ 100, "unknown" },
};

/* 27.005 3.2.5 */
static const struct sm_err_text sm_cms_texts[] = {
	{ 300, "ME failure" },
	{ 301, "SMS service of ME reserved" },
	{ 302, "operation not allowed" },
	{ 303, "operation not supported" },
	{ 304, "invalid PDU mode parameter" },
	{ 305, "invalid text mode parameter" },
	{ 310, "SIM not inserted" },
	{ 311, "SIM PIN required" },
	{ 313, "SIM failure" },
	{ 316, "SIM PUK required" },
	{ 320, "memory failure" },
	{ 321, "invalid memory index" },
	{ 322, "memory full" },
	{ 330, "SMSC address unknown" },
	{ 331, "no network service" },
	{ 332, "network timeout" },
	{ 340, "no +CNMA acknowledgement expected" },
	{ 500, "unknown error" },
};

static const char *sm_err_find(const struct sm_err_text *t, size_t n, int code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].text;
	return "unknown";
}

const char *sm_cme_text(int code)
{
	return sm_err_find(sm_cme_texts, sizeof(sm_cme_texts) / sizeof(sm_cme_texts[0]), code);
}

const char *sm_cms_text(int code)
{
	return sm_err_find(sm_cms_texts, sizeof(sm_cms_texts) / sizeof(sm_cms_texts[0]), code);
}

/* A final result code: always on its own framed line (V.250 6.2.5). */
static void sm_result(struct simmodem *m, const char *text, char numeric)
{
	char eol[2] = { (char)m->s3, (char)m->s4 };
	if (!m->verbose) {
		if (numeric) {
			char c[2] = { numeric, (char)m->s3 };
			sm_buf_add(&m->resp, c, 2);
		} else {
			sm_buf_add(&m->resp, text, strlen(text));
			sm_buf_add(&m->resp, eol, 2);
		}
		return;
	}
	sm_buf_add(&m->resp, eol, 2);
	sm_buf_add(&m->resp, text, strlen(text));
	sm_buf_add(&m->resp, eol, 2);
}

/* V.250 6.2.5 / 27.007 9.1: ERROR, or +CME/+CMS ERROR per +CMEE. */
void sm_final(struct simmodem *m, struct sm_rc rc)
{
	if (rc.kind == SM_RC_PROMPT || m->quiet)
		return;
	char text[96];
	const char *kind = rc.kind == SM_RC_CMS ? "CMS" : "CME";
	if (rc.kind == SM_RC_OK) {
		sm_result(m, "OK", '0');
		return;
	}
	/* +CMEE=0 turns +CME and +CMS errors into a plain ERROR. */
	if ((rc.kind == SM_RC_CME || rc.kind == SM_RC_CMS) && m->cmee == 1) {
		snprintf(text, sizeof(text), "+%s ERROR: %d", kind, rc.code);
		sm_result(m, text, 0);
		return;
	}
	if ((rc.kind == SM_RC_CME || rc.kind == SM_RC_CMS) && m->cmee == 2) {
		const char *t = rc.kind == SM_RC_CMS ? sm_cms_text(rc.code) : sm_cme_text(rc.code);
		snprintf(text, sizeof(text), "+%s ERROR: %s", kind, t);
		sm_result(m, text, 0);
		return;
	}
	sm_result(m, "ERROR", '4');
}

/* ---- arguments ---- */

int sm_args_split(const char *s, struct sm_args *a)
{
	memset(a, 0, sizeof(*a));
	while (*s == ' ')
		s++;
	if (!*s)
		return 0;
	for (;;) {
		if (a->n == SM_ARGS_MAX)
			return -E2BIG;
		char *v = a->v[a->n];
		size_t len = 0, max = sizeof(a->v[0]) - 1;
		while (*s == ' ')
			s++;
		if (*s == '"') {
			a->quoted[a->n] = true;
			s++;
			while (*s && *s != '"') {
				if (len == max)
					return -E2BIG;
				v[len++] = *s++;
			}
			if (*s != '"')
				return -EINVAL;
			s++;
			while (*s == ' ')
				s++;
		} else {
			while (*s && *s != ',') {
				if (len == max)
					return -E2BIG;
				v[len++] = *s++;
			}
			while (len && v[len - 1] == ' ')
				len--;
		}
		v[len] = '\0';
		a->n++;
		if (!*s)
			return 0;
		if (*s != ',')
			return -EINVAL;
		s++;
	}
}

int sm_arg_int(const struct sm_args *a, int i, int lo, int hi, int def, int *out)
{
	if (i >= a->n || !a->v[i][0]) {
		*out = def;
		return 0;
	}
	if (a->quoted[i])
		return -EINVAL;
	char *end;
	errno = 0;
	long v = strtol(a->v[i], &end, 10);
	if (errno || *end || end == a->v[i] || v < lo || v > hi)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

/* ---- +CSCS ---- */

void sm_str_out(const struct simmodem *m, const char *s, char *out, size_t len)
{
	if (m->cscs != 2) {
		snprintf(out, len, "%s", s);
		return;
	}
	uint8_t be[256];
	int n = sms_ucs2_from_utf8(s, strlen(s), be, sizeof(be));
	size_t o = 0;
	for (int i = 0; n > 0 && i < n && o + 3 < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%02X", be[i]);
	out[o] = '\0';
}

int sm_str_in(const struct simmodem *m, const char *s, char *out, size_t len)
{
	size_t n = strlen(s);
	if (m->cscs != 2 || !sm_is_hex(s, n) || n % 4) {
		if (m->cscs == 2 && n && sm_is_hex(s, n))
			return -EINVAL;
		/* Real modems in UCS2 mode still take a plain "+49..." */
		if (n >= len)
			return -E2BIG;
		memcpy(out, s, n + 1);
		return 0;
	}
	uint8_t be[256];
	if (n / 2 > sizeof(be))
		return -E2BIG;
	for (size_t i = 0; i < n / 2; i++)
		be[i] = (uint8_t)(sm_hex_val(s[2 * i]) << 4 | sm_hex_val(s[2 * i + 1]));
	int r = sms_ucs2_to_utf8(be, n / 2, out, len);
	return r < 0 ? r : 0;
}

/* ---- basic commands ---- */

static int sm_basic_num(const char **p)
{
	int v = 0;
	bool any = false;
	while (isdigit((unsigned char)**p) && v < 1000) {
		v = v * 10 + (**p - '0');
		(*p)++;
		any = true;
	}
	return any ? v : 0;
}

static void sm_ati(struct simmodem *m)
{
	sm_info(m, "Manufacturer: %s", m->manufacturer);
	sm_info(m, "Model: %s", m->model);
	sm_info(m, "Revision: %s", m->revision);
	sm_info(m, "IMEI: %s", m->imei);
	sm_info(m, "+GCAP: +CGSM");
}

static struct sm_rc sm_sreg(struct simmodem *m, const char **p)
{
	int reg = sm_basic_num(p);
	uint8_t *r = reg == 3 ? &m->s3 : reg == 4 ? &m->s4 : reg == 5 ? &m->s5 : NULL;
	if (**p == '?') {
		(*p)++;
		int v = r ? *r : reg == 0 ? 0 : reg == 7 ? 60 : 0;
		sm_info(m, "%03d", v);
		return SM_OK;
	}
	if (**p != '=')
		return SM_OK; /* "ATS3" selects a register: accept */
	(*p)++;
	if (!isdigit((unsigned char)**p))
		return SM_ERR;
	int v = sm_basic_num(p);
	if (v > 127)
		return SM_ERR;
	if (r)
		*r = (uint8_t)v;
	return SM_OK;
}

/* One basic command at *p; advances *p past it. */
static struct sm_rc sm_basic(struct simmodem *m, const char **p)
{
	char c = (char)toupper((unsigned char)**p);
	(*p)++;
	if (c == '&') {
		char d = (char)toupper((unsigned char)**p);
		if (!d)
			return SM_ERR;
		(*p)++;
		sm_basic_num(p);
		if (d == 'F')
			sm_defaults(m);
		return strchr("FCDKWVSY", d) ? SM_OK : SM_ERR;
	}
	if (c == 'S')
		return sm_sreg(m, p);
	if (c == 'D') {
		*p += strlen(*p); /* the rest of the line is the dial string */
		sm_info(m, "NO CARRIER");
		return (struct sm_rc){ SM_RC_PROMPT, 0 }; /* no OK after it */
	}
	int v = sm_basic_num(p);
	switch (c) {
	case 'E':
		if (v > 1)
			return SM_ERR;
		m->echo = v;
		return SM_OK;
	case 'V':
		if (v > 1)
			return SM_ERR;
		m->verbose = v;
		return SM_OK;
	case 'Q':
		if (v > 1)
			return SM_ERR;
		m->quiet = v;
		return SM_OK;
	case 'Z':
		sm_defaults(m);
		return SM_OK;
	case 'I':
		sm_ati(m);
		return SM_OK;
	case 'X': case 'L': case 'M': case 'H': case 'O': case 'P': case 'T':
		return SM_OK;
	default:
		return SM_ERR;
	}
}

/* ---- extended commands ---- */

static struct sm_rc sm_extended(struct simmodem *m, const char **p)
{
	struct sm_cmd c = { .type = SM_EXEC, .args = "" };
	char args[SM_LINE_MAX];
	size_t n = 0;
	c.name[n++] = *(*p)++;
	while (**p && **p != '=' && **p != '?' && **p != ';' && **p != ' ') {
		if (n + 1 >= sizeof(c.name))
			return SM_ERR;
		c.name[n++] = (char)toupper((unsigned char)*(*p)++);
	}
	c.name[n] = '\0';
	if (**p == '=' && (*p)[1] == '?') {
		c.type = SM_TEST;
		*p += 2;
	} else if (**p == '?') {
		c.type = SM_READ;
		(*p)++;
	} else if (**p == '=') {
		c.type = SM_SET;
		(*p)++;
		bool q = false;
		size_t a = 0;
		while (**p && (q || **p != ';')) {
			if (**p == '"')
				q = !q;
			if (a + 1 < sizeof(args))
				args[a++] = **p;
			(*p)++;
		}
		args[a] = '\0';
		c.args = args;
	}
	sm_handler h = sm_gen_lookup(c.name);
	if (!h)
		h = sm_sms_lookup(c.name);
	if (!h)
		h = sm_pinq_lookup(c.name);
	if (!h) {
		LOG_DBG(&log_smexec, m->name, "unknown command %s", c.name);
		return m->cmee ? SM_CME(4) : SM_ERR;
	}
	return h(m, &c);
}

void sm_exec_line(struct simmodem *m, const char *s)
{
	struct sm_rc rc = SM_OK;
	while (*s) {
		if (*s == ' ' || *s == ';') {
			s++;
			continue;
		}
		if (strchr("+^$%*#!", *s))
			rc = sm_extended(m, &s);
		else
			rc = sm_basic(m, &s);
		if (rc.kind != SM_RC_OK)
			break;
	}
	sm_final(m, rc);
}
