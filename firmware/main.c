/* smsrelayd: the SMS relay daemon. See daemon.h for the layout and
 * docs/operations.md for running it.
 *
 *   smsrelayd [--config PATH] [--board PATH|NAME] [--log SPEC]
 *             [--foreground] [--print-ready-line]
 *   smsrelayd --check-config [--config PATH] [--board PATH|NAME]
 *   smsrelayd --bootstrap-admin [--config PATH] [--board PATH|NAME]
 *
 * Exit status: 0 after a clean stop (SIGTERM/SIGINT) or a good check; 1
 * when the config or board is wrong or start-up failed (the one error line
 * on stderr says what to fix); 2 on bad usage. */
#include "daemon.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/log.h"

LOG_MODULE(log_main, "smsrelayd");

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smsrelayd [--config PATH] [--board PATH|NAME] [--log SPEC]\n"
		"                 [--foreground] [--print-ready-line]\n"
		"       smsrelayd --check-config [--config PATH] [--board PATH|NAME]\n"
		"       smsrelayd --bootstrap-admin [--config PATH] [--board PATH|NAME]\n"
		"\n"
		"  --config PATH       configuration file (default %s)\n"
		"  --board PATH|NAME   board file, or a name under [daemon] boards_dir\n"
		"                      (overrides [daemon] board)\n"
		"  --check-config      validate the config and the board, then exit 0 or 1\n"
		"  --bootstrap-admin   make a new administrator API token (printed once,\n"
		"                      only its hash is kept) and the Twilio facade\n"
		"                      AccountSid, then exit; run it as the daemon's user\n"
		"  --foreground        stay in the foreground (the default; for systemd)\n"
		"  --log SPEC          log levels, e.g. debug or modem=debug,at=info\n"
		"                      (overrides [daemon] log)\n"
		"  --print-ready-line  print \"ready api=http[s]://HOST:PORT\" on stdout once\n"
		"                      ready (tests and scripts wait for it)\n",
		DAEMON_CONFIG_DEFAULT);
}

/* Returns 0, or 2 for bad usage (after printing why). */
static int parse_args(int argc, char **argv, struct daemon_opts *o)
{
	enum { O_CHECK = 256, O_READY, O_BOOT, O_FG };
	static const struct option longopts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"board", required_argument, NULL, 'b'},
	    {"log", required_argument, NULL, 'l'},
	    {"check-config", no_argument, NULL, O_CHECK},
	    {"print-ready-line", no_argument, NULL, O_READY},
	    {"bootstrap-admin", no_argument, NULL, O_BOOT},
	    {"foreground", no_argument, NULL, O_FG},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->config_path = DAEMON_CONFIG_DEFAULT;
	while ((c = getopt_long(argc, argv, "c:b:l:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->config_path = optarg;
			break;
		case 'b':
			o->board_override = optarg;
			break;
		case 'l':
			o->log_spec = optarg;
			break;
		case O_CHECK:
			o->check_config = true;
			break;
		case O_READY:
			o->print_ready = true;
			break;
		case O_BOOT:
			o->bootstrap_admin = true;
			break;
		case O_FG:
			break; /* always in the foreground: systemd supervises */
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "smsrelayd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if (o->log_spec && log_set_levels(o->log_spec) != 0) {
		fprintf(stderr,
			"smsrelayd: --log %s: not a level spec (e.g. debug, "
			"modem=debug,at=info)\n",
			o->log_spec);
		return 2;
	}
	return 0;
}

static int check_config(const struct daemon_opts *o)
{
	struct daemon_setup *s = calloc(1, sizeof(*s));
	char err[DAEMON_ERR_LEN];
	int rc;

	if (!s)
		return 1;
	rc = daemon_setup_load(s, o, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "smsrelayd: %s\n", err);
		free(s);
		return 1;
	}
	printf("%s: OK (board %s: %s, %zu modem(s)%s%s; store %s; API %s:%u)\n", o->config_path,
	       s->board.name, s->board_path, s->board.n_modems,
	       s->cfg.twilio.present ? ", twilio" : "", s->cfg.telesign.present ? ", telesign" : "",
	       s->store_path, s->cfg.api.bind, s->cfg.api.port);
	free(s);
	return 0;
}

static int bootstrap_admin(const struct daemon_opts *o)
{
	struct daemon_setup *s = calloc(1, sizeof(*s));
	char err[DAEMON_ERR_LEN];
	struct hal_rng rng;
	int rc;

	if (!s)
		return 1;
	rc = daemon_setup_load(s, o, err, sizeof(err));
	if (rc == 0)
		rc = daemon_data_dir_ensure(s->data_dir, err, sizeof(err));
	if (rc == 0) {
		rc = hal_rng_linux_new(&rng);
		if (rc)
			snprintf(err, sizeof(err), "random: %s", strerror(-rc));
	}
	if (rc == 0) {
		rc = wire_bootstrap_admin(s, &rng, err, sizeof(err));
		hal_rng_destroy(&rng);
	}
	if (rc) {
		fprintf(stderr, "smsrelayd: %s\n", err);
		free(s);
		return 1;
	}
	fprintf(stderr, "smsrelayd: new administrator token made (only its hash is kept)\n");
	free(s);
	return 0;
}

static int hal_start(struct daemon *d, char *err, size_t err_len)
{
	int rc = hal_loop_linux_new(&d->loop);

	if (rc) {
		snprintf(err, err_len, "event loop: %s", strerror(-rc));
		return rc;
	}
	rc = hal_rng_linux_new(&d->rng);
	if (rc) {
		snprintf(err, err_len, "random: %s", strerror(-rc));
		hal_loop_destroy(&d->loop);
		return rc;
	}
	return 0;
}

/* Start-up in order (store, channels, API), then ready. */
static int daemon_start(struct daemon *d, char *err, size_t err_len)
{
	int rc = supervisor_start(d);

	if (rc) {
		snprintf(err, err_len, "supervisor: %s", strerror(-rc));
		return rc;
	}
	rc = wire_api_init(d, err, err_len);
	if (rc == 0)
		rc = wire_store_start(d, err, err_len);
	if (rc == 0)
		rc = wire_channels_start(d, err, err_len);
	if (rc == 0)
		rc = wire_api_start(d, err, err_len);
	return rc;
}

/* Reverse order: the API is already stopped by the stop signal; channels
 * park what they hold, then the outbox and the store close. */
static void daemon_teardown(struct daemon *d)
{
	wire_api_stop(d);
	wire_channels_stop(d);
	wire_store_stop(d);
	supervisor_stop(d);
	wire_api_free(d);
	hal_rng_destroy(&d->rng);
	hal_loop_destroy(&d->loop);
}

int main(int argc, char **argv)
{
	struct daemon *d = calloc(1, sizeof(*d));
	char err[DAEMON_ERR_LEN] = "";
	sigset_t set;
	int rc;

	if (!d)
		return 1;
	d->sig_fd = -1;
	d->lock_fd = -1;
	rc = parse_args(argc, argv, &d->opts);
	if (rc) {
		free(d);
		return rc;
	}
	if (d->opts.check_config || d->opts.bootstrap_admin) {
		rc = d->opts.check_config ? check_config(&d->opts) : bootstrap_admin(&d->opts);
		free(d);
		return rc;
	}

	/* Before any thread exists: every thread inherits the mask, so these
	 * signals are only ever read from the signalfd on the loop. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = daemon_setup_load(&d->set, &d->opts, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "smsrelayd: %s\n", err);
		free(d);
		return 1;
	}
	if (!d->opts.log_spec)
		log_set_levels(d->set.cfg.daemon.log);
	if (d->set.cfg.daemon.log_target == CONFIG_LOG_SYSLOG)
		log_set_target(LOG_TO_SYSLOG, "smsrelayd");
	LOG_INF(&log_main, NULL, "starting: config %s, board %s (%s)", d->opts.config_path,
		d->set.board.name, d->set.board_path);

	rc = hal_start(d, err, sizeof(err));
	if (rc) {
		LOG_ERR(&log_main, NULL, "start-up failed: %s", err);
		fprintf(stderr, "smsrelayd: %s\n", err);
		free(d);
		return 1;
	}
	rc = daemon_start(d, err, sizeof(err));
	if (rc) {
		LOG_ERR(&log_main, NULL, "start-up failed: %s", err);
		if (d->set.cfg.daemon.log_target == CONFIG_LOG_SYSLOG)
			fprintf(stderr, "smsrelayd: %s\n", err);
		d->exit_code = 1;
	} else {
		supervisor_ready(d);
		rc = hal_loop_run(&d->loop);
		if (rc) {
			LOG_ERR(&log_main, NULL, "event loop: %s", strerror(-rc));
			d->exit_code = 1;
		}
	}
	daemon_teardown(d);
	rc = d->exit_code;
	LOG_INF(&log_main, NULL, "stopped (exit %d)", rc);
	free(d);
	return rc;
}
