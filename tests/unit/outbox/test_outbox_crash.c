/* Crash consistency: a full send cycle (enqueue -> claim -> sending -> sent
 * -> delivered, a single-part and a two-part message) on a file database
 * through the faulty VFS, for EVERY N: fail the Nth write/fsync once, or
 * lose power at the Nth. Then "reboot" (reopen, crash rule) and check:
 * no accepted message lost, every history a legal chain ending in the
 * message's status, nothing left sending, a message the channel got and
 * that will go again is flagged possible_dup, nothing sent that the
 * channel never got, delivered only with every part delivered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_channel.h"
#include "faulty_vfs.h"
#include "hal/log.h"
#include "hal/sim.h"
#include "outbox/outbox.h"
#include "store/store_crm.h"
#include "scratch_dir.h"

#define T0 1700000000000LL

struct run {
	char dir[256], db[300];
	struct hal_clock clock;
	struct hal_loop loop;
	struct store *store;
	struct outbox *ob;
	struct fake_channel ch;
	uint64_t accepted[2];
	unsigned parts[2];
	bool inbound_stored;     /* the channel was told it may delete its copy */
};

/* "type:id:status": enough to match a delivery to its history event. */
static char *payload(void *arg, const struct store_event_src *ev, size_t *len)
{
	char buf[64];

	(void)arg;
	*len = (size_t)snprintf(buf, sizeof(buf), "%d:%llu:%s", (int)ev->type,
				(unsigned long long)ev->msg->id, msg_status_str(ev->msg->status));
	return strdup(buf);
}

static void boot(struct run *r)
{
	struct store_opts so = { .path = r->db, .vfs = FAULTY_VFS_NAME };
	struct outbox_config c = { .loop = &r->loop, .default_validity_s = 3600 };

	assert_int_equal(hal_vclock_new(&r->clock, T0), 0);
	assert_int_equal(hal_loop_sim_new(&r->loop, &r->clock), 0);
	assert_int_equal(store_open(&r->store, &so), 0);
	store_set_payload_builder(r->store, payload, NULL);
	c.store = r->store;
	assert_int_equal(outbox_new(&r->ob, &c), 0);
	fake_channel_init(&r->ch, "modem0", CHANNEL_MODEM);
	assert_int_equal(outbox_channel_events(r->ob, "modem0", &r->ch.ev), 0);
	assert_int_equal(outbox_add_channel(r->ob, &r->ch.ch), 0);
}

static void halt(struct run *r)
{
	outbox_destroy(r->ob);
	store_close(r->store);
	hal_loop_destroy(&r->loop);
	hal_vclock_destroy(&r->clock);
}

/* The cycle; every failure is tolerated (that is the point). */
static void cycle(struct run *r)
{
	static const char *const text[2] = {
		"short one",
		"a two part message ......................................................."
		"........................................................................."
		"..........................................",
	};

	for (int i = 0; i < 2; i++) {
		struct outbox_msg m = { .to = "+4917612345678", .body = text[i],
					.body_len = strlen(text[i]),
					.status_callback = i ? NULL : "http://127.0.0.1:9/cb" };
		struct outbox_result res;

		r->parts[i] = i + 1;
		r->accepted[i] = outbox_enqueue(r->ob, &m, &res) == 0 ? res.id : 0;
	}
	hal_loop_sim_run_until_idle(&r->loop);
	{
		struct channel_inbound in = { .from = "+4917612345678", .text = "reply",
					      .text_len = 5, .encoding = "gsm7",
					      .concat_total = 1 };

		r->inbound_stored = r->ch.ev.inbound(r->ch.ev.arg, &in) == 0;
	}
	for (unsigned k = 0; k < r->ch.n; k++)
		fake_channel_accept(&r->ch, r->ch.ids[k], r->ch.ids[k] == r->accepted[1] ? 2 : 1);
	/* The turn ends: both completions (three references, two moves to sent)
	 * go in one transaction, as the two claims did in the dispatch pass. */
	hal_loop_sim_run_until_idle(&r->loop);
	for (unsigned k = 0; k < r->ch.n; k++)
		for (unsigned p = 0; p < (r->ch.ids[k] == r->accepted[1] ? 2u : 1u); p++)
			fake_channel_report(&r->ch, r->ch.ids[k], p, CHANNEL_DELIVERED);
	hal_loop_sim_run_until_idle(&r->loop);
}

static bool handed(const struct fake_channel *c, uint64_t id)
{
	for (unsigned k = 0; k < c->n; k++)
		if (c->ids[k] == id)
			return true;
	return false;
}

static void check_history(struct store *s, const struct store_msg *m)
{
	struct store_event ev[32];
	int n = store_events_get(s, m->id, ev, 32);

	assert_true(n >= 1 && n <= 32);
	assert_int_equal(ev[0].from, -1);
	assert_int_equal(ev[0].to, MSG_ACCEPTED);
	for (int i = 1; i < n; i++) {
		assert_int_equal(ev[i].from, ev[i - 1].to);
		assert_true(msg_status_can_move((enum msg_status)ev[i].from, ev[i].to));
	}
	assert_int_equal(ev[n - 1].to, m->status);
}

#define DLV_MAX 32

/* Drains the delivery queue (heads of each conversation, again and again). */
static size_t drain(struct store *s, char out[DLV_MAX][64])
{
	struct store_delivery d[8];
	size_t n = 0;
	int k;

	while ((k = store_delivery_due(s, INT64_MAX, d, 8)) > 0) {
		for (int i = 0; i < k; i++) {
			assert_true(n < DLV_MAX);
			snprintf(out[n++], 64, "%s", d[i].payload);
			assert_int_equal(store_delivery_done(s, d[i].id), 0);
			store_delivery_release(&d[i]);
		}
	}
	assert_int_equal(k, 0);
	return n;
}

static bool has(char dl[DLV_MAX][64], size_t n, const char *want)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(dl[i], want) == 0)
			return true;
	return false;
}

/* Every committed status event and every stored inbound message has its
 * delivery (and the Twilio StatusCallback row when the message has one);
 * every delivery is of a committed event. */
static void check_events(struct run *r)
{
	char dl[DLV_MAX][64], want[64];
	size_t n = drain(r->store, dl), matched = 0;
	unsigned received = 0;

	for (uint64_t id = 1; id <= 3; id++) {
		struct store_event ev[32];
		struct store_msg m;
		int ne;

		if (store_msg_get(r->store, id, &m) != 0)
			continue;
		ne = store_events_get(r->store, id, ev, 32);
		for (int i = 0; i < ne; i++) {
			enum msg_status to = ev[i].to;
			int type = to == MSG_RECEIVED ? STORE_EV_RECEIVED : STORE_EV_STATUS;

			if (to != MSG_RECEIVED && to != MSG_SENT && to != MSG_DELIVERED &&
			    to != MSG_UNDELIVERED && to != MSG_FAILED)
				continue;
			snprintf(want, sizeof(want), "%d:%llu:%s", type, (unsigned long long)id,
				 msg_status_str(to));
			assert_true(has(dl, n, want));
			matched++;
			if (m.status_callback[0]) {
				snprintf(want, sizeof(want), "%d:%llu:%s", STORE_EV_TWILIO_STATUS,
					 (unsigned long long)id, msg_status_str(to));
				assert_true(has(dl, n, want));
				matched++;
			}
		}
		received += m.dir == STORE_DIR_IN;
		store_msg_release(&m);
	}
	assert_int_equal(matched, n); /* nothing queued for an event not committed */
	if (r->inbound_stored)
		assert_int_equal(received, 1);
}

static void check_after_reboot(struct run *r, const struct fake_channel *before)
{
	uint64_t n;

	assert_int_equal(store_count_status(r->store, MSG_SENDING, &n), 0);
	assert_int_equal(n, 0); /* the crash rule resolved every one */
	for (uint64_t id = 1; id <= 3; id++) {
		struct store_msg m;
		struct store_part p[4];
		bool accepted = r->accepted[0] == id || r->accepted[1] == id;
		int rc = store_msg_get(r->store, id, &m);

		if (rc == -ENOENT) {
			assert_false(accepted); /* no accepted message lost */
			continue;
		}
		assert_int_equal(rc, 0);
		if (m.dir == STORE_DIR_IN) { /* the reply (an id may be free) */
			assert_int_equal(m.status, MSG_RECEIVED);
			store_msg_release(&m);
			continue;
		}
		check_history(r->store, &m);
		/* Never handed to the channel: still to be sent. It may carry
		 * possible_dup when a commit reported an fsync error yet reached
		 * the WAL (a false positive, never a loss). */
		if (!handed(before, id))
			assert_int_equal(m.status, MSG_QUEUED);
		if (m.status == MSG_QUEUED && handed(before, id))
			assert_true(m.possible_dup); /* the only duplicate window, counted */
		if (m.status == MSG_SENT || m.status == MSG_DELIVERED) {
			assert_true(handed(before, id));
			/* sent only with every reference (committed with the move) */
			assert_true(m.parts_total >= 1);
			assert_int_equal(store_parts_get(r->store, id, p, 4), (int)m.parts_total);
		}
		if (m.status == MSG_DELIVERED) {
			int np = store_parts_get(r->store, id, p, 4);

			assert_true(np >= 1 && (unsigned)np == m.parts_total);
			for (int k = 0; k < np; k++)
				assert_int_equal(p[k].status, MSG_DELIVERED);
		}
		store_msg_release(&m);
	}
}

static unsigned one_run(enum faulty_mode mode, unsigned nth, bool *fired)
{
	struct run r;
	struct fake_channel before;
	const char *base = getenv("TMPDIR");
	unsigned ops;

	memset(&r, 0, sizeof(r));
	snprintf(r.dir, sizeof(r.dir), "%s/outbox-crash-XXXXXX", base ? base : "/tmp");
	assert_non_null(mkdtemp(r.dir));
	snprintf(r.db, sizeof(r.db), "%s/sms.db", r.dir);
	faulty_vfs_arm(FAULTY_OFF, 0);
	boot(&r);
	{
		struct store_webhook h = { .url = "http://127.0.0.1:9/h", .events = 3,
					   .secret = "s", .enabled = true }, ho;

		assert_int_equal(store_webhook_create(r.store, &h, T0, &ho), 0);
	}
	faulty_vfs_arm(mode, nth);
	cycle(&r);
	ops = faulty_vfs_ops();
	*fired = faulty_vfs_fired();
	before = r.ch;
	halt(&r); /* with power lost, nothing of this reaches the disk */
	faulty_vfs_arm(FAULTY_OFF, 0);
	boot(&r); /* runs the crash rule */
	check_after_reboot(&r, &before);
	check_events(&r);
	/* After the reboot everything accepted still goes out. */
	hal_loop_sim_run_until_idle(&r.loop);
	for (int i = 0; i < 2; i++) {
		struct store_msg m;

		if (r.accepted[i] && store_msg_get(r.store, r.accepted[i], &m) == 0) {
			assert_true(m.status != MSG_QUEUED || m.next_attempt_at > T0);
			store_msg_release(&m);
		}
	}
	halt(&r);
	scratch_dir_remove(r.dir);
	return ops;
}

static void test_every_n(void **state)
{
	unsigned total;
	bool fired;

	(void)state;
	log_set_levels("none");
	assert_int_equal(faulty_vfs_register(), 0);
	/* Measure the cycle: count with a fault that never fires. */
	total = one_run(FAULTY_FAIL_ONCE, UINT_MAX, &fired);
	assert_false(fired);
	assert_true(total > 10);
	print_message("send cycle: %u writes+syncs\n", total);
	for (unsigned n = 1; n <= total; n++) {
		one_run(FAULTY_FAIL_ONCE, n, &fired);
		assert_true(fired);
		one_run(FAULTY_POWER_LOSS, n, &fired);
		assert_true(fired);
	}
	log_set_levels("info");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_n),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
