/* simctl: the modemsim control protocol, one text line in, a text reply
 * out. Pure text over a simnet: the modemsim tool feeds it lines from its
 * Unix socket; tests may call it directly. The protocol is documented in
 * docs/modemsim.md.
 *
 * A reply is zero or more data lines followed by exactly one final line,
 * "OK" or "ERR <reason>", each ending in "\n". */
#ifndef SIMMODEM_SIMCTL_H
#define SIMMODEM_SIMCTL_H

#include <stddef.h>

struct simnet;

/* Run one command line (without its newline). *reply gets a malloc'd,
 * NUL-terminated reply (free it) and *len its length.
 * Returns 0 (the reply may still be "ERR ..."), -EAGAIN for a "wait"
 * whose condition does not hold yet (no reply: run the same line again
 * later, and answer "ERR timeout" yourself when its time is up; the
 * timeout in ms is written to *wait_ms), or -ENOMEM. */
int simctl_exec(struct simnet *net, const char *line, char **reply, size_t *len,
		long *wait_ms);

#endif
