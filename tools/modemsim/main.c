/* modemsim: simulated 27.007/27.005 modems on pseudo-terminals, with a
 * control socket (docs/modemsim.md).
 *
 * stdout, one line each, for scripts:
 *   modem <index> <pty path> <number> <link path or ->
 *   control <socket path or ->
 *   ready
 * and again "modem ..." whenever a modem's pty is recreated (vanish fault). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hal/log.h"
#include "hal/loop.h"
#include "hal/serial.h"
#include "simmodem/pty.h"
#include "simmodem/simctl.h"
#include "simmodem/simmodem.h"
#include "simmodem/simnet.h"

#include "modemsim.h"

struct ms_opts {
	unsigned modems;
	const char *number;
	const char *link;
	const char *control;
	long latency, register_ms, boot_ms, report_delay, report_status, reply_delay;
	long sm_cap, me_cap, cnma_timeout;
	const char *pin, *smsc, *auto_reply, *log;
};

static void ms_usage(FILE *f)
{
	fprintf(f,
		"usage: modemsim [options]\n"
		"       modemsim ctl SOCKET COMMAND...   (a control client)\n"
		"  --modems N            modems to serve (1)\n"
		"  --number NUM          number of modem 0 (+491500000000); the next ones +1\n"
		"  --link PATH           symlink to each pty; %%d is the modem index, else\n"
		"                        the index is appended when there are several\n"
		"  --control PATH        Unix socket for the control protocol\n"
		"  --latency MS          delay before each response (0)\n"
		"  --register-ms MS      SIM ready -> registered (0)\n"
		"  --boot-ms MS          power-on -> boot URCs (0)\n"
		"  --pin PIN             the SIM asks for this PIN (none)\n"
		"  --smsc NUM            SMSC address (+4917000000000)\n"
		"  --report-delay MS     submit -> status report (0; -1: none)\n"
		"  --report-status ST    TP-Status of reports (0: delivered)\n"
		"  --auto-reply PREFIX   a simulated customer answers every message\n"
		"  --reply-delay MS      delay of those answers (0)\n"
		"  --sm-capacity N       SIM storage slots (30)\n"
		"  --me-capacity N       phone storage slots (100)\n"
		"  --cnma-timeout MS     +CMT acknowledgement timeout (10000)\n"
		"  --log SPEC            log levels, e.g. debug or simmodem=debug\n");
}

static int ms_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -EINVAL;
	*out = v;
	return 0;
}

static int ms_parse_args(int argc, char **argv, struct ms_opts *o)
{
	static const struct option longopts[] = {
		{ "modems", 1, 0, 'n' },	 { "number", 1, 0, 'N' },
		{ "link", 1, 0, 'l' },		 { "control", 1, 0, 'c' },
		{ "latency", 1, 0, 'L' },	 { "register-ms", 1, 0, 'r' },
		{ "boot-ms", 1, 0, 'b' },	 { "pin", 1, 0, 'p' },
		{ "smsc", 1, 0, 's' },		 { "report-delay", 1, 0, 'd' },
		{ "report-status", 1, 0, 'S' }, { "auto-reply", 1, 0, 'a' },
		{ "reply-delay", 1, 0, 'R' },	 { "sm-capacity", 1, 0, 'm' },
		{ "me-capacity", 1, 0, 'M' },	 { "cnma-timeout", 1, 0, 'C' },
		{ "log", 1, 0, 'v' },		 { "help", 0, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	long v;
	int c;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case 'n':
			rc = ms_parse_long(optarg, 1, MS_MAX_MODEMS, &v);
			o->modems = (unsigned)v;
			break;
		case 'N': o->number = optarg; break;
		case 'l': o->link = optarg; break;
		case 'c': o->control = optarg; break;
		case 'L': rc = ms_parse_long(optarg, 0, 3600000, &o->latency); break;
		case 'r': rc = ms_parse_long(optarg, 0, 3600000, &o->register_ms); break;
		case 'b': rc = ms_parse_long(optarg, 0, 3600000, &o->boot_ms); break;
		case 'p': o->pin = optarg; break;
		case 's': o->smsc = optarg; break;
		case 'd': rc = ms_parse_long(optarg, -1, 86400000, &o->report_delay); break;
		case 'S': rc = ms_parse_long(optarg, 0, 255, &o->report_status); break;
		case 'a': o->auto_reply = optarg; break;
		case 'R': rc = ms_parse_long(optarg, 0, 86400000, &o->reply_delay); break;
		case 'm': rc = ms_parse_long(optarg, 1, 1000, &o->sm_cap); break;
		case 'M': rc = ms_parse_long(optarg, 1, 1000, &o->me_cap); break;
		case 'C': rc = ms_parse_long(optarg, 1, 3600000, &o->cnma_timeout); break;
		case 'v': o->log = optarg; break;
		case 'h': ms_usage(stdout); exit(0);
		default: return -EINVAL;
		}
		if (rc < 0) {
			fprintf(stderr, "modemsim: bad value: %s\n", optarg);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "modemsim: unexpected argument %s\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* modem i's number: the base number plus i (in its last digits). */
static int ms_number(const char *base, size_t i, char *out, size_t len)
{
	size_t n = strlen(base);
	if (n < 2 || n + 1 > len)
		return -EINVAL;
	memcpy(out, base, n + 1);
	size_t carry = i;
	for (size_t k = n; k-- > 0 && carry;) {
		if (out[k] < '0' || out[k] > '9')
			return -EINVAL;
		size_t d = (size_t)(out[k] - '0') + carry;
		out[k] = (char)('0' + d % 10);
		carry = d / 10;
	}
	return carry ? -ERANGE : 0;
}

static int ms_link_path(const struct ms_opts *o, size_t i, char *out, size_t len)
{
	int n;
	if (!o->link) {
		out[0] = '\0';
		return 0;
	}
	const char *pct = strstr(o->link, "%d");
	if (pct && !strchr(pct + 2, '%'))
		n = snprintf(out, len, "%.*s%zu%s", (int)(pct - o->link), o->link, i, pct + 2);
	else if (o->modems > 1)
		n = snprintf(out, len, "%s%zu", o->link, i);
	else
		n = snprintf(out, len, "%s", o->link);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void ms_announce(const struct ms_modem *mm)
{
	printf("modem %zu %s %s %s\n", mm->index, simmodem_pty_path(&mm->port),
	       simmodem_number(mm->m), mm->link[0] ? mm->link : "-");
	fflush(stdout);
}

/* The port-vanish fault: the device disappears, then comes back as a new
 * pty behind the same link, like a USB modem re-enumerating. */
static void ms_port_event(void *arg, struct simmodem *m, bool gone)
{
	struct ms_modem *mm = arg;
	if (gone) {
		hal_serial_close(&mm->port);
		if (mm->link[0])
			unlink(mm->link);
		return;
	}
	int rc = simmodem_pty_renew(&mm->port);
	if (rc == 0 && mm->link[0])
		rc = simmodem_pty_link(&mm->port, mm->link);
	if (rc == 0)
		rc = simmodem_attach_port(m, &mm->port);
	if (rc < 0) {
		fprintf(stderr, "modemsim: cannot recreate the pty of modem %zu: %s\n", mm->index,
			strerror(-rc));
		return;
	}
	ms_announce(mm);
}

static int ms_setup(struct modemsim *app, const struct ms_opts *o)
{
	struct simnet_config nc = SIMNET_CONFIG_DEFAULT;
	nc.smsc = o->smsc;
	nc.report_delay_ms = o->report_delay;
	nc.report_status = (int)o->report_status;
	nc.auto_reply = o->auto_reply;
	nc.reply_delay_ms = o->reply_delay;
	int rc = simnet_new(&app->net, &app->loop, &nc);
	if (rc < 0) {
		fprintf(stderr, "modemsim: bad network settings (--smsc?)\n");
		return rc;
	}
	for (size_t i = 0; i < o->modems; i++) {
		struct ms_modem *mm = &app->modems[i];
		char number[48], name[16];
		mm->app = app;
		mm->index = i;
		if (ms_number(o->number, i, number, sizeof(number)) < 0 ||
		    ms_link_path(o, i, mm->link, sizeof(mm->link)) < 0) {
			fprintf(stderr, "modemsim: bad --number or --link\n");
			return -EINVAL;
		}
		rc = simmodem_pty_new(&mm->port);
		if (rc < 0) {
			fprintf(stderr, "modemsim: cannot create a pty: %s\n", strerror(-rc));
			return rc;
		}
		app->n_modems++;
		if (mm->link[0] && (rc = simmodem_pty_link(&mm->port, mm->link)) < 0) {
			fprintf(stderr, "modemsim: cannot link %s: %s\n", mm->link, strerror(-rc));
			mm->link[0] = '\0';
			return rc;
		}
		snprintf(name, sizeof(name), "modem%zu", i);
		struct simmodem_config mc = {
			.name = name, .number = number, .pin = o->pin,
			.latency_ms = o->latency, .register_ms = o->register_ms,
			.boot_ms = o->boot_ms, .sm_capacity = (unsigned)o->sm_cap,
			.me_capacity = (unsigned)o->me_cap, .cnma_timeout_ms = o->cnma_timeout,
			.port_event = ms_port_event, .port_arg = mm,
		};
		rc = simmodem_new(&mm->m, app->net, &app->loop, &mm->port, &mc);
		if (rc < 0) {
			fprintf(stderr, "modemsim: cannot start modem %zu: %s\n", i, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static void ms_teardown(struct modemsim *app)
{
	ms_control_close(app);
	for (size_t i = 0; i < app->n_modems; i++) {
		struct ms_modem *mm = &app->modems[i];
		simmodem_destroy(mm->m);
		hal_serial_destroy(&mm->port);
		if (mm->link[0])
			unlink(mm->link);
	}
	simnet_destroy(app->net);
	if (app->sig_fd >= 0) {
		hal_loop_unwatch_fd(&app->loop, app->sig_fd);
		close(app->sig_fd);
	}
}

static void ms_on_signal(void *arg, int fd, unsigned events)
{
	struct modemsim *app = arg;
	struct signalfd_siginfo si;
	(void)events;
	if (read(fd, &si, sizeof(si)) > 0)
		hal_loop_stop(&app->loop);
}

static int ms_signals(struct modemsim *app)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	app->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (app->sig_fd < 0)
		return -errno;
	return hal_loop_watch_fd(&app->loop, app->sig_fd, HAL_IO_READ, ms_on_signal, app);
}

/* "modemsim ctl SOCKET COMMAND...": send each command, print the replies;
 * exit 1 when one ends in ERR, 2 on usage or connection errors. */
static int ms_ctl_client(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: modemsim ctl SOCKET COMMAND...\n");
		return 2;
	}
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(argv[2]) >= sizeof(sa.sun_path))
		return 2;
	strcpy(sa.sun_path, argv[2]);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "modemsim ctl: %s: %s\n", argv[2], strerror(errno));
		if (fd >= 0)
			close(fd);
		return 2;
	}
	FILE *f = fdopen(fd, "r+");
	if (!f) {
		close(fd);
		return 2;
	}
	int status = 0;
	char *line = NULL;
	size_t cap = 0;
	for (int i = 3; i < argc && status != 2; i++) {
		fprintf(f, "%s\n", argv[i]);
		fflush(f);
		for (;;) {
			if (getline(&line, &cap, f) < 0) {
				fprintf(stderr, "modemsim ctl: connection closed\n");
				status = 2;
				break;
			}
			fputs(line, stdout);
			if (!strcmp(line, "OK\n"))
				break;
			if (!strncmp(line, "ERR", 3)) {
				status = 1;
				break;
			}
		}
	}
	free(line);
	fclose(f);
	return status;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "ctl"))
		return ms_ctl_client(argc, argv);
	struct ms_opts o = { .modems = 1, .number = "+491500000000", .cnma_timeout = 10000 };
	if (ms_parse_args(argc, argv, &o) < 0) {
		ms_usage(stderr);
		return 2;
	}
	if (o.log && log_set_levels(o.log) < 0) {
		fprintf(stderr, "modemsim: bad --log %s\n", o.log);
		return 2;
	}
	static struct modemsim app;
	app.listen_fd = -1;
	app.sig_fd = -1;
	for (size_t i = 0; i < MS_MAX_CLIENTS; i++)
		app.clients[i].fd = -1;
	int rc = hal_loop_linux_new(&app.loop);
	if (rc < 0) {
		fprintf(stderr, "modemsim: cannot create the event loop: %s\n", strerror(-rc));
		return 1;
	}
	rc = ms_signals(&app);
	if (rc == 0)
		rc = ms_setup(&app, &o);
	if (rc == 0 && o.control)
		rc = ms_control_open(&app, o.control);
	if (rc == 0) {
		for (size_t i = 0; i < app.n_modems; i++)
			ms_announce(&app.modems[i]);
		printf("control %s\nready\n", o.control ? o.control : "-");
		fflush(stdout);
		rc = hal_loop_run(&app.loop);
	}
	ms_teardown(&app);
	hal_loop_destroy(&app.loop);
	return rc < 0 ? 1 : 0;
}
