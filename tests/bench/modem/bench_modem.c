/* bench_modem: single-part sends per second through the modem driver, the
 * AT engine and the simulated modem at zero latency:
 *   1. in-process: serial pair + sim loop (virtual clock, no waiting);
 *   2. over a pty: simmodem on a pseudo-terminal master, the driver on
 *      hal_serial_linux + hal_loop_linux (epoll), one thread;
 * and the CPU time per message. Prints figures; asserts nothing on time.
 * Usage: bench_modem [messages] (default 20000 in-process, /4 over the pty) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hal/log.h"
#include "modem_harness.h"
#include "simmodem/pty.h"

static double now_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *what, unsigned long n, unsigned long ok, double wall, double cpu)
{
	printf("%-12s %8lu msgs %8lu ok  %8.3f s  %10.0f msgs/s  %8.1f us CPU/msg\n", what, n, ok,
	       wall, (double)n / wall, cpu * 1e6 / (double)n);
}

static int bench_inprocess(unsigned long n)
{
	static struct h h;
	if (h_setup(&h, &(struct h_opts){ .quiet = true }) < 0 || !h_until(&h, MODEM_ST_READY, 30000)) {
		fprintf(stderr, "in-process: modem not ready\n");
		return 1;
	}
	hal_loop_sim_run_until_idle(&h.loop);
	double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	unsigned long submitted = 0;
	while (h.total_done < n) {
		while (submitted < n && h_send(&h, submitted + 1, "+4917612345678",
					       "benchmark message", false) == 0)
			submitted++;
		if (hal_loop_sim_run_until_idle(&h.loop) < 0)
			break;
		if (simnet_sent_count(h.net) > 1000)
			simnet_sent_clear(h.net);
	}
	double wall = now_s(CLOCK_MONOTONIC) - w0, cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	report("in-process", h.total_done, h.total_ok, wall, cpu);
	int rc = h.total_ok == n ? 0 : 1;
	h_teardown(&h);
	return rc;
}

struct pty_bench {
	unsigned long done, ok;
};

static void pb_done(void *arg, uint64_t id, const struct channel_outcome *o)
{
	struct pty_bench *b = arg;
	(void)id;
	b->done++;
	b->ok += o->status == 0;
}

static int bench_pty(unsigned long n)
{
	struct hal_loop loop;
	struct hal_serial dev, host;
	struct simnet *net = NULL;
	struct simmodem *sm = NULL;
	struct modem *m = NULL;
	struct pty_bench b = { 0 };
	int rc = hal_loop_linux_new(&loop);
	if (rc < 0 || simmodem_pty_new(&dev) < 0 || hal_serial_linux_new(&host) < 0) {
		fprintf(stderr, "pty: setup failed\n");
		return 1;
	}
	struct simnet_config nc = SIMNET_CONFIG_DEFAULT;
	struct simmodem_config sc = { .name = "pty0", .number = "+4915550000009" };
	if (simnet_new(&net, &loop, &nc) < 0 || simmodem_new(&sm, net, &loop, &dev, &sc) < 0) {
		fprintf(stderr, "pty: simmodem failed\n");
		return 1;
	}
	struct modem_config mc = { .name = "modem0", .loop = &loop, .serial = &host,
				   .port = simmodem_pty_path(&dev),
				   .serial_cfg = HAL_SERIAL_CONFIG_DEFAULT,
				   .events = { .submit_done = pb_done, .arg = &b } };
	mc.serial_cfg.baud = 0; /* a pty has no speed */
	if (modem_new(&m, &mc) < 0 || modem_start(m) < 0) {
		fprintf(stderr, "pty: modem failed\n");
		return 1;
	}
	double t_end = now_s(CLOCK_MONOTONIC) + 30;
	while (modem_get_state(m) != MODEM_ST_READY && now_s(CLOCK_MONOTONIC) < t_end)
		hal_loop_run_once(&loop, 50);
	if (modem_get_state(m) != MODEM_ST_READY) {
		fprintf(stderr, "pty: modem not ready (%s)\n", modem_state_str(modem_get_state(m)));
		return 1;
	}
	double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
	unsigned long submitted = 0;
	t_end = w0 + 120;
	while (b.done < n && now_s(CLOCK_MONOTONIC) < t_end) {
		struct channel_msg msg = { .to = "+4917612345678", .text = "benchmark message",
					   .text_len = 17 };
		while (submitted < n) {
			msg.id = submitted + 1;
			if (modem_submit(m, &msg) < 0)
				break;
			submitted++;
		}
		hal_loop_run_once(&loop, 100);
		if (simnet_sent_count(net) > 1000)
			simnet_sent_clear(net);
	}
	double wall = now_s(CLOCK_MONOTONIC) - w0, cpu = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
	report("pty", b.done, b.ok, wall, cpu);
	rc = b.ok == n ? 0 : 1;
	modem_destroy(m);
	simmodem_destroy(sm);
	simnet_destroy(net);
	hal_serial_destroy(&host);
	hal_serial_destroy(&dev);
	hal_loop_destroy(&loop);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	if (!n)
		n = 1;
	log_set_levels("warn");
	printf("bench_modem: single-part sends, driver + at_chat + simmodem, zero latency\n");
	int rc = bench_inprocess(n);
	log_set_levels("warn");
	rc |= bench_pty(n / 4 ? n / 4 : 1);
	printf("targets: >= 2000 msgs/s in-process, >= 500 msgs/s over a pty\n");
	return rc;
}
