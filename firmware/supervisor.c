/* The supervisor: signals, the watchdog, systemd notifications, the ready
 * line and the ordered stop.
 *
 * Signals arrive through a signalfd watched by the loop, so the handlers
 * run as ordinary loop callbacks (nothing async-signal-unsafe can happen in
 * a signal context). main() blocks SIGTERM/SIGINT/SIGHUP before any thread
 * exists, so every thread (libmicrohttpd's, the outbox committer) inherits
 * the mask and the signals queue on the fd.
 *
 * The watchdog is kicked from a timer on the loop: a loop wedged inside a
 * callback never runs the timer, so it stops kicking and the hardware
 * watchdog (or systemd's WatchdogSec) restarts the daemon. The timer also
 * checks the core (the store answers) and notes when it ran late (the loop
 * stalled). */
#include "daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <malloc.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "hal/log.h"

LOG_MODULE(log_sup, "smsrelayd");

/* Consecutive failed core checks before the kicks stop. */
#define SUP_UNHEALTHY_MAX 3
#define SUP_DRAIN_POLL_MS 50

static void on_signal(void *arg, int fd, unsigned events)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;

	(void)events;
	for (;;) {
		ssize_t n = read(fd, &si, sizeof(si));
		if (n != (ssize_t)sizeof(si))
			return; /* EAGAIN: drained */
		switch (si.ssi_signo) {
		case SIGTERM:
		case SIGINT:
			supervisor_begin_stop(d, si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
			break;
		case SIGHUP:
			if (d->stopping)
				break;
			hal_sd_notify("RELOADING=1");
			daemon_reload(d);
			hal_sd_notify("READY=1");
			break;
		default:
			break;
		}
	}
}

int supervisor_core_health(struct daemon *d, char *why, size_t why_len)
{
	int rc = wire_store_health(d);

	if (rc)
		snprintf(why, why_len, "store does not answer: %s", strerror(-rc));
	return rc;
}

static int64_t on_kick(void *arg)
{
	struct daemon *d = arg;
	int64_t now = hal_loop_now_ms(&d->loop);
	char why[160];

	/* The timer runs only when the loop turns; a late run shows a stall
	 * that was still short enough to survive. */
	if (d->last_kick_ms && now - d->last_kick_ms > 2 * d->kick_every_ms)
		LOG_WRN(&log_sup, NULL, "the loop stalled: %lld ms since the last check",
			(long long)(now - d->last_kick_ms));
	d->last_kick_ms = now;
	if (supervisor_core_health(d, why, sizeof(why)) != 0) {
		d->unhealthy_checks++;
		LOG_ERR(&log_sup, NULL, "unhealthy (%u/%d): %s", d->unhealthy_checks,
			SUP_UNHEALTHY_MAX, why);
		if (d->unhealthy_checks >= SUP_UNHEALTHY_MAX) {
			LOG_ERR(&log_sup, NULL, "watchdog no longer kicked: a restart is due");
			return d->kick_every_ms;
		}
	} else {
		d->unhealthy_checks = 0;
	}
	int rc = hal_watchdog_kick(&d->wdog);
	if (rc)
		LOG_WRN(&log_sup, NULL, "watchdog kick: %s", strerror(-rc));
	return d->kick_every_ms;
}

/* systemd's WatchdogSec reaches us as WATCHDOG_USEC (and WATCHDOG_PID). */
static int64_t systemd_watchdog_ms(void)
{
	const char *usec = getenv("WATCHDOG_USEC");
	const char *pid = getenv("WATCHDOG_PID");

	if (!usec || !*usec)
		return 0;
	if (pid && *pid && strtol(pid, NULL, 10) != (long)getpid())
		return 0;
	long long v = strtoll(usec, NULL, 10);
	return v > 0 ? v / 1000 : 0;
}

static int watchdog_start(struct daemon *d)
{
	const struct hal_board_watchdog *bw = &d->set.board.watchdog;
	bool hw = bw->enabled && d->set.cfg.daemon.watchdog;
	int64_t sd_ms = systemd_watchdog_ms();
	int rc;

	rc = hal_watchdog_linux_new(&d->wdog, hw ? bw->device : NULL);
	if (rc)
		return rc;
	d->have_wdog = true;
	rc = hal_watchdog_open(&d->wdog, hw ? bw->timeout_s : 0);
	if (rc) {
		LOG_ERR(&log_sup, NULL,
			"watchdog %s: %s (check the board's [watchdog] device, that the "
			"daemon's user may open it, and that no other process holds it; "
			"or set [daemon] watchdog = false)",
			bw->device, strerror(-rc));
		return rc;
	}
	d->kick_every_ms = 0;
	if (hw)
		d->kick_every_ms = (int64_t)bw->timeout_s * 1000 / 3;
	if (sd_ms > 0 && (d->kick_every_ms == 0 || sd_ms / 2 < d->kick_every_ms))
		d->kick_every_ms = sd_ms / 2;
	if (d->kick_every_ms <= 0) {
		LOG_INF(&log_sup, NULL, "no watchdog (board has none, no WatchdogSec)");
		return 0;
	}
	if (d->kick_every_ms < 100)
		d->kick_every_ms = 100;
	LOG_INF(&log_sup, NULL, "watchdog: %s%s%s, kicked every %lld ms while healthy",
		hw ? bw->device : "", hw && sd_ms ? " + " : "", sd_ms ? "systemd" : "",
		(long long)d->kick_every_ms);
	return hal_loop_add_timer(&d->loop, d->kick_every_ms, on_kick, d, &d->kick_timer);
}

int supervisor_start(struct daemon *d)
{
	sigset_t set;
	int rc;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	d->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (d->sig_fd < 0) {
		rc = -errno;
		LOG_ERR(&log_sup, NULL, "signalfd: %s", strerror(errno));
		return rc;
	}
	rc = hal_loop_watch_fd(&d->loop, d->sig_fd, HAL_IO_READ, on_signal, d);
	if (rc)
		return rc;
	return watchdog_start(d);
}

void supervisor_ready(struct daemon *d)
{
	const char *bind = d->set.cfg.api.bind;
	char host[CONFIG_ADDR_LEN + 2];

	d->ready = true;
	wire_api_set_ready(d, true, "");
	/* Start-up's peak (the store's check and migration, parsing the config
	 * and the board) is freed by now; give the pages back so that an idle
	 * appliance holds only what it uses. */
	malloc_trim(0);
	/* A wildcard bind is reached on loopback. */
	if (!strcmp(bind, "0.0.0.0"))
		bind = "127.0.0.1";
	else if (!strcmp(bind, "::"))
		bind = "::1";
	if (strchr(bind, ':'))
		snprintf(host, sizeof(host), "[%s]", bind);
	else
		snprintf(host, sizeof(host), "%s", bind);

	char status[160];
	snprintf(status, sizeof(status), "READY=1\nSTATUS=ready: %zu channel(s), API on %s:%u",
		 d->n_chans, host, d->api_port);
	hal_sd_notify(status);
	LOG_INF(&log_sup, NULL, "ready: board %s, %zu channel(s), API %s", d->set.board.name,
		d->n_chans, d->api ? "on" : "not built");
	if (d->opts.print_ready) {
		if (d->api)
			printf("ready api=%s://%s:%u\n",
			       d->set.cfg.api.tls_cert[0] ? "https" : "http", host, d->api_port);
		else
			printf("ready api=none\n");
		fflush(stdout);
	}
}

static int64_t on_drain(void *arg)
{
	struct daemon *d = arg;
	uint64_t n = wire_store_in_flight(d);

	if (n == 0 || hal_loop_now_ms(&d->loop) >= d->drain_until_ms) {
		if (n)
			LOG_WRN(&log_sup, NULL,
				"%llu send(s) still in flight after %d ms: parked (the store's "
				"crash rule settles them at the next start)",
				(unsigned long long)n, DAEMON_DRAIN_MS);
		d->drain_timer = 0;
		hal_loop_stop(&d->loop);
		return HAL_TIMER_STOP;
	}
	return SUP_DRAIN_POLL_MS;
}

/* Stop accepting (API first), then let the loop run until the sends in
 * flight have their outcome, at most DAEMON_DRAIN_MS. */
void supervisor_begin_stop(struct daemon *d, const char *why)
{
	if (d->stopping)
		return;
	d->stopping = true;
	LOG_INF(&log_sup, NULL, "%s: stopping", why);
	hal_sd_notify("STOPPING=1");
	wire_api_set_ready(d, false, "stopping");
	wire_api_stop(d);
	d->drain_until_ms = hal_loop_now_ms(&d->loop) + DAEMON_DRAIN_MS;
	if (hal_loop_add_timer(&d->loop, 0, on_drain, d, &d->drain_timer) != 0)
		hal_loop_stop(&d->loop);
}

void supervisor_stop(struct daemon *d)
{
	if (d->kick_timer) {
		hal_loop_cancel_timer(&d->loop, d->kick_timer);
		d->kick_timer = 0;
	}
	if (d->drain_timer) {
		hal_loop_cancel_timer(&d->loop, d->drain_timer);
		d->drain_timer = 0;
	}
	if (d->have_wdog) {
		/* A clean stop disarms on purpose (magic close). */
		hal_watchdog_close(&d->wdog);
		hal_watchdog_destroy(&d->wdog);
		d->have_wdog = false;
	}
	if (d->sig_fd >= 0) {
		hal_loop_unwatch_fd(&d->loop, d->sig_fd);
		close(d->sig_fd);
		d->sig_fd = -1;
	}
}
