/* Every AT parser on arbitrary lines. Input: "header\npdu" (the PDU part
 * optional); each parser must return 0 or -errno and never read out of
 * bounds. Seeds: tests/fixtures/at/replies.h (real replies). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "at/at_parse.h"
#include "at/at_result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char *pdu;
	char buf[40];
	struct at_csq csq;
	struct at_reg reg;
	struct at_cops cops;
	struct at_cops_op ops[4];
	enum at_pin_state pin;
	struct at_cusd cusd;
	struct at_cmgs cmgs;
	struct at_msg_ind ind;
	struct at_sms_pdu p;
	struct at_cpms cpms;
	struct at_csca csca;
	struct at_result r;
	size_t n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	pdu = strchr(s, '\n');
	if (pdu)
		*pdu++ = '\0';
	(void)at_parse_csq(s, &csq);
	(void)at_parse_reg(s, AT_REG_FORM_AUTO, &reg);
	(void)at_parse_reg(s, AT_REG_FORM_QUERY, &reg);
	(void)at_parse_reg(s, AT_REG_FORM_URC, &reg);
	(void)at_parse_cops(s, &cops);
	(void)at_parse_cops_list(s, ops, 4, &n);
	(void)at_parse_cpin(s, &pin);
	(void)at_parse_cusd(s, &cusd);
	(void)at_parse_imei(s, buf, sizeof(buf));
	(void)at_parse_imsi(s, buf, sizeof(buf));
	(void)at_parse_iccid(s, buf, sizeof(buf));
	(void)at_parse_cmgs(s, &cmgs);
	(void)at_parse_cmti(s, &ind);
	(void)at_parse_cdsi(s, &ind);
	if (at_parse_cmt(s, pdu, &p) == 0 && p.pdu.len > strlen(p.pdu.p))
		abort();
	(void)at_parse_cds(s, pdu, &p);
	(void)at_parse_cmgl(s, pdu, &p);
	(void)at_parse_cmgr(s, pdu, &p);
	(void)at_parse_cpms(s, &cpms);
	(void)at_parse_csca(s, &csca);
	if (at_result_parse(s, &r))
		(void)at_result_format(&r, buf, sizeof(buf));
	free(s);
	return 0;
}
