/* smsctl: host-side admin CLI. A table of subcommands; each lives in its
 * own file (pdu.c, ...). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "smsctl.h"

static const struct smsctl_cmd smsctl_cmds[] = {
	{ "pdu",
	  "pdu decode HEX | pdu encode --to NUMBER [--smsc NUMBER] "
	  "[--encoding auto|gsm7|ucs2] [--report] TEXT",
	  smsctl_pdu_main },
};

void smsctl_err(const char *fmt, ...)
{
	va_list ap;

	fputs("smsctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void smsctl_usage(FILE *f)
{
	fputs("usage:\n", f);
	for (size_t i = 0; i < sizeof(smsctl_cmds) / sizeof(smsctl_cmds[0]); i++)
		fprintf(f, "  smsctl %s\n", smsctl_cmds[i].usage);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		smsctl_err("missing command (try smsctl help)");
		return SMSCTL_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		smsctl_usage(stdout);
		return SMSCTL_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(smsctl_cmds) / sizeof(smsctl_cmds[0]); i++)
		if (!strcmp(argv[1], smsctl_cmds[i].name))
			return smsctl_cmds[i].run(argc - 1, argv + 1);
	smsctl_err("unknown command '%s' (try smsctl help)", argv[1]);
	return SMSCTL_EXIT_USAGE;
}
