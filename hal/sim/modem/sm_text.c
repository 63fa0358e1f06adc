/* Text mode (+CMGF=1, 27.005 section 4): sending a single-part text with
 * AT+CMGS="<da>", and the text-mode forms of +CMGL / +CMGR. The SMS codec
 * (drivers/sms) does the encoding. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sm_internal.h"
#include "sm_text.h"
#include "sms/pdu.h"

static const char *const sm_text_stat[] = { "REC UNREAD", "REC READ", "STO UNSENT",
					    "STO SENT" };

struct sm_rc sm_text_prepare(struct simmodem *m, const struct sm_args *a)
{
	char da[96];
	struct sms_address addr;
	int toda;
	if (a->n > 2 || sm_str_in(m, a->v[0], da, sizeof(da)) < 0 ||
	    sms_address_parse(da, &addr) < 0 || sm_arg_int(a, 1, 129, 255, 129, &toda) < 0 ||
	    strlen(da) >= sizeof(m->prompt_da))
		return SM_CMS(305);
	snprintf(m->prompt_da, sizeof(m->prompt_da), "%s", da);
	return SM_OK;
}

struct sm_rc sm_text_prompt_done(struct simmodem *m, enum sm_prompt p)
{
	char text[SM_PDU_HEX_MAX * 2];
	if (p != SM_PROMPT_CMGS)
		return SM_CMS(303);
	if (sm_str_in(m, m->pdu, text, sizeof(text)) < 0)
		return SM_CMS(305);
	struct sms_submit_opts o = { .to = m->prompt_da, .seg = { .pref = SMS_PREF_AUTO } };
	struct sms_encoded_pdu enc;
	int parts = sms_submit_encode_text(&o, text, strlen(text), &enc, 1);
	if (parts != 1)
		return SM_CMS(305); /* one message per AT+CMGS, as on real modems */
	char hex[SM_PDU_HEX_MAX + 1];
	if (sms_hex_encode(enc.pdu, enc.len, hex, sizeof(hex)) < 0)
		return SM_CMS(305);
	int mr;
	struct sm_rc rc = sm_send_pdu(m, hex, enc.tpdu_len, &mr);
	if (rc.kind == SM_RC_OK)
		sm_info(m, "+CMGS: %d", mr);
	return rc;
}

/* "yy/MM/dd,hh:mm:ss+zz" (27.005 3.3.1 <scts>) */
static void sm_text_time(const struct sms_time *t, char *out, size_t len)
{
	int tz = t->tz;
	snprintf(out, len, "%02u/%02u/%02u,%02u:%02u:%02u%c%02d", (unsigned)(t->year % 100),
		 t->month, t->day, t->hour, t->minute, t->second, tz < 0 ? '-' : '+',
		 tz < 0 ? -tz : tz);
}

/* The "header" of a text-mode listing (after "+CMGL: <index>," or
 * "+CMGR: ") and the text, or -EINVAL for a PDU the codec refuses. */
static int sm_text_fields(struct simmodem *m, const struct sm_slot *s, char *head, size_t hlen,
			  char *body, size_t blen)
{
	struct sms_pdu p;
	char scts[32], dt[32], addr[96];
	if (sms_pdu_decode_hex(s->hex, strlen(s->hex), &p) < 0)
		return -EINVAL;
	sm_str_out(m, p.addr.number, addr, sizeof(addr));
	sm_text_time(&p.scts, scts, sizeof(scts));
	const char *stat = sm_text_stat[s->stat & 3];
	body[0] = '\0';
	if (p.type == SMS_PDU_STATUS_REPORT) {
		sm_text_time(&p.discharge, dt, sizeof(dt));
		snprintf(head, hlen, "\"%s\",6,%u,\"%s\",%u,\"%s\",\"%s\",%u", stat, p.mr, addr,
			 p.addr.ton == SMS_TON_INTERNATIONAL ? 145 : 129, scts, dt, p.status);
		return 0;
	}
	if (p.type == SMS_PDU_DELIVER)
		snprintf(head, hlen, "\"%s\",\"%s\",,\"%s\"", stat, addr, scts);
	else
		snprintf(head, hlen, "\"%s\",\"%s\",", stat, addr);
	if (p.encoding == SMS_ENC_8BIT)
		sms_hex_encode(p.ud, p.ud_len, body, blen);
	else
		sm_str_out(m, p.text, body, blen);
	return 0;
}

void sm_text_list(struct simmodem *m, unsigned index, const struct sm_slot *s)
{
	char head[256], body[SMS_TEXT_MAX * 4];
	if (sm_text_fields(m, s, head, sizeof(head), body, sizeof(body)) < 0)
		return;
	if (body[0])
		sm_info(m, "+CMGL: %u,%s\r\n%s", index, head, body);
	else
		sm_info(m, "+CMGL: %u,%s", index, head);
}

void sm_text_read(struct simmodem *m, const struct sm_slot *s)
{
	char head[256], body[SMS_TEXT_MAX * 4];
	if (sm_text_fields(m, s, head, sizeof(head), body, sizeof(body)) < 0)
		return;
	if (body[0])
		sm_info(m, "+CMGR: %s\r\n%s", head, body);
	else
		sm_info(m, "+CMGR: %s", head);
}
