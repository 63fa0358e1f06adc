/* The modem driver against the in-process simulated modem on the virtual
 * clock: bring-up, sending (single, multipart, TP-MR per part, reports),
 * receiving (single, multipart out of order with a duplicate, inbound()
 * refusing once, the sweep at start). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hal/log.h"
#include "modem_harness.h"

static char transitions[4096];

static void sink(void *arg, int level, const char *module, const char *instance,
		 const char *msg)
{
	(void)arg;
	(void)level;
	if (!strcmp(module, "modem") && instance && strstr(msg, " -> ")) {
		size_t o = strlen(transitions);
		snprintf(transitions + o, sizeof(transitions) - o, "%s: %s\n", instance, msg);
	}
}

static int setup(void **state)
{
	static struct h h;
	transitions[0] = '\0';
	log_set_sink(sink, NULL);
	assert_int_equal(h_setup(&h, NULL), 0);
	*state = &h;
	return 0;
}

static int teardown(void **state)
{
	h_teardown(*state);
	return 0;
}

static void boot_to_ready(void **state)
{
	struct h *h = *state;
	assert_true(h_until(h, MODEM_ST_READY, 30000));
	assert_true(h->health.can_send);
	assert_true(h->health.registered);
	struct modem_info info;
	modem_get_info(h->m, &info);
	assert_string_equal(info.imei, "490154203237518");
	assert_string_equal(info.imsi, "262011234567890");
	assert_string_equal(info.iccid, "8949020000012345678");
	assert_true(info.smsc[0] != '\0');
	h_run(h, 1000); /* the first status poll */
	modem_get_info(h->m, &info);
	assert_true(info.signal_dbm < 0);
	assert_string_equal(info.operator_name, "SIMNET");
	/* every transition is logged with the instance tag */
	assert_non_null(strstr(transitions, "modem0: off -> power-on (start)"));
	assert_non_null(strstr(transitions, "modem0: power-on -> sync (port open)"));
	assert_non_null(strstr(transitions, "modem0: sim -> registering (SIM ready)"));
	assert_non_null(strstr(transitions, "modem0: registering -> ready (registered)"));
	assert_string_equal(modem_state_str(MODEM_ST_RECOVERING), "recovering");
	assert_string_equal(modem_rung_str(MODEM_RUNG_CFUN), "cfun-reset");
}

static void send_single(void **state)
{
	struct h *h = *state;
	assert_true(h_until(h, MODEM_ST_READY, 30000));
	assert_int_equal(h_send(h, 7, "+4917612345678", "Hello from smsrelay", false), 0);
	assert_int_equal(h->n_done, 0); /* never from inside submit */
	h_run(h, 1000);
	assert_int_equal(h->n_done, 1);
	assert_int_equal(h->done_id[0], 7);
	assert_int_equal(h->done[0].status, 0);
	assert_int_equal(h->done[0].parts_sent, 1);
	assert_int_equal(h->n_parts, 1);
	assert_int_equal(simnet_sent_count(h->net), 1);
	const struct simnet_sent *s = simnet_sent_get(h->net, 0);
	assert_string_equal(s->text, "Hello from smsrelay");
	assert_string_equal(s->to, "+4917612345678");
	assert_false(s->report);
	char want[16];
	snprintf(want, sizeof(want), "%d@", s->mr);
	assert_memory_equal(h->parts[0].ref, want, strlen(want));
	assert_int_equal(modem_get_state(h->m), MODEM_ST_READY);
}

static void send_multipart_reports(void **state)
{
	struct h *h = *state;
	char text[401];
	for (int i = 0; i < 400; i++)
		text[i] = (char)('a' + i % 26);
	text[400] = '\0';
	assert_true(h_until(h, MODEM_ST_READY, 30000));
	simnet_set_report(h->net, 3000, 0);
	assert_int_equal(h_send(h, 9, "+4917612345678", text, true), 0);
	h_run(h, 1000);
	assert_int_equal(h->n_done, 1);
	assert_int_equal(h->done[0].status, 0);
	assert_int_equal(h->done[0].parts_total, 3);
	assert_int_equal(h->n_parts, 3);
	assert_int_equal(simnet_sent_count(h->net), 3);
	for (unsigned i = 0; i < 3; i++) {
		const struct simnet_sent *s = simnet_sent_get(h->net, i);
		assert_int_equal(h->parts[i].part, i); /* 0-based */
		assert_int_equal(h->parts[i].total, 3);
		assert_true(s->report);
		assert_int_equal(s->seq_no, i + 1);
		char want[16];
		snprintf(want, sizeof(want), "%d@", s->mr);
		assert_memory_equal(h->parts[i].ref, want, strlen(want));
	}
	assert_int_equal(h->n_reports, 0);
	h_run(h, 5000);
	assert_int_equal(h->n_reports, 3);
	for (unsigned i = 0; i < 3; i++) {
		bool found = false;
		for (unsigned k = 0; k < 3; k++)
			if (!strcmp(h->reports[k].ref, h->parts[i].ref))
				found = true;
		assert_true(found);
		assert_int_equal(h->reports[i].state, CHANNEL_DELIVERED);
		assert_string_equal(h->reports[i].recipient, "+4917612345678");
	}
	/* the reports were filed in SR and deleted there after reading */
	struct simmodem_status st;
	simmodem_get_status(h->sm, &st);
	assert_int_equal(st.used[2], 0);
}

static void report_states(void **state)
{
	struct h *h = *state;
	assert_true(h_until(h, MODEM_ST_READY, 30000));
	static const int tpst[] = { 0x00, 0x21, 0x45 };
	static const enum channel_delivery want[] = { CHANNEL_DELIVERED, CHANNEL_PENDING,
						      CHANNEL_UNDELIVERED };
	for (unsigned i = 0; i < 3; i++) {
		simnet_set_report(h->net, 100, tpst[i]);
		assert_int_equal(h_send(h, 100 + i, "+4917612345678", "x", true), 0);
		h_run(h, 2000);
		assert_int_equal(h->n_reports, i + 1);
		assert_int_equal(h->reports[i].state, want[i]);
		assert_int_equal(h->reports[i].code, tpst[i]);
		assert_string_equal(h->reports[i].ref, h->parts[i].ref);
	}
	assert_string_equal(channel_delivery_str(CHANNEL_PENDING), "pending");
	assert_string_equal(channel_kind_str(h->ch.kind), "modem");
	/* a report for nothing we sent is not matched */
	struct modem_stats s;
	modem_get_stats(h->m, &s);
	assert_int_equal(s.reports_unmatched, 0);
}

static void inbound_single(void **state)
{
	struct h *h = *state;
	assert_true(h_until(h, MODEM_ST_READY, 30000));
	assert_int_equal(simnet_inject_text(h->net, h->sm, "+4917699999999", "Ping", NULL), 1);
	h_run(h, 1000);
	assert_int_equal(h->n_in, 1);
	assert_string_equal(h->in[0].text, "Ping");
	assert_string_equal(h->in[0].from, "+4917699999999");
	assert_string_equal(h->in[0].to, ""); /* no [modem.NAME] number: unknown */
	assert_int_equal(h->in[0].total, 1);
	assert_memory_equal(h->in[0].src, "SM:", 3);
	struct simmodem_status st;
	simmodem_get_status(h->sm, &st);
	assert_int_equal(st.used[0], 0); /* deleted after inbound() said 0 */
	h_run(h, 600000); /* sweeps go by: nothing read twice */
	assert_int_equal(h->n_in, 1);
}

/* With the SIM's number configured, every inbound part carries it as "to";
 * a number too long for a channel address is refused at modem_new. */
static void inbound_to_own_number(void **state)
{
	static struct h h2;
	(void)state;
	assert_int_equal(h_setup(&h2, &(struct h_opts){ .own_number = "+4915112345678" }), 0);
	assert_true(h_until(&h2, MODEM_ST_READY, 30000));
	assert_int_equal(simnet_inject_text(h2.net, h2.sm, "+4917699999999", "Ping", NULL), 1);
	h_run(&h2, 1000);
	assert_int_equal(h2.n_in, 1);
	assert_string_equal(h2.in[0].from, "+4917699999999");
	assert_string_equal(h2.in[0].to, "+4915112345678");
	struct modem_config bad = { .name = "m", .loop = &h2.loop, .serial = &h2.host,
				    .own_number = "+123456789012345678901234567890" };
	struct modem *m = NULL;
	assert_int_equal(modem_new(&m, &bad), -EINVAL);
	assert_null(m);
	h_teardown(&h2);
}

static void inbound_multipart_out_of_order(void **state)
{
	struct h *h = *state;
	char text[401];
	for (int i = 0; i < 400; i++)
		text[i] = (char)('A' + i % 26);
	text[400] = '\0';
	assert_true(h_until(h, MODEM_ST_READY, 30000));
	static const unsigned order[] = { 3, 1, 2, 2 };
	struct simnet_inject_opts o = { .order = order, .n_order = 4, .ref = 77 };
	assert_true(simnet_inject_text(h->net, h->sm, "+4917699999999", text, &o) > 0);
	h_run(h, 2000);
	assert_int_equal(h->n_in, 3); /* the duplicate part is not offered again */
	unsigned seen = 0;
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(h->in[i].total, 3);
		assert_int_equal(h->in[i].ref, 77);
		seen |= 1u << h->in[i].seq;
		assert_memory_equal(h->in[i].text, text + (h->in[i].seq - 1) * 153, 10);
	}
	assert_int_equal(seen, 0xE);
	assert_int_equal(h->in[0].seq, 3); /* handed over as they came */
	struct simmodem_status st;
	simmodem_get_status(h->sm, &st);
	assert_int_equal(st.used[0], 0);
	struct modem_stats s;
	modem_get_stats(h->m, &s);
	assert_int_equal(s.duplicates, 1);
}

static void inbound_refused_once(void **state)
{
	struct h *h = *state;
	assert_true(h_until(h, MODEM_ST_READY, 30000));
	h->inbound_fail = 1;
	assert_int_equal(simnet_inject_text(h->net, h->sm, "+4917699999999", "Keep me", NULL), 1);
	h_run(h, 1000);
	assert_int_equal(h->n_in, 0);
	struct simmodem_status st;
	simmodem_get_status(h->sm, &st);
	assert_int_equal(st.used[0], 1); /* kept in storage */
	h_run(h, 31000);                 /* the retry sweep */
	assert_int_equal(h->n_in, 1);
	assert_string_equal(h->in[0].text, "Keep me");
	simmodem_get_status(h->sm, &st);
	assert_int_equal(st.used[0], 0);
	h_run(h, 600000);
	assert_int_equal(h->n_in, 1);
}

static void sweep_at_start(void **state)
{
	static struct h h2;
	(void)state;
	/* Messages already in storage before the driver runs (their +CMTI
	 * went to nobody) are found by the sweep at start. */
	assert_int_equal(h_setup(&h2, &(struct h_opts){ .closed_at_start = true }), 0);
	modem_stop(h2.m);
	simnet_inject_text(h2.net, h2.sm, "+4917600000001", "early one", NULL);
	simnet_inject_text(h2.net, h2.sm, "+4917600000002", "early two", NULL);
	hal_loop_sim_run_until_idle(&h2.loop);
	struct simmodem_status st;
	simmodem_get_status(h2.sm, &st);
	assert_int_equal(st.used[0], 2);
	assert_int_equal(modem_start(h2.m), 0);
	assert_true(h_until(&h2, MODEM_ST_READY, 30000));
	h_run(&h2, 2000);
	assert_int_equal(h2.n_in, 2);
	simmodem_get_status(h2.sm, &st);
	assert_int_equal(st.used[0], 0);
	h_teardown(&h2);
}

static void submit_rules(void **state)
{
	struct h *h = *state;
	/* not ready yet: the outbox goes elsewhere */
	assert_int_equal(h_send(h, 1, "+4917612345678", "x", false), -ENOTCONN);
	assert_true(h_until(h, MODEM_ST_READY, 30000));
	assert_int_equal(h_send(h, 1, "+49 bad", "x", false), -EINVAL);
	char big[2000];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(h_send(h, 2, "+4917612345678", big, false), -EINVAL); /* > 10 parts */
	for (unsigned i = 0; i < 8; i++)
		assert_int_equal(h_send(h, 10 + i, "+4917612345678", "q", false), 0);
	assert_int_equal(h_send(h, 30, "+4917612345678", "q", false), -EBUSY);
	assert_int_equal(modem_cancel(h->m, 17), 0);
	assert_int_equal(modem_cancel(h->m, 99), -ENOENT);
	h_run(h, 2000);
	assert_int_equal(h->n_done, 8);
	unsigned ok = 0, canceled = 0;
	for (unsigned i = 0; i < 8; i++) {
		if (h->done[i].status == 0)
			ok++;
		if (h->done[i].status == -ECANCELED && h->done_id[i] == 17)
			canceled++;
	}
	assert_int_equal(ok, 7);
	assert_int_equal(canceled, 1);
	assert_int_equal(simnet_sent_count(h->net), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(boot_to_ready, setup, teardown),
		cmocka_unit_test_setup_teardown(send_single, setup, teardown),
		cmocka_unit_test_setup_teardown(send_multipart_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(report_states, setup, teardown),
		cmocka_unit_test_setup_teardown(inbound_single, setup, teardown),
		cmocka_unit_test(inbound_to_own_number),
		cmocka_unit_test_setup_teardown(inbound_multipart_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(inbound_refused_once, setup, teardown),
		cmocka_unit_test(sweep_at_start),
		cmocka_unit_test_setup_teardown(submit_rules, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
