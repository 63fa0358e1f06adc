/* bench_outbox: durable enqueues per second on a file database in a temp
 * dir (WAL, synchronous=FULL: real fsyncs), with one commit per message
 * (one writer, max_batch 1) and with group commit at 16 and 64 concurrent
 * writer threads; CPU time per message. Prints figures, asserts nothing.
 *
 *   bench_outbox [messages per run, default 20000]
 *
 * The dispatch half (to a local mock provider, 32 in flight) needs the
 * cloud driver's mock provider and is not measured here yet. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hal/log.h"
#include "outbox/outbox.h"
#include "scratch_dir.h"

struct writer {
	struct outbox *ob;
	unsigned count, base, errors;
};

static double now_s(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	char body[96], key[32];

	for (unsigned i = 0; i < w->count; i++) {
		struct outbox_msg m = { .to = "+4917612345678", .body = body, .idem_key = key,
					.segments = 1, .encoding = "gsm7" };
		struct outbox_result r;

		m.body_len = (size_t)snprintf(body, sizeof(body),
					      "Your appointment is confirmed, ref %u", w->base + i);
		snprintf(key, sizeof(key), "bench-%u", w->base + i);
		if (outbox_enqueue(w->ob, &m, &r) != 0)
			w->errors++;
	}
	return NULL;
}

static int run(const char *label, unsigned writers, unsigned total, unsigned max_batch)
{
	char dir[256], db[300];
	const char *base = getenv("TMPDIR");
	struct store_opts so = { .path = db };
	struct hal_loop loop;
	struct store *store;
	struct outbox *ob;
	struct outbox_config c = { .max_batch = max_batch };
	struct outbox_metrics mt;
	struct writer *w = calloc(writers, sizeof(*w));
	pthread_t *t = calloc(writers, sizeof(*t));
	unsigned errors = 0;
	double t0, c0, wall, cpu;
	int rc;

	snprintf(dir, sizeof(dir), "%s/bench-outbox-XXXXXX", base ? base : "/tmp");
	if (!w || !t || !mkdtemp(dir)) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	snprintf(db, sizeof(db), "%s/sms.db", dir);
	if ((rc = hal_loop_linux_new(&loop)) || (rc = store_open(&store, &so))) {
		fprintf(stderr, "setup: %s\n", strerror(-rc));
		return 1;
	}
	c.store = store;
	c.loop = &loop;
	if ((rc = outbox_new(&ob, &c))) {
		fprintf(stderr, "outbox_new: %s\n", strerror(-rc));
		return 1;
	}
	t0 = now_s(CLOCK_MONOTONIC);
	c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	for (unsigned i = 0; i < writers; i++) {
		w[i] = (struct writer){ .ob = ob, .count = total / writers, .base = i * (total / writers) };
		pthread_create(&t[i], NULL, writer_main, &w[i]);
	}
	for (unsigned i = 0; i < writers; i++) {
		pthread_join(t[i], NULL);
		errors += w[i].errors;
	}
	wall = now_s(CLOCK_MONOTONIC) - t0;
	cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	outbox_metrics_get(ob, &mt);
	total = writers * (total / writers);
	printf("%-28s writers=%-3u msgs=%-6u commits=%-6llu %8.0f enqueues/s  %6.1f us CPU/msg"
	       "  %5.1f msgs/commit  errors=%u\n",
	       label, writers, total, (unsigned long long)mt.batches, total / wall,
	       cpu * 1e6 / total, mt.batches ? (double)total / (double)mt.batches : 0.0, errors);
	outbox_destroy(ob);
	store_close(store);
	hal_loop_destroy(&loop);
	scratch_dir_remove(dir);
	free(w);
	free(t);
	return errors != 0;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 20000;
	int bad = 0;

	log_set_levels("warn");
	if (n < 64)
		n = 64;
	printf("bench_outbox: durable enqueues (WAL, synchronous=FULL, fsync per commit)\n");
	bad |= run("one commit per message", 1, n / 4, 1);
	bad |= run("group commit", 16, n, 0);
	bad |= run("group commit", 64, n, 0);
	return bad;
}
