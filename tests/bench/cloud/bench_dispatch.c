/* bench_dispatch: the dispatch half of issue 5's benchmark. Messages per
 * second from the Twilio channel to tools/mockprovider on loopback with 32
 * requests in flight, and this process's CPU time per message (the mock's
 * CPU is not counted). Prints figures; asserts nothing about time.
 *
 *   bench_dispatch [messages]      (default 5000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cloud/twilio.h"
#include "hal/log.h"
#include "mock_harness.h"

#define IN_FLIGHT 32

struct bench {
	struct channel ch;
	unsigned total;
	unsigned submitted;
	unsigned done;
	unsigned failed;
};

static void bench_next(struct bench *b)
{
	while (b->submitted < b->total && b->submitted - b->done < IN_FLIGHT) {
		struct channel_msg m = { .id = b->submitted, .to = "+15551234567",
					 .text = "benchmark message", .text_len = 17 };
		if (channel_submit(&b->ch, &m) < 0)
			break;
		b->submitted++;
	}
}

static void on_done(void *arg, uint64_t id, const struct channel_outcome *o)
{
	struct bench *b = arg;
	(void)id;
	b->done++;
	if (o->status)
		b->failed++;
	bench_next(b);
}

static double now_s(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct bench b = { .total = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 5000 };
	if (b.total == 0) {
		fprintf(stderr, "usage: bench_dispatch [messages>0]\n");
		return 2;
	}
	log_set_levels("warn");
	struct mock_proc mock;
	if (mock_start(&mock, NULL) < 0) {
		fprintf(stderr, "bench_dispatch: cannot start %s\n", MOCKPROVIDER_PATH);
		return 1;
	}
	struct hal_loop loop;
	if (hal_loop_linux_new(&loop) < 0) {
		mock_stop(&mock);
		return 1;
	}
	struct twilio_config cfg = {
		.base_url = mock.url,
		.account_sid = MOCK_ACCOUNT,
		.auth_token = MOCK_TOKEN,
		.from = "+15005550006",
		.status_callback_url = "https://appliance.example.com/s", /* no polling */
		.http = { .max_in_flight = IN_FLIGHT, .request_timeout_ms = 10000 },
	};
	struct channel_events ev = { .submit_done = on_done, .arg = &b };
	int rc = twilio_channel_new(&loop, &cfg, &ev, &b.ch);
	if (rc < 0) {
		fprintf(stderr, "bench_dispatch: channel: %d\n", rc);
		hal_loop_destroy(&loop);
		mock_stop(&mock);
		return 1;
	}
	double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	bench_next(&b);
	while (b.done < b.total && now_s(CLOCK_MONOTONIC) - w0 < 120)
		hal_loop_run_once(&loop, 100);
	double wall = now_s(CLOCK_MONOTONIC) - w0, cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	printf("bench_dispatch: %u messages (%u failed), %d in flight, %.2f s\n", b.done, b.failed,
	       IN_FLIGHT, wall);
	printf("bench_dispatch: %.0f messages/s (target >= 2000)\n", b.done / wall);
	printf("bench_dispatch: %.1f us CPU per message (client side)\n",
	       b.done ? cpu * 1e6 / b.done : 0.0);
	b.ch.ops->destroy(b.ch.ctx);
	hal_loop_destroy(&loop);
	mock_stop(&mock);
	return b.done == b.total && !b.failed ? 0 : 1;
}
