/* smsctl subcommands: each takes the arguments after its own name
 * (argv[0] is the subcommand name) and returns the process exit code:
 * 0 success, 1 bad input or failure (one line on stderr), 2 usage. */
#ifndef SMSCTL_H
#define SMSCTL_H

#include <stdio.h>

#define SMSCTL_EXIT_OK 0
#define SMSCTL_EXIT_FAIL 1
#define SMSCTL_EXIT_USAGE 2

struct smsctl_cmd {
	const char *name;
	const char *usage; /* one line, without "smsctl " */
	int (*run)(int argc, char **argv);
};

int smsctl_pdu_main(int argc, char **argv);

/* One error line on stderr: "smsctl: <msg>". */
void smsctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
