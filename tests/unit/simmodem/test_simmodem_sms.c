/* The simulated modem's 27.005 side: the CMGS prompt, storage with
 * CMGL/CMGR/CMGD, CNMI routing (+CMTI, +CMT with +CNMA, +CDS, +CDSI), URCs
 * held while a prompt is open, status reports on the virtual clock, memory
 * full, +CMS faults, modem-to-modem delivery and the control protocol. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "simmodem/simctl.h"

static void fx_clear(struct fx *f)
{
	f->rx_len = 0;
	f->rx[0] = '\0';
}

static const char *send_pdu(struct fx *f, int i, const char *len, const char *pdu)
{
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "AT+CMGS=%s\r", len);
	assert_string_equal(fx_cmd(f, i, cmd), "\r\n> ");
	char body[512];
	snprintf(body, sizeof(body), "%s\x1a", pdu);
	return fx_cmd(f, i, body);
}

static void test_cmgs_prompt(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0;+CMEE=1\r");
	assert_string_equal(send_pdu(f, 0, "23", FX_SUBMIT), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	assert_int_equal(simnet_sent_count(f->net), 1);
	const struct simnet_sent *s = simnet_sent_get(f->net, 0);
	assert_string_equal(s->to, "+46708251358");
	assert_string_equal(s->from, "+4915100000001");
	assert_string_equal(s->text, "hellohello");
	assert_false(s->internal);
	/* TP-MR is the modem's counter */
	assert_string_equal(send_pdu(f, 0, "23", FX_SUBMIT), "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	/* a length that does not match the TPDU */
	assert_string_equal(send_pdu(f, 0, "22", FX_SUBMIT), "\r\n+CMS ERROR: 304\r\n");
	assert_string_equal(send_pdu(f, 0, "23", "00zz"), "\r\n+CMS ERROR: 304\r\n");
	/* ESC aborts: OK, nothing sent */
	assert_string_equal(fx_cmd(f, 0, "AT+CMGS=23\r"), "\r\n> ");
	assert_string_equal(fx_cmd(f, 0, "0011\x1b"), "\r\nOK\r\n");
	assert_int_equal(simnet_sent_count(f->net), 2);
	/* with echo on, the PDU is echoed as typed */
	fx_cmd(f, 0, "ATE1\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGS=23\r"), "AT+CMGS=23\r\r\n> ");
	assert_string_equal(fx_cmd(f, 0, FX_SUBMIT "\x1a"),
			    FX_SUBMIT "\x1a\r\n+CMGS: 2\r\n\r\nOK\r\n");
	fx_free(f);
}

static void test_cms_fault_and_netloss(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0;+CMEE=1\r");
	static const int codes[] = { 500, 321, 322 };
	for (int i = 0; i < 3; i++) {
		char want[64];
		assert_int_equal(simmodem_fault_cms(f->m[0], codes[i]), 0);
		snprintf(want, sizeof(want), "\r\n+CMS ERROR: %d\r\n", codes[i]);
		assert_string_equal(send_pdu(f, 0, "23", FX_SUBMIT), want);
	}
	/* the fault is for one message only */
	assert_string_equal(send_pdu(f, 0, "23", FX_SUBMIT), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	simmodem_fault_netloss(f->m[0], 0);
	assert_string_equal(send_pdu(f, 0, "23", FX_SUBMIT), "\r\n+CMS ERROR: 331\r\n");
	simmodem_fault_netloss(f->m[0], -1);
	fx_advance(f, 10);
	assert_string_equal(send_pdu(f, 0, "23", FX_SUBMIT), "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	assert_int_equal(simnet_sent_count(f->net), 2);
	fx_free(f);
}

static void test_storage_cmti_cmgr_cmgl_cmgd(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0;+CMEE=1;+CNMI=2,1,0,0,0\r");
	assert_int_equal(simnet_inject_text(f->net, f->m[0], "+4930123456", "Hi there", NULL), 1);
	assert_string_equal(fx_read(f, 0), "\r\n+CMTI: \"SM\",1\r\n");
	char hex[512];
	int stat;
	assert_int_equal(simmodem_stored(f->m[0], SIMMODEM_MEM_SM, 1, hex, sizeof(hex), &stat), 0);
	assert_int_equal(stat, 0);
	char want[1024];
	char sca[3] = { hex[0], hex[1], 0 };
	int tpdu = (int)strlen(hex) / 2 - 1 - (int)strtol(sca, NULL, 16); /* minus SMSC field */
	snprintf(want, sizeof(want), "\r\n+CMGR: 0,,%d\r\n%s\r\n\r\nOK\r\n", tpdu, hex);
	assert_string_equal(fx_cmd(f, 0, "AT+CMGR=1\r"), want);
	/* read now: not listed as unread, listed under ALL with stat 1 */
	assert_string_equal(fx_cmd(f, 0, "AT+CMGL=0\r"), "\r\nOK\r\n");
	snprintf(want, sizeof(want), "\r\n+CMGL: 1,1,,%d\r\n%s\r\n\r\nOK\r\n", tpdu, hex);
	assert_string_equal(fx_cmd(f, 0, "AT+CMGL=4\r"), want);
	assert_string_equal(fx_cmd(f, 0, "AT+CPMS?\r"),
			    "\r\n+CPMS: \"SM\",1,30,\"SM\",1,30,\"SM\",1,30\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGR=31\r"), "\r\n+CMS ERROR: 321\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGR=2\r"), "\r\nOK\r\n"); /* empty slot */
	assert_string_equal(fx_cmd(f, 0, "AT+CMGD=1\r"), "\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGL=4\r"), "\r\nOK\r\n");
	/* ME storage via CPMS, text mode listing (vclock starts at 1700000000000 ms =
	 * 2023-11-14 22:13:20 UTC, plus the 10 s the fixture lets pass) */
	assert_string_equal(fx_cmd(f, 0, "AT+CPMS=\"ME\",\"ME\",\"ME\"\r"),
			    "\r\n+CPMS: 0,100,0,100,0,100\r\n\r\nOK\r\n");
	simnet_inject_text(f->net, f->m[0], "+4930123456", "Text mode", NULL);
	assert_string_equal(fx_read(f, 0), "\r\n+CMTI: \"ME\",1\r\n");
	const char *r = fx_cmd(f, 0, "AT+CMGF=1;+CMGL=\"ALL\"\r");
	assert_non_null(strstr(r, "+CMGL: 1,\"REC UNREAD\",\"+4930123456\",,\"23/11/14,22:13:30+00\"\r\nText mode\r\n"));
	fx_free(f);
}

static void test_multipart_out_of_order(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0\r");
	char text[401];
	memset(text, 'a', 400);
	text[400] = '\0';
	unsigned order[] = { 3, 1, 2 };
	struct simnet_inject_opts o = { .order = order, .n_order = 3, .ref = 77 };
	assert_int_equal(simnet_inject_text(f->net, f->m[0], "+4930", text, &o), 3);
	assert_string_equal(fx_read(f, 0), "\r\n+CMTI: \"SM\",1\r\n\r\n+CMTI: \"SM\",2\r\n"
					   "\r\n+CMTI: \"SM\",3\r\n");
	char hex[512];
	/* slot 1 holds part 3 of 3, reference 77 (UDH 05 00 03 4D 03 03) */
	assert_int_equal(simmodem_stored(f->m[0], SIMMODEM_MEM_SM, 1, hex, sizeof(hex), NULL), 0);
	assert_non_null(strstr(hex, "0500034D0303"));
	assert_int_equal(simmodem_stored(f->m[0], SIMMODEM_MEM_SM, 2, hex, sizeof(hex), NULL), 0);
	assert_non_null(strstr(hex, "0500034D0301"));
	/* a part number beyond the message is refused, nothing queued */
	unsigned bad[] = { 4 };
	struct simnet_inject_opts ob = { .order = bad, .n_order = 1 };
	assert_int_equal(simnet_inject_text(f->net, f->m[0], "+4930", text, &ob), -22);
	fx_free(f);
}

static void test_cmt_cnma(void **state)
{
	(void)state;
	struct simmodem_config c = { .cnma_timeout_ms = 5000 };
	struct fx *f = fx_new(&c, NULL);
	fx_cmd(f, 0, "ATE0;+CMEE=1\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CSMS=1\r"), "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CNMI=2,2,0,1,0\r"), "\r\nOK\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CNMA\r"), "\r\n+CMS ERROR: 340\r\n");
	simnet_inject_text(f->net, f->m[0], "+4930", "direct", NULL);
	const char *r = fx_read(f, 0);
	assert_memory_equal(r, "\r\n+CMT: ,", 9);
	assert_string_equal(fx_cmd(f, 0, "AT+CNMA\r"), "\r\nOK\r\n");
	struct simmodem_status st;
	simmodem_get_status(f->m[0], &st);
	assert_int_equal(st.used[0], 0); /* shown, not stored */
	/* not acknowledged: after the timeout, routing goes to mt=0 and the
	 * network delivers it again into storage (never lost) */
	fx_clear(f);
	simnet_inject_text(f->net, f->m[0], "+4930", "unacked", NULL);
	assert_memory_equal(fx_read(f, 0), "\r\n+CMT: ,", 9);
	fx_advance(f, 5000);
	assert_string_equal(fx_cmd(f, 0, "AT+CNMI?\r"), "\r\n+CNMI: 2,0,0,0,0\r\n\r\nOK\r\n");
	fx_advance(f, 5000); /* the network's retry */
	simmodem_get_status(f->m[0], &st);
	assert_int_equal(st.used[0], 1);
	assert_int_equal(simnet_pending(f->net, f->m[0]), 0);
	fx_free(f);
}

static void test_urcs_held_during_prompt(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGS=23\r"), "\r\n> ");
	simnet_inject_text(f->net, f->m[0], "+4930", "while typing", NULL);
	assert_string_equal(fx_read(f, 0), ""); /* nothing new yet */
	struct simmodem_status st;
	simmodem_get_status(f->m[0], &st);
	assert_int_equal(st.urcs_held, 1);
	assert_string_equal(fx_cmd(f, 0, FX_SUBMIT "\x1a"),
			    "\r\n+CMGS: 0\r\n\r\nOK\r\n\r\n+CMTI: \"SM\",1\r\n");
	fx_free(f);
}

static void test_status_report_timing(void **state)
{
	(void)state;
	struct simnet_config nc = SIMNET_CONFIG_DEFAULT;
	nc.report_delay_ms = 3000;
	nc.report_status = 0;
	struct fx *f = fx_new(NULL, &nc);
	fx_cmd(f, 0, "ATE0;+CNMI=2,1,0,1,0\r");
	assert_string_equal(send_pdu(f, 0, "23", FX_SUBMIT_SRR), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	fx_clear(f);
	fx_advance(f, 2999);
	assert_string_equal(fx_read(f, 0), "");
	fx_advance(f, 1);
	const char *r = fx_read(f, 0);
	assert_memory_equal(r, "\r\n+CDS: ", 8);
	/* first octet 06 (STATUS-REPORT), MR 00, RA +46708251358, ..., ST 00 */
	assert_non_null(strstr(r, "06000B916407281553F8"));
	assert_string_equal(r + strlen(r) - 4, "00\r\n");
	/* ds=2: stored in SR, +CDSI; an injected report with status 0x46 */
	fx_cmd(f, 0, "AT+CNMI=2,1,0,2,0\r");
	simnet_set_report(f->net, -1, 0);
	send_pdu(f, 0, "23", FX_SUBMIT_SRR);
	fx_advance(f, 5000);
	fx_clear(f);
	assert_string_equal(fx_read(f, 0), ""); /* automatic reports off */
	assert_int_equal(simnet_inject_report(f->net, f->m[0], 1, 0x46), 0);
	assert_string_equal(fx_read(f, 0), "\r\n+CDSI: \"SR\",1\r\n");
	assert_int_equal(simnet_inject_report(f->net, f->m[0], 99, 0), -2);
	fx_cmd(f, 0, "AT+CPMS=\"SR\"\r");
	r = fx_cmd(f, 0, "AT+CMGR=1\r");
	assert_memory_equal(r, "\r\n+CMGR: 0,,", 12);
	assert_non_null(strstr(r, "46\r\n\r\nOK\r\n"));
	fx_free(f);
}

static void test_memory_full(void **state)
{
	(void)state;
	struct simmodem_config c = { .sm_capacity = 2 };
	struct simnet_config nc = SIMNET_CONFIG_DEFAULT;
	nc.retry_ms = 60000;
	struct fx *f = fx_new(&c, &nc);
	fx_cmd(f, 0, "ATE0;+CMER=3,0,0,1\r");
	for (int i = 0; i < 3; i++)
		simnet_inject_text(f->net, f->m[0], "+4930", "fill", NULL);
	const char *r = fx_read(f, 0);
	assert_string_equal(r, "\r\n+CMTI: \"SM\",1\r\n\r\n+CMTI: \"SM\",2\r\n\r\n+CIEV: 5,1\r\n");
	assert_int_equal(simnet_pending(f->net, f->m[0]), 1);
	assert_string_equal(fx_cmd(f, 0, "AT+CMGW=23\r"), "\r\nERROR\r\n"); /* CMEE=0 */
	fx_cmd(f, 0, "AT+CMEE=1\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGW=23\r"), "\r\n+CMS ERROR: 322\r\n");
	/* freeing a slot lets the network deliver the held message at once */
	r = fx_cmd(f, 0, "AT+CMGD=1\r");
	assert_string_equal(r, "\r\nOK\r\n\r\n+CIEV: 5,0\r\n\r\n+CMTI: \"SM\",1\r\n\r\n+CIEV: 5,1\r\n");
	assert_int_equal(simnet_pending(f->net, f->m[0]), 0);
	/* CMGD with delflag 4 empties everything */
	assert_string_equal(fx_cmd(f, 0, "AT+CMGD=1,4\r"), "\r\nOK\r\n\r\n+CIEV: 5,0\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CPMS?\r"),
			    "\r\n+CPMS: \"SM\",0,2,\"SM\",0,2,\"SM\",0,2\r\n\r\nOK\r\n");
	fx_free(f);
}

static void test_modem_to_modem(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0\r");
	fx_cmd(f, 1, "ATE0\r");
	/* SUBMIT to +4915100000002 (modem 1), "hellohello" */
	const char *pdu = "0011000D91945101000000F20000AA0AE8329BFD4697D9EC37";
	assert_string_equal(send_pdu(f, 0, "24", pdu), "\r\n+CMGS: 0\r\n\r\nOK\r\n");
	fx_clear(f);
	assert_string_equal(fx_read(f, 1), "\r\n+CMTI: \"SM\",1\r\n");
	assert_true(simnet_sent_get(f->net, 0)->internal);
	const char *r = fx_cmd(f, 1, "AT+CMGF=1;+CMGR=1\r");
	assert_non_null(strstr(r, "\"REC UNREAD\",\"+4915100000001\""));
	assert_non_null(strstr(r, "\r\nhellohello\r\n"));
	fx_free(f);
}

static void test_control_protocol(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	char *reply;
	size_t len;
	long wait;
	assert_int_equal(simctl_exec(f->net, "sms 1 +4930 --ucs2 -- --hi", &reply, &len, &wait), 0);
	assert_string_equal(reply, "parts 1\nOK\n");
	free(reply);
	fx_read(f, 1);
	char hex[512];
	assert_int_equal(simmodem_stored(f->m[1], SIMMODEM_MEM_SM, 1, hex, sizeof(hex), NULL), 0);
	assert_non_null(strstr(hex, "002D002D00680069")); /* "--hi" in UCS-2 */
	assert_int_equal(simctl_exec(f->net, "wait 100 sent 1", &reply, &len, &wait), -11);
	assert_int_equal(wait, 100);
	assert_int_equal(simctl_exec(f->net, "fault 0 cms 500", &reply, &len, &wait), 0);
	assert_string_equal(reply, "OK\n");
	free(reply);
	assert_int_equal(simctl_exec(f->net, "fault 9 reboot", &reply, &len, &wait), 0);
	assert_string_equal(reply, "ERR no such modem\n");
	free(reply);
	assert_int_equal(simctl_exec(f->net, "pdu 0 zz", &reply, &len, &wait), 0);
	assert_memory_equal(reply, "ERR bad PDU", 11);
	free(reply);
	assert_int_equal(simctl_exec(f->net, "bogus", &reply, &len, &wait), 0);
	assert_memory_equal(reply, "ERR unknown command", 19);
	free(reply);
	fx_cmd(f, 0, "ATE0;+CMEE=1\r");
	assert_string_equal(send_pdu(f, 0, "23", FX_SUBMIT), "\r\n+CMS ERROR: 500\r\n");
	send_pdu(f, 0, "23", FX_SUBMIT);
	assert_int_equal(simctl_exec(f->net, "sent", &reply, &len, &wait), 0);
	assert_non_null(strstr(reply, "sent seq=1 modem=0 from=+4915100000001 to=+46708251358 mr=0 "));
	assert_non_null(strstr(reply, " text=hellohello\nOK\n"));
	free(reply);
	fx_free(f);
}

/* Found by fuzz_simmodem_at: a PDU whose SMSC length octet is not hex made
 * the TPDU-length check shift a negative value (UBSan). It must be refused
 * with +CMS ERROR: 304 and store nothing, for CMGW and CMGS alike. */
static void test_non_hex_pdu_refused(void **state)
{
	(void)state;
	struct fx *f = fx_new(NULL, NULL);
	fx_cmd(f, 0, "ATE0;+CMEE=1\r");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGW=23,2\r"), "\r\n> ");
	/* FX_SUBMIT with its "00" SMSC octet replaced by "G#" */
	assert_string_equal(fx_cmd(f, 0, "G#11000B916407281553F80000AA0AE8329BFD4697D9EC37\x1a"),
			    "\r\n+CMS ERROR: 304\r\n");
	assert_string_equal(fx_cmd(f, 0, "AT+CMGS=23\r"), "\r\n> ");
	assert_string_equal(fx_cmd(f, 0, "#G11000B916407281553F80000AA0AE8329BFD4697D9EC37\x1a"),
			    "\r\n+CMS ERROR: 304\r\n");
	struct simmodem_status st;
	simmodem_get_status(f->m[0], &st);
	assert_int_equal(st.used[0], 0);
	assert_false(st.prompt);
	assert_string_equal(fx_cmd(f, 0, "AT\r"), "\r\nOK\r\n");
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmgs_prompt),
		cmocka_unit_test(test_cms_fault_and_netloss),
		cmocka_unit_test(test_storage_cmti_cmgr_cmgl_cmgd),
		cmocka_unit_test(test_multipart_out_of_order),
		cmocka_unit_test(test_cmt_cnma),
		cmocka_unit_test(test_urcs_held_during_prompt),
		cmocka_unit_test(test_status_report_timing),
		cmocka_unit_test(test_memory_full),
		cmocka_unit_test(test_modem_to_modem),
		cmocka_unit_test(test_control_protocol),
		cmocka_unit_test(test_non_hex_pdu_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
