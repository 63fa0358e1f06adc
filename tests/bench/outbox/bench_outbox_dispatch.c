/* bench_outbox_dispatch: the dispatch half of issue 5's benchmark, through
 * the whole path: a file database in a temp dir (WAL, synchronous=FULL),
 * N messages enqueued with group commit, then the real outbox claims them
 * on a hal_loop_linux and hands them to the real Twilio channel, which
 * posts to tools/mockprovider on loopback with 32 requests in flight.
 * Routing is the real policy with one Twilio channel, rate unlimited.
 *
 * Measured from the first claim until the store holds every message as
 * `sent`: messages/s, this process's CPU per message (getrusage), and the
 * mock provider's CPU per message (/proc/PID/stat). Prints figures; fails
 * only when a message did not reach `sent`.
 *
 *   bench_outbox_dispatch [messages, default 20000] */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cloud/twilio.h"
#include "hal/log.h"
#include "mock_harness.h"
#include "outbox/outbox.h"
#include "scratch_dir.h"

#define IN_FLIGHT 32
#define WRITERS 64
#define CAP_S 300.0 /* only guards a broken build; never reached normally */

struct writer {
	struct outbox *ob;
	unsigned count, base, errors;
};

struct bench {
	char dir[256], db[300];
	struct hal_loop loop;
	bool loop_ok;
	struct store *store;
	struct routing rt;
	struct outbox *ob;
	struct channel ch;
	bool ch_ok;
	struct mock_proc mock;
};

static double now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double rusage_cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* utime + stime of pid in seconds, from /proc/PID/stat; < 0 if unreadable. */
static double proc_cpu_s(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long ut = 0, st = 0;
	FILE *f;
	size_t n;
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* comm may hold spaces: fields are counted after its closing ')'. */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
			 &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	char body[96];

	for (unsigned i = 0; i < w->count; i++) {
		struct outbox_msg m = { .to = "+15551234567", .body = body, .segments = 1,
					.encoding = "gsm7" };
		struct outbox_result r;

		m.body_len = (size_t)snprintf(body, sizeof(body),
					      "Your appointment is confirmed, ref %u", w->base + i);
		if (outbox_enqueue(w->ob, &m, &r) != 0)
			w->errors++;
	}
	return NULL;
}

static unsigned enqueue_all(struct outbox *ob, unsigned total)
{
	struct writer w[WRITERS];
	pthread_t t[WRITERS];
	unsigned errors = 0;

	for (unsigned i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ .ob = ob, .count = total / WRITERS,
					.base = i * (total / WRITERS) };
		if (i == WRITERS - 1)
			w[i].count += total % WRITERS;
		pthread_create(&t[i], NULL, writer_main, &w[i]);
	}
	for (unsigned i = 0; i < WRITERS; i++) {
		pthread_join(t[i], NULL);
		errors += w[i].errors;
	}
	return errors;
}

static int routing_setup(struct routing *rt)
{
	struct routing_config rc;
	char err[128] = "";

	routing_config_defaults(&rc);
	routing_channel_defaults(&rc.channels[0], "twilio", CHANNEL_TWILIO);
	rc.channels[0].rate_per_min = 0; /* unlimited: measure the path, not the bucket */
	rc.channels[0].burst = 1000;
	rc.n_channels = 1;
	rc.allow_any = true;
	if (routing_init(rt, &rc, NULL, 0, 0, err, sizeof(err)) != 0) {
		fprintf(stderr, "routing: %s\n", err);
		return -EINVAL;
	}
	return 0;
}

static int setup(struct bench *b)
{
	const char *base = getenv("TMPDIR");
	struct store_opts so = { .path = b->db };
	struct outbox_config oc = { .max_in_flight = IN_FLIGHT, .routing = &b->rt };
	struct channel_events ev;
	struct twilio_config tc = {
		.base_url = b->mock.url,
		.account_sid = MOCK_ACCOUNT,
		.auth_token = MOCK_TOKEN,
		.from = "+15005550006",
		.status_callback_url = "https://appliance.example.com/s", /* no polling */
		.http = { .max_in_flight = IN_FLIGHT, .request_timeout_ms = 10000 },
	};
	int rc;

	snprintf(b->dir, sizeof(b->dir), "%s/bench-obdisp-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(b->dir))
		return -errno;
	snprintf(b->db, sizeof(b->db), "%s/sms.db", b->dir);
	if ((rc = mock_start(&b->mock, NULL)) < 0) {
		fprintf(stderr, "cannot start %s: %d\n", MOCKPROVIDER_PATH, rc);
		return rc;
	}
	if ((rc = hal_loop_linux_new(&b->loop)) < 0)
		return rc;
	b->loop_ok = true;
	if ((rc = store_open(&b->store, &so)) < 0 || (rc = routing_setup(&b->rt)) < 0)
		return rc;
	oc.store = b->store;
	oc.loop = &b->loop;
	if ((rc = outbox_new(&b->ob, &oc)) < 0 || (rc = outbox_channel_events(b->ob, "twilio", &ev)))
		return rc;
	if ((rc = twilio_channel_new(&b->loop, &tc, &ev, &b->ch)) < 0)
		return rc;
	b->ch_ok = true;
	return outbox_add_channel(b->ob, &b->ch);
}

static void teardown(struct bench *b)
{
	/* The channel first: a destroy may still report to the outbox. */
	if (b->ch_ok)
		b->ch.ops->destroy(b->ch.ctx);
	if (b->ob)
		outbox_destroy(b->ob);
	if (b->store)
		store_close(b->store);
	if (b->loop_ok)
		hal_loop_destroy(&b->loop);
	mock_stop(&b->mock);
	if (b->dir[0])
		scratch_dir_remove(b->dir);
}

static uint64_t sent_metric(struct outbox *ob)
{
	struct outbox_metrics mt;

	outbox_metrics_get(ob, &mt);
	return mt.to_status[MSG_SENT];
}

/* Turn the loop until n messages moved to sent; returns the wall time. */
static double dispatch_all(struct bench *b, unsigned n)
{
	double w0 = now_s(CLOCK_MONOTONIC);

	outbox_kick(b->ob); /* the first claim */
	while (sent_metric(b->ob) < n && now_s(CLOCK_MONOTONIC) - w0 < CAP_S)
		hal_loop_run_once(&b->loop, 100);
	return now_s(CLOCK_MONOTONIC) - w0;
}

static int report(struct bench *b, unsigned n, double wall, double cpu, double mock_cpu)
{
	uint64_t in_store = 0;
	struct outbox_metrics mt;

	store_count_status(b->store, MSG_SENT, &in_store);
	outbox_metrics_get(b->ob, &mt);
	printf("bench_outbox_dispatch: %llu/%u sent in the store, %llu failed, %llu retries,"
	       " %d in flight, %.2f s\n",
	       (unsigned long long)in_store, n, (unsigned long long)mt.to_status[MSG_FAILED],
	       (unsigned long long)mt.retries, IN_FLIGHT, wall);
	printf("bench_outbox_dispatch: %.0f messages/s (target >= 2000)\n", in_store / wall);
	printf("bench_outbox_dispatch: %.1f us CPU per message (this process: store, outbox,"
	       " routing, Twilio channel, curl)\n", in_store ? cpu * 1e6 / (double)in_store : 0.0);
	if (mock_cpu >= 0)
		printf("bench_outbox_dispatch: %.1f us CPU per message (mock provider)\n",
		       in_store ? mock_cpu * 1e6 / (double)in_store : 0.0);
	return in_store == n ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 20000;
	struct bench b = { .dir = "" };
	double e0, wall, c0, m0, cpu, mock_cpu;
	unsigned errors;
	int rc;

	if (n == 0) {
		fprintf(stderr, "usage: bench_outbox_dispatch [messages>0]\n");
		return 2;
	}
	log_set_levels("warn");
	if ((rc = setup(&b)) < 0) {
		fprintf(stderr, "bench_outbox_dispatch: setup: %s\n", strerror(-rc));
		teardown(&b);
		return 1;
	}
	/* The loop is not turned while enqueueing, so nothing is claimed yet. */
	e0 = now_s(CLOCK_MONOTONIC);
	errors = enqueue_all(b.ob, n);
	printf("bench_outbox_dispatch: %u messages enqueued by %d writers in %.2f s (%u errors)\n",
	       n, WRITERS, now_s(CLOCK_MONOTONIC) - e0, errors);
	c0 = rusage_cpu_s();
	m0 = proc_cpu_s(b.mock.pid);
	wall = dispatch_all(&b, n - errors);
	cpu = rusage_cpu_s() - c0;
	mock_cpu = m0 >= 0 ? proc_cpu_s(b.mock.pid) - m0 : -1;
	rc = report(&b, n - errors, wall, cpu, mock_cpu) || errors;
	teardown(&b);
	return rc;
}
