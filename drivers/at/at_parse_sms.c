/* Parsers for SMS replies and indications (27.005, PDU mode). */
#include <errno.h>
#include <string.h>

#include "at/at_parse.h"

static int need(int rc)
{
	return rc == -ENOENT ? -EINVAL : rc;
}

int at_parse_cmgs(const char *line, struct at_cmgs *out)
{
	struct at_tok t;
	long v;
	int rc;

	memset(out, 0, sizeof(*out));
	if (at_tok_init(&t, line, "+CMGS:") < 0)
		return -EINVAL;
	if ((rc = at_tok_int(&t, 0, 255, &v)) < 0)
		return need(rc);
	out->mr = (int)v;
	if (at_tok_more(&t)) {
		bool quoted;
		if ((rc = at_tok_span(&t, &out->ackpdu, &quoted)) < 0)
			return rc;
		if (out->ackpdu.len && !at_is_hex(out->ackpdu.p, out->ackpdu.len))
			return -EINVAL;
	}
	/* text mode adds <scts> after <mr>; PDU mode has nothing more */
	return at_tok_more(&t) ? -EINVAL : 0;
}

static int parse_ind(const char *line, const char *prefix, struct at_msg_ind *out)
{
	struct at_tok t;
	int rc;

	memset(out, 0, sizeof(*out));
	if (at_tok_init(&t, line, prefix) < 0)
		return -EINVAL;
	if ((rc = at_tok_str(&t, out->mem, sizeof(out->mem))) < 0)
		return need(rc);
	if (out->mem[0] == '\0')
		return -EINVAL;
	if ((rc = at_tok_int(&t, 0, 65535, &out->index)) < 0)
		return need(rc);
	return at_tok_more(&t) ? -EINVAL : 0;
}

int at_parse_cmti(const char *line, struct at_msg_ind *out)
{
	return parse_ind(line, "+CMTI:", out);
}

int at_parse_cdsi(const char *line, struct at_msg_ind *out)
{
	return parse_ind(line, "+CDSI:", out);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Check the PDU line against <length> (TPDU octets). 27.005 says the PDU
 * starts with the SMSC address; some modems (and +CDS on a few) leave it
 * out, so both shapes are accepted when the arithmetic agrees. */
static int attach_pdu(const char *pdu_line, struct at_sms_pdu *out)
{
	size_t len, octets;

	if (!pdu_line)
		return out->length == 0 ? 0 : -EBADMSG;
	len = strlen(pdu_line);
	while (len > 0 && pdu_line[len - 1] == ' ')
		len--;
	if (len == 0)
		return out->length == 0 ? 0 : -EBADMSG;
	if (len % 2 != 0 || !at_is_hex(pdu_line, len))
		return -EINVAL;
	octets = len / 2;
	out->pdu.p = pdu_line;
	out->pdu.len = len;
	if (octets == (size_t)out->length) {
		out->has_smsc = false;
		return 0;
	}
	size_t smsc = (size_t)(hexval(pdu_line[0]) * 16 + hexval(pdu_line[1]));
	if (octets == 1 + smsc + (size_t)out->length) {
		out->has_smsc = true;
		return 0;
	}
	return -EBADMSG;
}

static void pdu_init(struct at_sms_pdu *out)
{
	memset(out, 0, sizeof(*out));
	out->index = -1;
	out->stat = -1;
}

/* [<alpha>,]<length>: alpha is optional in practice ("+CMT: ,23" per spec,
 * "+CMT: 23" from a few modems). */
static int alpha_length(struct at_tok *t, struct at_sms_pdu *out)
{
	int rc;

	if (at_tok_count(t) >= 2 && (rc = at_tok_span(t, &out->alpha, NULL)) < 0)
		return rc;
	if ((rc = at_tok_int(t, 0, 255, &out->length)) < 0)
		return need(rc);
	return at_tok_more(t) ? -EINVAL : 0;
}

int at_parse_cmt(const char *header, const char *pdu_line, struct at_sms_pdu *out)
{
	struct at_tok t;
	int rc;

	pdu_init(out);
	if (at_tok_init(&t, header, "+CMT:") < 0)
		return -EINVAL;
	if ((rc = alpha_length(&t, out)) < 0)
		return rc;
	if (out->length == 0)
		return -EINVAL;
	return attach_pdu(pdu_line, out);
}

int at_parse_cds(const char *header, const char *pdu_line, struct at_sms_pdu *out)
{
	struct at_tok t;
	int rc;

	pdu_init(out);
	if (at_tok_init(&t, header, "+CDS:") < 0)
		return -EINVAL;
	if ((rc = at_tok_int(&t, 1, 255, &out->length)) < 0)
		return need(rc);
	if (at_tok_more(&t))
		return -EINVAL;
	return attach_pdu(pdu_line, out);
}

int at_parse_cmgl(const char *header, const char *pdu_line, struct at_sms_pdu *out)
{
	struct at_tok t;
	long v;
	int rc;

	pdu_init(out);
	if (at_tok_init(&t, header, "+CMGL:") < 0)
		return -EINVAL;
	if ((rc = at_tok_int(&t, 0, 65535, &out->index)) < 0)
		return need(rc);
	if ((rc = at_tok_int(&t, 0, 4, &v)) < 0)
		return need(rc);
	out->stat = (int)v;
	if ((rc = alpha_length(&t, out)) < 0)
		return rc;
	return attach_pdu(pdu_line, out);
}

int at_parse_cmgr(const char *header, const char *pdu_line, struct at_sms_pdu *out)
{
	struct at_tok t;
	long v;
	int rc;

	pdu_init(out);
	if (at_tok_init(&t, header, "+CMGR:") < 0)
		return -EINVAL;
	if ((rc = at_tok_int(&t, 0, 4, &v)) < 0)
		return need(rc);
	out->stat = (int)v;
	if ((rc = alpha_length(&t, out)) < 0)
		return rc;
	return attach_pdu(pdu_line, out);
}

int at_parse_cpms(const char *line, struct at_cpms *out)
{
	struct at_tok t;
	struct at_span first;
	bool quoted, query;
	int rc;

	memset(out, 0, sizeof(*out));
	if (at_tok_init(&t, line, "+CPMS:") < 0)
		return -EINVAL;
	{
		struct at_tok peek = t;
		if (at_tok_span(&peek, &first, &quoted) < 0 || first.len == 0)
			return -EINVAL;
		if (first.p[0] == '(')
			return -EINVAL; /* the =? form is not a storage report */
		query = quoted || (first.p[0] < '0' || first.p[0] > '9');
	}
	while (at_tok_more(&t)) {
		if (out->n == 3)
			return -EINVAL;
		if (query && (rc = at_tok_str(&t, out->m[out->n].mem, sizeof(out->m[0].mem))) < 0)
			return need(rc);
		if ((rc = at_tok_int(&t, 0, 65535, &out->m[out->n].used)) < 0 ||
		    (rc = at_tok_int(&t, 0, 65535, &out->m[out->n].total)) < 0)
			return need(rc);
		if (out->m[out->n].used > out->m[out->n].total)
			return -ERANGE;
		out->n++;
	}
	return out->n ? 0 : -EINVAL;
}

int at_parse_csca(const char *line, struct at_csca *out)
{
	struct at_tok t;
	long v;
	int rc;

	memset(out, 0, sizeof(*out));
	out->type = -1;
	if (at_tok_init(&t, line, "+CSCA:") < 0)
		return -EINVAL;
	if ((rc = at_tok_str(&t, out->number, sizeof(out->number))) < 0)
		return need(rc);
	if (at_tok_more(&t)) {
		rc = at_tok_int(&t, 0, 255, &v);
		if (rc == 0)
			out->type = (int)v;
		else if (rc != -ENOENT)
			return rc;
	}
	return at_tok_more(&t) ? -EINVAL : 0;
}
