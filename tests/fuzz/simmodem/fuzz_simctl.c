/* The modemsim control protocol (simctl_exec) over arbitrary lines: the
 * input is split at '\n' into lines (at most 32), each run against a net of
 * two booted modems on the sim loop, the virtual clock moving 100 ms after
 * each. Every reply must end in exactly one final line ("OK" or "ERR ...")
 * and be as long as reported. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/log.h"
#include "hal/sim.h"
#include "simmodem/simctl.h"
#include "simmodem/simmodem.h"
#include "simmodem/simnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_reply(const char *r, size_t len)
{
	if (strlen(r) != len || len == 0 || r[len - 1] != '\n')
		abort();
	/* the last line is the final one */
	const char *last = r + len - 1;
	while (last > r && last[-1] != '\n')
		last--;
	if (strncmp(last, "OK\n", 3) && strncmp(last, "ERR ", 4))
		abort();
	/* and no earlier line is a final "OK" alone */
	for (const char *p = r; p < last;) {
		const char *nl = strchr(p, '\n');
		if (!nl || (nl - p == 2 && !strncmp(p, "OK", 2)))
			abort();
		p = nl + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool once;
	if (!once) {
		log_set_levels("none");
		once = true;
	}
	struct hal_clock clk;
	struct hal_loop loop;
	struct simnet *net;
	struct hal_serial host[2], dev[2];
	struct simmodem *m[2];
	if (hal_vclock_new(&clk, 1700000000000LL) || hal_loop_sim_new(&loop, &clk))
		abort();
	struct simnet_config nc = SIMNET_CONFIG_DEFAULT;
	if (simnet_new(&net, &loop, &nc))
		abort();
	for (int i = 0; i < 2; i++) {
		char number[32];
		snprintf(number, sizeof(number), "+491510000000%d", i + 1);
		struct simmodem_config mc = { .number = number };
		if (hal_serial_sim_pair_new(&host[i], &dev[i]) ||
		    simmodem_new(&m[i], net, &loop, &dev[i], &mc))
			abort();
	}
	if (hal_loop_sim_advance(&loop, 5000) < 0)
		abort();

	char *line = malloc(size + 1);
	if (!line)
		abort();
	size_t start = 0;
	int lines = 0;
	for (size_t i = 0; i <= size && lines < 32; i++) {
		if (i < size && data[i] != '\n')
			continue;
		memcpy(line, data + start, i - start);
		line[i - start] = '\0';
		start = i + 1;
		lines++;
		char *reply = NULL;
		size_t len = 0;
		long wait_ms = -1;
		int rc = simctl_exec(net, line, &reply, &len, &wait_ms);
		if (rc == 0)
			check_reply(reply, len);
		else if (rc == -EAGAIN && (reply || wait_ms < 0))
			abort();
		else if (rc != -EAGAIN && rc != -ENOMEM)
			abort();
		free(reply);
		if (hal_loop_sim_advance(&loop, 100) < 0)
			abort();
		for (int k = 0; k < 2; k++) {
			char b[4096];
			while (hal_serial_read(&host[k], b, sizeof(b)) > 0)
				;
		}
	}
	free(line);

	for (int i = 0; i < 2; i++) {
		simmodem_destroy(m[i]);
		hal_serial_destroy(&host[i]);
		hal_serial_destroy(&dev[i]);
	}
	simnet_destroy(net);
	hal_loop_destroy(&loop);
	hal_vclock_destroy(&clk);
	return 0;
}
