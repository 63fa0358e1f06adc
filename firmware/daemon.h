/* smsrelayd: the composition root. This is the only place where objects are
 * created and wired together (ARCHITECTURE.md):
 *
 *   main.c          flags, --check-config, --bootstrap-admin, the run
 *   setup.c         config + board loading (shared by check, run, reload),
 *                   the config -> routing model mapping, the data dir
 *   supervisor.c    signals (signalfd on the loop), the watchdog kick timer,
 *                   sd_notify, the ready line, the ordered shutdown
 *   reload.c        SIGHUP: reload the config, apply what changes live
 *   wire_store.c    store + routing + outbox
 *   wire_channels.c GPIO, the modems and the cloud channels
 *   wire_api.c      the HTTP API server and the platform ops crm calls
 *                   (readiness, live channels, cancel on the loop thread)
 *   wire_crm.c      app/crm: the api_backend over the store, the outbox
 *                   observer that queues webhooks, the webhook worker,
 *                   the administrator bootstrap
 *
 * Threading: everything here runs on the loop thread except the API
 * backend ops (libmicrohttpd's threads), which reach the loop only through
 * a waker (wire_api.c) and the thread-safe outbox/store calls. */
#ifndef FIRMWARE_DAEMON_H
#define FIRMWARE_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "hal/board.h"
#include "hal/gpio.h"
#include "hal/loop.h"
#include "hal/rng.h"
#include "hal/watchdog.h"
#include "routing/backoff.h"
#include "routing/routing.h"

struct webhooks_config;

#ifndef SMSRELAY_SYSCONFDIR
#define SMSRELAY_SYSCONFDIR "/etc/smsrelay"
#endif
#define DAEMON_CONFIG_DEFAULT SMSRELAY_SYSCONFDIR "/smsrelayd.conf"

/* Grace period for in-flight sends at SIGTERM before they are parked. */
#define DAEMON_DRAIN_MS	    5000
#define DAEMON_MAX_CHANNELS 8
#define DAEMON_ERR_LEN	    640
#define DAEMON_STICKY_SLOTS 1024

struct daemon_opts {
	const char *config_path;    /* --config; DAEMON_CONFIG_DEFAULT */
	const char *board_override; /* --board PATH|NAME; NULL: the config's */
	const char *log_spec;	    /* --log; overrides [daemon] log */
	bool check_config;
	bool print_ready;
	bool bootstrap_admin;	/* --bootstrap-admin */
	const char *twilio_sid; /* --twilio-account-sid for --bootstrap-admin */
};

/* What the config and board files say, validated together. */
struct daemon_setup {
	struct smsrelay_config cfg;
	struct hal_board board;
	char board_path[CONFIG_PATH_LEN + 64];
	char data_dir[CONFIG_PATH_LEN];
	char store_path[CONFIG_PATH_LEN + 32];
	struct routing_config routing;
};

struct store;
struct outbox;
struct api_server;
struct channel;
struct modem;
struct wire_api;
struct crm;
struct webhooks;

struct daemon {
	struct daemon_opts opts;
	struct daemon_setup set;

	struct hal_loop loop;
	struct hal_rng rng;
	struct hal_gpio gpio;
	bool have_gpio;
	struct hal_watchdog wdog;
	bool have_wdog;

	/* supervisor */
	int sig_fd;
	hal_timer_id kick_timer;
	int64_t kick_every_ms;
	int64_t last_kick_ms;
	unsigned unhealthy_checks;
	hal_timer_id drain_timer;
	int64_t drain_until_ms;
	bool stopping;
	bool ready;
	int exit_code;

	/* wire_store */
	int lock_fd; /* flock on DATA_DIR/smsrelayd.lock, -1 none */
	struct store *store;
	struct routing routing;
	struct routing_sticky_entry *sticky;
	struct outbox *outbox;
	struct crm *crm;	   /* NULL in builds without app/crm */
	struct webhooks *webhooks; /* the webhook worker (wire_crm.c) */

	/* wire_channels */
	struct channel *chans[DAEMON_MAX_CHANNELS];
	struct hal_serial *serials[DAEMON_MAX_CHANNELS];
	void *port_refs[DAEMON_MAX_CHANNELS];
	size_t n_chans;

	/* wire_api */
	struct wire_api *api;
	uint16_t api_port;
};

/* setup.c. Each returns 0 or -errno with one line in err saying what to
 * fix ("FILE:LINE: message" for file content). */
int daemon_setup_load(struct daemon_setup *s, const struct daemon_opts *o, char *err,
		      size_t err_len);
int daemon_setup_routing(const struct smsrelay_config *c, const struct hal_board *b,
			 struct routing_config *out, char *err, size_t err_len);
/* mkdir -p the data directory (0750). */
int daemon_data_dir_ensure(const char *dir, char *err, size_t err_len);

/* supervisor.c */
int supervisor_start(struct daemon *d);	 /* signals + watchdog + kick timer */
void supervisor_ready(struct daemon *d); /* READY=1, the ready line */
/* Stop accepting, then a bounded drain of in-flight sends on the loop. */
void supervisor_begin_stop(struct daemon *d, const char *why);
void supervisor_stop(struct daemon *d); /* disarm the watchdog, close signalfd */
/* The core's health as the watchdog sees it: 0 healthy, else -errno. */
int supervisor_core_health(struct daemon *d, char *why, size_t why_len);

/* reload.c: SIGHUP. Returns 0 (applied or nothing to do) or -errno. */
int daemon_reload(struct daemon *d);

/* wire_store.c */
int wire_store_start(struct daemon *d, char *err, size_t err_len);
/* [outbox]'s retry keys as the outbox takes them (start-up and SIGHUP). */
void wire_outbox_backoff(const struct config_outbox *co, struct routing_backoff_cfg *bo);
void wire_store_stop(struct daemon *d);
int wire_store_health(struct daemon *d);
uint64_t wire_store_in_flight(struct daemon *d);

/* wire_channels.c: after wire_store_start (channels report to the outbox). */
int wire_channels_start(struct daemon *d, char *err, size_t err_len);
/* Stop the channels: what they still hold fails retryable, so the outbox
 * puts it back in the queue. */
void wire_channels_stop(struct daemon *d);

/* wire_api.c: init before the store (crm takes its platform ops), start
 * after the channels. */
int wire_api_init(struct daemon *d, char *err, size_t err_len);
int wire_api_start(struct daemon *d, char *err, size_t err_len);
/* Stop accepting; requests in flight finish. */
void wire_api_stop(struct daemon *d);
void wire_api_free(struct daemon *d); /* after the loop stopped */
void wire_api_set_ready(struct daemon *d, bool ready, const char *detail);
/* SIGHUP: [api] token_rate_per_min and max_body_bytes. 0 or -errno. */
int wire_api_set_limits(struct daemon *d, unsigned rate_per_min, size_t max_body);

/* wire_crm.c */
struct outbox_observer;
int wire_crm_new(struct daemon *d, struct outbox_observer *obs, char *err, size_t err_len);
void wire_crm_set_outbox(struct daemon *d);
void wire_crm_stop_worker(struct daemon *d); /* the webhook worker */
/* [webhooks] as the worker takes it (start-up and SIGHUP). */
void wire_webhooks_timing(const struct config_webhooks *cw, struct webhooks_config *wc);
void wire_crm_free(struct daemon *d);	     /* after outbox_destroy */
/* --bootstrap-admin: a new administrator token and the facade AccountSid,
 * printed as shell assignments. */
int wire_bootstrap_admin(const struct daemon_setup *s, struct hal_rng *rng, char *err,
			 size_t err_len);

#define CRED_SID_LEN 35 /* the Twilio facade AccountSid: "AC" + 32 hex + NUL */

#endif
