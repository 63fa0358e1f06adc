/* AT response parsers, the tokenizer, final results and the CME/CMS table,
 * on real replies (tests/fixtures/at/replies.h names each source). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "at/at_errors.h"
#include "at/at_parse.h"
#include "at/at_result.h"
#include "replies.h"

static void test_tok_getters(void **state)
{
	struct at_tok t;
	long v;
	unsigned long h;
	char s[8];

	(void)state;
	assert_int_equal(at_tok_init(&t, "+X: 5,\"a,b\",,\"1F\",300,xyz,\"toolongvalue\"", "+X:"),
			 0);
	assert_int_equal(at_tok_count(&t), 7);
	assert_int_equal(at_tok_int(&t, 0, 10, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(at_tok_str(&t, s, sizeof(s)), 0);
	assert_string_equal(s, "a,b");
	assert_int_equal(at_tok_int(&t, 0, 10, &v), -ENOENT); /* empty field */
	assert_int_equal(at_tok_hex(&t, 0xFF, &h), 0);
	assert_int_equal(h, 0x1F);
	assert_int_equal(at_tok_int(&t, 0, 255, &v), -ERANGE);
	assert_int_equal(at_tok_int(&t, 0, 255, &v), -EINVAL);
	assert_int_equal(at_tok_str(&t, s, sizeof(s)), -E2BIG);
	assert_string_equal(s, "");
	assert_false(at_tok_more(&t));
	assert_int_equal(at_tok_int(&t, 0, 1, &v), -ENOENT);
	/* wrong prefix, unterminated quote, junk after a quote */
	assert_int_equal(at_tok_init(&t, "+Y: 1", "+X:"), -EINVAL);
	assert_int_equal(at_tok_init(&t, "+X: \"abc", "+X:"), 0);
	assert_int_equal(at_tok_str(&t, s, sizeof(s)), -EINVAL);
	assert_int_equal(at_tok_init(&t, "+X: \"a\"b,2", "+X:"), 0);
	assert_int_equal(at_tok_str(&t, s, sizeof(s)), -EINVAL);
	assert_int_equal(at_tok_int(&t, 0, 9, &v), 0); /* the next field is still there */
	assert_int_equal(v, 2);
	/* overflow of a long is -ERANGE, not wrap-around */
	assert_int_equal(at_tok_init(&t, "99999999999999999999999", NULL), 0);
	assert_int_equal(at_tok_int(&t, 0, 100, &v), -ERANGE);
}

static void test_csq(void **state)
{
	struct at_csq q;
	int dbm;

	(void)state;
	assert_int_equal(at_parse_csq(FX_CSQ_24, &q), 0);
	assert_int_equal(q.rssi, 24);
	assert_int_equal(q.ber, 0);
	assert_int_equal(at_csq_dbm(q.rssi, &dbm), 0);
	assert_int_equal(dbm, -65);
	assert_int_equal(at_csq_dbm(0, &dbm), 0);
	assert_int_equal(dbm, -113);
	assert_int_equal(at_csq_dbm(31, &dbm), 0);
	assert_int_equal(dbm, -51);
	assert_int_equal(at_parse_csq(FX_CSQ_UNKNOWN, &q), 0);
	assert_int_equal(q.rssi, AT_CSQ_UNKNOWN);
	assert_int_equal(at_csq_dbm(q.rssi, &dbm), -ENODATA);
	assert_int_equal(at_csq_dbm(40, &dbm), -ERANGE);
	assert_int_equal(at_parse_csq("+CSQ: 45,0", &q), -ERANGE);
	assert_int_equal(at_parse_csq("+CSQ: 20,8", &q), -ERANGE);
	assert_int_equal(at_parse_csq("+CSQ: 20", &q), -EINVAL);
	assert_int_equal(at_parse_csq("+CSQ: 20,0,1", &q), -EINVAL);
	assert_int_equal(at_parse_csq("+CREG: 1", &q), -EINVAL);
}

struct reg_case {
	const char *line;
	enum at_reg_form form;
	enum at_reg_cmd cmd;
	bool query;
	int n;
	int stat;
	bool has_loc;
	unsigned long lac, ci;
	int act;
};

static void test_reg_forms(void **state)
{
	(void)state;
	static const struct reg_case cases[] = {
		{ FX_CREG_K850I_Q, AT_REG_FORM_AUTO, AT_REG_CREG, true, 2, 1, true, 0xCE00, 0x01CEAD8F, -1 },
		{ FX_CREG_K850I_U, AT_REG_FORM_AUTO, AT_REG_CREG, false, -1, 1, true, 0xCE00, 0x5449, -1 },
		{ FX_CREG_E160G_Q, AT_REG_FORM_AUTO, AT_REG_CREG, true, 2, 1, true, 0x8BE3, 0x2BAF, -1 },
		{ FX_CREG_E160G_U, AT_REG_FORM_AUTO, AT_REG_CREG, false, -1, 1, true, 0x8BE3, 0x2BAF, -1 },
		{ FX_CREG_MERCURY_Q, AT_REG_FORM_QUERY, AT_REG_CREG, true, 1, 1, true, 0x84CD, 0xD30173, -1 },
		{ FX_CREG_XU870_U, AT_REG_FORM_AUTO, AT_REG_CREG, false, -1, 2, false, 0, 0, -1 },
		{ FX_CREG_IRIDIUM_Q, AT_REG_FORM_QUERY, AT_REG_CREG, true, 2, 1, true, 0x18D8, 0xFFFF, -1 },
		{ FX_CREG_UBLOX_Q, AT_REG_FORM_AUTO, AT_REG_CREG, true, 2, 6, true, 0x8B37, 0x0A265185, 7 },
		{ FX_CREG_UBLOX_U, AT_REG_FORM_URC, AT_REG_CREG, false, -1, 6, true, 0x8B37, 0x0A265185, 7 },
		{ FX_CGREG_F3607_Q, AT_REG_FORM_AUTO, AT_REG_CGREG, true, 2, 1, true, 0x8BE3, 0x2B5D, 3 },
		{ FX_CGREG_RAC_U, AT_REG_FORM_URC, AT_REG_CGREG, false, -1, 1, true, 0x1422, 0x142, 3 },
		{ FX_CGREG_X220_U, AT_REG_FORM_AUTO, AT_REG_CGREG, true, 2, 1, true, 0x81ED, 0x1A9CEB, -1 },
		{ FX_CEREG_Q, AT_REG_FORM_QUERY, AT_REG_CEREG, true, 2, 1, true, 0x1F00, 0x79D903, 7 },
		{ FX_CEREG_U, AT_REG_FORM_URC, AT_REG_CEREG, false, -1, 1, true, 0x1F00, 0x79D903, 7 },
		{ FX_CREG1_Q, AT_REG_FORM_AUTO, AT_REG_CREG, true, 1, 3, false, 0, 0, -1 },
		{ FX_CREG1_U, AT_REG_FORM_AUTO, AT_REG_CREG, false, -1, 3, false, 0, 0, -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct reg_case *k = &cases[i];
		struct at_reg r;
		int rc = at_parse_reg(k->line, k->form, &r);
		if (rc != 0 || r.cmd != k->cmd || r.query != k->query || r.n != k->n ||
		    (int)r.stat != k->stat || r.has_loc != k->has_loc ||
		    (k->has_loc && (r.lac != k->lac || r.ci != k->ci)) || r.act != k->act)
			fail_msg("case %zu '%s': rc %d cmd %d q %d n %d stat %d loc %d %lx %lx act %d",
				 i, k->line, rc, r.cmd, r.query, r.n, r.stat, r.has_loc, r.lac, r.ci,
				 r.act);
	}
}

static void test_reg_errors(void **state)
{
	struct at_reg r;

	(void)state;
	assert_int_equal(at_parse_reg("+CREG: 12", AT_REG_FORM_URC, &r), -ERANGE);
	assert_int_equal(at_parse_reg("+CREG: x", AT_REG_FORM_URC, &r), -EINVAL);
	assert_int_equal(at_parse_reg("+CREG:", AT_REG_FORM_URC, &r), -EINVAL);
	assert_int_equal(at_parse_reg("+COPS: 1", AT_REG_FORM_URC, &r), -EINVAL);
	assert_true(at_reg_registered(AT_REG_ROAMING));
	assert_true(at_reg_registered(AT_REG_HOME_SMS_ONLY));
	assert_false(at_reg_registered(AT_REG_SEARCHING));
	assert_string_equal(at_reg_stat_str(AT_REG_DENIED), "denied");
}

static void test_cops(void **state)
{
	struct at_cops c;
	struct at_cops_op ops[4];
	size_t n;

	(void)state;
	assert_int_equal(at_parse_cops(FX_COPS_LONG, &c), 0);
	assert_int_equal(c.mode, 0);
	assert_int_equal(c.format, 0);
	assert_string_equal(c.oper, "CHINA MOBILE");
	assert_int_equal(c.act, 7);
	assert_int_equal(at_parse_cops(FX_COPS_NUM, &c), 0);
	assert_int_equal(c.format, 2);
	assert_string_equal(c.oper, "26201");
	assert_int_equal(at_parse_cops(FX_COPS_NOREG, &c), 0);
	assert_int_equal(c.format, -1);
	assert_string_equal(c.oper, "");
	assert_int_equal(at_parse_cops("+COPS: 0,3,\"x\"", &c), -ERANGE);
	assert_int_equal(at_parse_cops(FX_COPS_LIST_E160G, &c), -EINVAL);

	assert_int_equal(at_parse_cops_list(FX_COPS_LIST_E160G, ops, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(ops[0].stat, 2);
	assert_string_equal(ops[0].long_name, "T-Mobile");
	assert_string_equal(ops[0].short_name, "TMO");
	assert_string_equal(ops[0].numeric, "31026");
	assert_int_equal(ops[1].act, 0);
	assert_int_equal(at_parse_cops_list(FX_COPS_LIST_F3607, ops, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ops[0].long_name, "T - Mobile");
	assert_int_equal(ops[1].act, -1);
	assert_int_equal(at_parse_cops_list(FX_COPS_LIST_N80, ops, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(ops[1].long_name, "Einstein PCS");
	assert_string_equal(ops[1].short_name, "");
	assert_int_equal(at_parse_cops_list(FX_COPS_LIST_N80, ops, 2, &n), -ENOSPC);
	assert_int_equal(n, 2);
	assert_int_equal(at_parse_cops_list("+COPS: (1,\"a\",\"b\",\"1\"", ops, 4, &n), -EINVAL);
}

static void test_cpin(void **state)
{
	enum at_pin_state s;

	(void)state;
	assert_int_equal(at_parse_cpin("+CPIN: READY", &s), 0);
	assert_int_equal(s, AT_PIN_READY);
	assert_int_equal(at_parse_cpin("+CPIN: SIM PIN", &s), 0);
	assert_int_equal(s, AT_PIN_SIM_PIN);
	assert_int_equal(at_parse_cpin("+CPIN: SIM PUK", &s), 0);
	assert_int_equal(s, AT_PIN_SIM_PUK);
	assert_int_equal(at_parse_cpin("+CPIN: SIM PIN2", &s), 0);
	assert_int_equal(s, AT_PIN_SIM_PIN2);
	assert_int_equal(at_parse_cpin("+CPIN: PH-SIM PIN", &s), 0);
	assert_int_equal(s, AT_PIN_PH_SIM_PIN);
	assert_int_equal(at_parse_cpin("+CPIN: NOT INSERTED", &s), 0);
	assert_int_equal(s, AT_PIN_NOT_INSERTED);
	assert_int_equal(at_parse_cpin("+CPIN: \"READY\"", &s), 0);
	assert_int_equal(s, AT_PIN_READY);
	assert_int_equal(at_parse_cpin("+CPIN: PH-CORP PIN", &s), 0);
	assert_int_equal(s, AT_PIN_OTHER);
	assert_int_equal(at_parse_cpin("+CPIN:", &s), -EINVAL);
	assert_int_equal(at_parse_cpin("+CPIN: READY,1", &s), -EINVAL);
}

static void test_cusd(void **state)
{
	struct at_cusd u;

	(void)state;
	assert_int_equal(at_parse_cusd(FX_CUSD_BAL, &u), 0);
	assert_int_equal(u.m, 0);
	assert_true(u.has_str);
	assert_int_equal(u.str.len, strlen("Your balance is 12.34 EUR"));
	assert_memory_equal(u.str.p, "Your balance is 12.34 EUR", u.str.len);
	assert_int_equal(u.dcs, 15);
	assert_int_equal(at_parse_cusd("+CUSD: 2", &u), 0);
	assert_false(u.has_str);
	assert_int_equal(u.dcs, -1);
	assert_int_equal(at_parse_cusd("+CUSD: 9", &u), -ERANGE);
}

static void test_ident(void **state)
{
	char b[32], small[8];

	(void)state;
	assert_int_equal(at_parse_imei(FX_IMEI, b, sizeof(b)), 0);
	assert_string_equal(b, FX_IMEI);
	assert_int_equal(at_parse_imei("+CGSN: \"" FX_IMEI "\"", b, sizeof(b)), 0);
	assert_string_equal(b, FX_IMEI);
	assert_int_equal(at_parse_imei("+CGSN: " FX_IMEI, b, sizeof(b)), 0);
	assert_int_equal(at_parse_imei("86998801234567X", b, sizeof(b)), -EINVAL);
	assert_int_equal(at_parse_imei("1234", b, sizeof(b)), -EINVAL);
	assert_int_equal(at_parse_imei(FX_IMEI, small, sizeof(small)), -E2BIG);
	assert_int_equal(at_parse_imsi(FX_IMSI, b, sizeof(b)), 0);
	assert_string_equal(b, FX_IMSI);
	assert_int_equal(at_parse_imsi("+CIMI: " FX_IMSI, b, sizeof(b)), 0);
	assert_int_equal(at_parse_iccid(FX_ICCID_Q, b, sizeof(b)), 0);
	assert_string_equal(b, "89860025128306012474");
	assert_int_equal(at_parse_iccid(FX_ICCID, b, sizeof(b)), 0);
	assert_int_equal(at_parse_iccid("+ICCID: 8944110068256270054F", b, sizeof(b)), 0);
	assert_string_equal(b, "8944110068256270054F");
	assert_int_equal(at_parse_iccid("+CCID: \"89860114851012345678\"", b, sizeof(b)), 0);
	assert_int_equal(at_parse_iccid("OK", b, sizeof(b)), -EINVAL);
}

static void test_cmgs_ind(void **state)
{
	struct at_cmgs s;
	struct at_msg_ind m;

	(void)state;
	assert_int_equal(at_parse_cmgs(FX_CMGS, &s), 0);
	assert_int_equal(s.mr, 12);
	assert_int_equal(s.ackpdu.len, 0);
	assert_int_equal(at_parse_cmgs("+CMGS: 7,\"0001A2\"", &s), 0);
	assert_int_equal(s.mr, 7);
	assert_int_equal(s.ackpdu.len, 6);
	assert_int_equal(at_parse_cmgs("+CMGS: 256", &s), -ERANGE);
	assert_int_equal(at_parse_cmgs("+CMGS: 1,\"zz\"", &s), -EINVAL);
	assert_int_equal(at_parse_cmti(FX_CMTI, &m), 0);
	assert_string_equal(m.mem, "SM");
	assert_int_equal(m.index, 3);
	assert_int_equal(at_parse_cdsi(FX_CDSI, &m), 0);
	assert_string_equal(m.mem, "SR");
	assert_int_equal(m.index, 12);
	assert_int_equal(at_parse_cmti("+CMTI: \"SM\"", &m), -EINVAL);
	assert_int_equal(at_parse_cmti("+CMTI: \"VERYLONGMEM\",1", &m), -E2BIG);
	assert_int_equal(at_parse_cdsi(FX_CMTI, &m), -EINVAL);
}

static void test_pdu_messages(void **state)
{
	struct at_sms_pdu p;

	(void)state;
	assert_int_equal(at_parse_cmgr(FX_GAMMU01_CMGR, FX_GAMMU01_PDU, &p), 0);
	assert_int_equal(p.stat, 1);
	assert_int_equal(p.length, 78);
	assert_true(p.has_smsc);
	assert_int_equal(p.pdu.len, strlen(FX_GAMMU01_PDU));
	assert_int_equal(at_parse_cmgr(FX_GAMMU05_CMGR, FX_GAMMU05_PDU, &p), 0);
	assert_int_equal(p.stat, 3);
	assert_int_equal(p.length, 16);
	assert_int_equal(at_parse_cmgr("+CMGR: 0,,0", NULL, &p), 0);
	/* a PDU line that contradicts <length> */
	assert_int_equal(at_parse_cmgr("+CMGR: 1,,77", FX_GAMMU01_PDU, &p), -EBADMSG);
	assert_int_equal(at_parse_cmgr(FX_GAMMU05_CMGR, "0791539111161616114F04812300000", &p),
			 -EINVAL);
	assert_int_equal(at_parse_cmgr(FX_GAMMU05_CMGR, NULL, &p), -EBADMSG);

	assert_int_equal(at_parse_cmgl(FX_DH_CMGL, FX_DH_CMGL_PDU, &p), 0);
	assert_int_equal(p.index, 1);
	assert_int_equal(p.stat, 0);
	assert_int_equal(p.alpha.len, 0);
	assert_int_equal(p.length, 62);
	assert_int_equal(at_parse_cmgl("+CMGL: 1,5,,62", FX_DH_CMGL_PDU, &p), -ERANGE);

	assert_int_equal(at_parse_cmt("+CMT: ,62", FX_DH_CMGL_PDU, &p), 0);
	assert_int_equal(p.length, 62);
	assert_int_equal(at_parse_cmt("+CMT: \"Alice\",62", FX_DH_CMGL_PDU, &p), 0);
	assert_int_equal(p.alpha.len, 5);
	assert_int_equal(at_parse_cmt("+CMT: 62", FX_DH_CMGL_PDU, &p), 0);
	assert_int_equal(at_parse_cmt("+CMT: ,0", "", &p), -EINVAL);

	assert_int_equal(at_parse_cds(FX_MM_CDS, FX_MM_CDS_PDU, &p), 0);
	assert_true(p.has_smsc);
	assert_int_equal(at_parse_cds(FX_NRF_CDS, FX_NRF_CDS_PDU, &p), 0);
	assert_false(p.has_smsc);
	assert_int_equal(at_parse_cds("+CDS: 25", FX_NRF_CDS_PDU, &p), -EBADMSG);
}

static void test_cpms_csca(void **state)
{
	struct at_cpms m;
	struct at_csca a;

	(void)state;
	assert_int_equal(at_parse_cpms(FX_CPMS_Q, &m), 0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.m[2].mem, "SM");
	assert_int_equal(m.m[0].total, 50);
	assert_int_equal(at_parse_cpms(FX_CPMS_SET, &m), 0);
	assert_int_equal(m.n, 3);
	assert_string_equal(m.m[0].mem, "");
	assert_int_equal(m.m[1].total, 50);
	assert_int_equal(at_parse_cpms("+CPMS: \"SM\",3,30", &m), 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.m[0].used, 3);
	assert_int_equal(at_parse_cpms("+CPMS: \"SM\",31,30", &m), -ERANGE);
	assert_int_equal(at_parse_cpms("+CPMS: \"SM\",3", &m), -EINVAL);
	assert_int_equal(at_parse_cpms("+CPMS: (\"SM\",\"ME\"),(\"SM\")", &m), -EINVAL);

	assert_int_equal(at_parse_csca(FX_CSCA, &a), 0);
	assert_string_equal(a.number, "+8613800755500");
	assert_int_equal(a.type, 145);
	assert_int_equal(at_parse_csca("+CSCA: \"\"", &a), 0);
	assert_int_equal(a.type, -1);
}

static void test_final_results(void **state)
{
	struct at_result r;
	char buf[96];

	(void)state;
	assert_true(at_result_parse("OK", &r));
	assert_int_equal(r.final, AT_FINAL_OK);
	assert_true(at_result_parse("ERROR", &r));
	assert_int_equal(r.final, AT_FINAL_ERROR);
	assert_true(at_result_parse("+CMS ERROR: 322", &r));
	assert_int_equal(r.final, AT_FINAL_CMS_ERROR);
	assert_int_equal(r.code, 322);
	assert_string_equal(at_result_format(&r, buf, sizeof(buf)), "+CMS ERROR: 322 (memory full)");
	assert_false(at_result_retryable(&r));
	assert_true(at_result_parse("+CME ERROR: SIM not inserted", &r));
	assert_int_equal(r.code, 10);
	assert_true(at_result_parse("+CME ERROR: (U)SIM busy", &r));
	assert_int_equal(r.code, 14);
	assert_true(at_result_retryable(&r));
	assert_true(at_result_parse("+CMS ERROR: network timeout", &r));
	assert_int_equal(r.code, 332);
	assert_true(at_result_parse("+CME ERROR: something odd", &r));
	assert_int_equal(r.code, AT_CODE_NONE);
	assert_true(at_result_parse("NO CARRIER", &r));
	assert_int_equal(r.final, AT_FINAL_NO_CARRIER);
	assert_true(at_result_parse("BUSY", &r));
	assert_true(at_result_parse("NO ANSWER", &r));
	assert_true(at_result_parse("NO DIALTONE", &r));
	assert_true(at_result_parse("CONNECT 115200", &r));
	assert_int_equal(r.final, AT_FINAL_CONNECT);
	assert_false(at_result_parse("OKAY", &r));
	assert_false(at_result_parse("+CSQ: 1,2", &r));
	assert_false(at_result_parse("CONNECTED", &r));
}

static void test_error_table(void **state)
{
	(void)state;
	assert_string_equal(at_cms_str(500), "unknown error");
	assert_true(at_cms_retryable(500));
	assert_true(at_cms_retryable(42));   /* RP congestion */
	assert_false(at_cms_retryable(1));   /* unassigned number */
	assert_true(at_cms_retryable(0xC0)); /* SC busy */
	assert_string_equal(at_cms_str(0xD0), "SIM SMS storage full");
	assert_string_equal(at_cms_str(600), "manufacturer specific CMS error");
	assert_string_equal(at_cms_str(3), "unspecified RP cause");
	assert_false(at_cms_retryable(600));
	assert_string_equal(at_cme_str(11), "SIM PIN required");
	assert_false(at_cme_retryable(16));
	assert_true(at_cme_retryable(30));
	assert_int_equal(at_cme_from_text("incorrect password"), 16);
	assert_int_equal(at_cme_from_text("Incorrect Password "), 16);
	assert_int_equal(at_cms_from_text("memory full"), 322);
	assert_int_equal(at_cms_from_text("no such thing"), -ENOENT);
	assert_null(at_cme_lookup(9999));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tok_getters),   cmocka_unit_test(test_csq),
		cmocka_unit_test(test_reg_forms),     cmocka_unit_test(test_reg_errors),
		cmocka_unit_test(test_cops),          cmocka_unit_test(test_cpin),
		cmocka_unit_test(test_cusd),          cmocka_unit_test(test_ident),
		cmocka_unit_test(test_cmgs_ind),      cmocka_unit_test(test_pdu_messages),
		cmocka_unit_test(test_cpms_csca),     cmocka_unit_test(test_final_results),
		cmocka_unit_test(test_error_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
