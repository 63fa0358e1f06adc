/* config: smsrelayd's configuration (INI) as a model, its parser and
 * validator, the cross-check against the board, and the SIGHUP diff.
 *
 * The model holds only fixed-size fields: it owns no memory, can be copied
 * with '=' and never points into parser memory. A value that does not fit
 * its field is an error, never truncated. docs/config.md documents every
 * key (type, range, default, whether SIGHUP reloads it).
 *
 * Every bad file gives ONE error "FILE:LINE: message" naming the key and
 * the allowed values or range, and leaves *out zeroed.
 *
 * Secrets (modem PIN, Twilio auth token / API key secret, Telesign API key)
 * may be written inline (KEY = value) or read from a file
 * (KEY_file = /etc/smsrelay/twilio.token): the file's first line, one
 * trailing newline dropped. A relative KEY_file is taken relative to the
 * config file's directory. The file must be a regular file; it is read
 * while parsing, so SIGHUP picks up a rotated secret.
 *
 * Thread-safety: parsing touches no global state (inih's process-wide
 * settings are read, never written), so it may run on any thread. */
#ifndef CONFIG_CONFIG_H
#define CONFIG_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "hal/board.h"

/* Buffer sizes, NUL included. Debian's inih reads lines of at most 198
 * characters (ini_max_line, process-wide), so longer fields could never be
 * filled. */
#define CONFIG_NAME_LEN	  32  /* modem / channel names (== HAL_BOARD_NAME_LEN) */
#define CONFIG_PATH_LEN	  128 /* == HAL_BOARD_PATH_LEN */
#define CONFIG_URL_LEN	  160
#define CONFIG_SECRET_LEN 128
#define CONFIG_LOG_LEN	  128 /* log level spec */
#define CONFIG_ADDR_LEN	  46  /* INET6_ADDRSTRLEN */
#define CONFIG_NUMBER_LEN 24  /* == CHANNEL_NUMBER_MAX: "+" and 15 digits, or alphanumeric */
#define CONFIG_PREFIX_LEN 17  /* == ROUTING_PREFIX_MAX: "+" and up to 15 digits */
#define CONFIG_SID_LEN	  35  /* Twilio "AC"/"MG"/"SK" + 32 hex */
#define CONFIG_PIN_LEN	  9   /* 4..8 digits */

#define CONFIG_MAX_MODEMS	 HAL_BOARD_MAX_MODEMS
#define CONFIG_MAX_NUMBERS	 8  /* == ROUTING_MAX_NUMBERS */
#define CONFIG_MAX_ROUTES	 64 /* == ROUTING_MAX_RULES */
#define CONFIG_MAX_ROUTE_CHANNELS 4 /* == ROUTING_MAX_RULE_CHANNELS */
#define CONFIG_MAX_ALLOW	 64 /* == ROUTING_MAX_ALLOW */
#define CONFIG_MAX_DENY		 32 /* == ROUTING_MAX_DENY */

/* Largest config file read, and an err buffer size that fits any message. */
#define CONFIG_FILE_MAX (256 * 1024)
#define CONFIG_ERR_LEN	512

/* Where `board = NAME` is looked up: BOARDS_DIR/NAME/board.conf. */
#define CONFIG_BOARDS_DIR_DEFAULT "/usr/share/smsrelay/boards"

enum config_log_target {
	CONFIG_LOG_STDERR,
	CONFIG_LOG_SYSLOG,
};
const char *config_log_target_str(enum config_log_target t);

/* Telesign message_type. */
enum config_telesign_type {
	CONFIG_TELESIGN_ARN, /* alerts, reminders, notifications */
	CONFIG_TELESIGN_OTP, /* one-time passwords */
	CONFIG_TELESIGN_MKT, /* marketing */
};
const char *config_telesign_type_str(enum config_telesign_type t);

/* Routing knobs every channel section has (modem, twilio, telesign); they
 * map onto struct routing_channel_cfg. */
struct config_channel {
	bool enabled;	       /* default true */
	unsigned priority;     /* 0..1000, default 100: lower is tried first */
	unsigned rate_per_min; /* 0 (unlimited)..60000, default 10 (modem) / 600 (cloud) */
	unsigned burst;	       /* 1..1000, default 1 (modem) / 10 (cloud) */
	unsigned daily_quota;  /* parts per day, 0 (unlimited)..10000000, default 0 */
	unsigned n_numbers;    /* sending numbers: E.164 or alphanumeric (1..11) */
	char numbers[CONFIG_MAX_NUMBERS][CONFIG_NUMBER_LEN];
};

/* [daemon] */
struct config_daemon {
	/* A path (contains '/') to a board.conf, or a board name looked up
	 * under boards_dir. Default "sim". */
	char board[CONFIG_PATH_LEN];
	char boards_dir[CONFIG_PATH_LEN]; /* absolute; default CONFIG_BOARDS_DIR_DEFAULT */
	char data_dir[CONFIG_PATH_LEN];	  /* absolute; "" = the board's data_dir */
	char log[CONFIG_LOG_LEN];	  /* log_set_levels() spec; default "info" */
	enum config_log_target log_target; /* default stderr */
	bool watchdog;			   /* default true */
};

/* [store] */
struct config_store {
	char path[CONFIG_PATH_LEN]; /* absolute; "" = DATA_DIR/smsrelay.db */
	unsigned busy_timeout_ms;   /* 100..60000, default 5000 */
	bool full_check;	    /* integrity_check (not quick_check) at start; default false */
};

/* [outbox] */
struct config_outbox {
	unsigned max_attempts;	 /* 1..100, default 8 */
	unsigned retry_floor_s;	 /* 0..3600, default 1 */
	unsigned retry_base_s;	 /* 1..86400, default 30 */
	unsigned retry_max_s;	 /* 1..604800, default 3600; floor <= base <= max */
	unsigned validity_s;	 /* default validity of a message: 60..604800, default 86400 */
	unsigned batch_max;	 /* enqueues per group commit: 1..1024, default 64 */
	/* a multipart inbound message missing parts this long after its newest
	 * part is stored with the parts that came: 60..604800, default 3600 */
	unsigned inbound_part_timeout_s;
};

/* [api] */
struct config_api {
	char bind[CONFIG_ADDR_LEN];	  /* IPv4/IPv6 literal; default "127.0.0.1" */
	unsigned port;			  /* 1..65535, default 8080 */
	char tls_cert[CONFIG_PATH_LEN];	  /* PEM paths; both or neither */
	char tls_key[CONFIG_PATH_LEN];
	bool allow_plain_http;		  /* plain HTTP off loopback; default false */
	unsigned threads;		  /* 1..64, default 2 */
	unsigned max_body_bytes;	  /* 1024..4194304, default 262144 */
	unsigned max_connections;	  /* 1..10000, default 256 */
	unsigned max_per_ip;		  /* 1..max_connections, default 32 */
	unsigned connection_timeout_s;	  /* 1..3600, default 30 */
	unsigned token_rate_per_min;	  /* 0 (unlimited)..600000, default 6000 */
	char public_url[CONFIG_URL_LEN];  /* http(s):// base the internet reaches; "" none */
};

/* [webhooks]: the delivery worker's timing (webhooks_config). */
struct config_webhooks {
	unsigned timeout_s;	    /* per delivery attempt: 1..120, default 10 */
	unsigned retry_for_h;	    /* keep retrying: 24..720, default 72 */
	unsigned backoff_initial_s; /* first retry after: 1..3600, default 10; <= backoff_max_s */
	unsigned backoff_max_s;	    /* cap between retries: 1..86400, default 600 */
	/* Documented for receivers only (docs/webhooks.md): the window they
	 * should apply to X-Smsrelay-Signature's t; the daemon sends it
	 * nowhere. 60..3600, default 300. */
	unsigned replay_window_s;
};

/* [modem.NAME]: overrides for a modem the board declares. */
struct config_modem {
	char name[CONFIG_NAME_LEN];
	char pin[CONFIG_PIN_LEN];	  /* "" = none */
	char pin_file[CONFIG_PATH_LEN];	  /* where pin came from; "" inline */
	bool has_profile;		  /* profile overrides the board's */
	enum hal_board_profile profile;
	char smsc[CONFIG_NUMBER_LEN];	  /* "" = the SIM's */
	char number[CONFIG_NUMBER_LEN];	  /* the SIM's own E.164 number: inbound "to"; "" unknown */
	bool delivery_reports;		  /* TP-SRR on every message; default true */
	unsigned status_s;		  /* signal/registration poll: 5..3600, default 30 */
	unsigned sweep_s;		  /* storage sweep: 10..86400, default 300 */
	unsigned queue_max;		  /* 1..64, default 8 */
	unsigned max_parts;		  /* 1..16, default 10 */
	struct config_channel channel;
	unsigned line;			  /* line of the [header], for messages */
};

/* [twilio] */
struct config_twilio {
	bool present; /* the section exists */
	char base_url[CONFIG_URL_LEN];	      /* default "https://api.twilio.com" */
	char account_sid[CONFIG_SID_LEN];     /* AC + 32 hex, required */
	char auth_token[CONFIG_SECRET_LEN];   /* required */
	char auth_token_file[CONFIG_PATH_LEN];
	char api_key_sid[CONFIG_SID_LEN];     /* SK + 32 hex, optional */
	char api_key_secret[CONFIG_SECRET_LEN]; /* required with api_key_sid */
	char api_key_secret_file[CONFIG_PATH_LEN];
	char from[CONFIG_NUMBER_LEN];	      /* from or messaging_service_sid required */
	char messaging_service_sid[CONFIG_SID_LEN]; /* MG + 32 hex */
	char status_callback_url[CONFIG_URL_LEN];   /* "" = from [api] public_url, or poll */
	bool poll_inbound;			    /* default true */
	unsigned poll_interval_s;		    /* 5..3600, default 30 */
	unsigned request_timeout_s;		    /* 1..300, default 15 */
	unsigned connect_timeout_s;		    /* 1..60, default 5 */
	unsigned max_attempts;			    /* 1..10, default 3 */
	unsigned max_in_flight;			    /* 1..1024, default 64 */
	struct config_channel channel;
	unsigned line;
};

/* [telesign] */
struct config_telesign {
	bool present;
	char base_url[CONFIG_URL_LEN];	    /* default "https://rest-ww.telesign.com" */
	char customer_id[64];		    /* required */
	char api_key[CONFIG_SECRET_LEN];    /* base64, required */
	char api_key_file[CONFIG_PATH_LEN];
	enum config_telesign_type message_type; /* default ARN */
	bool poll_status;		    /* default true */
	unsigned poll_interval_s;	    /* 5..3600, default 30 */
	unsigned request_timeout_s;	    /* 1..300, default 15 */
	unsigned connect_timeout_s;	    /* 1..60, default 5 */
	unsigned max_attempts;		    /* 1..10, default 3 */
	unsigned max_in_flight;		    /* 1..1024, default 64 */
	struct config_channel channel;
	unsigned line;
};

/* [routing]: maps onto struct routing_config (+ routing_health_cfg). */
struct config_routing {
	bool allow_any;			 /* default false: only allow_countries */
	unsigned n_allow;
	unsigned allow_countries[CONFIG_MAX_ALLOW]; /* ITU calling codes 1..999 */
	unsigned n_deny;
	char deny_prefixes[CONFIG_MAX_DENY][CONFIG_PREFIX_LEN];
	unsigned fail_threshold;	 /* 1..100, default 3 */
	unsigned cooldown_s;		 /* 1..86400, default 60 */
	unsigned probe_timeout_s;	 /* 1..86400, default 120 */
	int utc_offset_min;		 /* quota day boundary: -840..840, default 0 */
	unsigned sticky_ttl_s;		 /* 0 (never forget)..31536000, default 604800 */
	unsigned sticky_max_wait_s;	 /* 0..3600, default 60 */
};

/* [route.PREFIX]: destinations starting with prefix use only these channels,
 * in this order (longest prefix wins). */
struct config_route {
	char prefix[CONFIG_PREFIX_LEN]; /* "+49" */
	unsigned n_channels;		/* 1..CONFIG_MAX_ROUTE_CHANNELS */
	char channels[CONFIG_MAX_ROUTE_CHANNELS][CONFIG_NAME_LEN];
	unsigned line;
};

struct smsrelay_config {
	char source[CONFIG_PATH_LEN]; /* name_for_errors / path; for messages */
	struct config_daemon daemon;
	struct config_store store;
	struct config_outbox outbox;
	struct config_api api;
	struct config_webhooks webhooks;
	struct config_routing routing;
	struct config_twilio twilio;
	struct config_telesign telesign;
	unsigned n_modems;
	struct config_modem modems[CONFIG_MAX_MODEMS]; /* file order */
	unsigned n_routes;
	struct config_route routes[CONFIG_MAX_ROUTES]; /* file order */
};

/* Fill out with every default (what an empty file gives). */
void config_defaults(struct smsrelay_config *out);

/* Read and validate a config file. err (may be NULL) receives one line:
 * "PATH:LINE: message", or "PATH: message" when the file cannot be read.
 * Returns 0, -EINVAL (bad content, or a secret file that cannot be read),
 * -EFBIG (over CONFIG_FILE_MAX), -ENOMEM, or the -errno of opening/reading
 * (-ENOENT, -EACCES, -EISDIR...). On error *out is zeroed. */
int config_load(const char *path, struct smsrelay_config *out, char *err, size_t err_len);

/* Same on text in memory (len bytes, need not be NUL-terminated; a NUL byte
 * is an error). name_for_errors stands for the file in messages and is the
 * base of relative KEY_file paths (NULL: "smsrelayd.conf" in the current
 * directory). Returns 0, -EINVAL, -EFBIG or -ENOMEM. */
int config_parse(const char *text, size_t len, const char *name_for_errors,
		 struct smsrelay_config *out, char *err, size_t err_len);

/* The firmware's cross-check once the board is loaded: every [modem.NAME]
 * names a modem of the board, and every [route.*] channel is a board modem
 * or a configured cloud provider. err gets "FILE:LINE: message".
 * Returns 0 or -EINVAL (-EINVAL also for NULL arguments). */
int config_check_board(const struct smsrelay_config *c, const struct hal_board *b, char *err,
		       size_t err_len);

/* The [modem.NAME] overrides for name, or NULL (board defaults apply). */
const struct config_modem *config_find_modem(const struct smsrelay_config *c, const char *name);

/* The board file daemon.board designates: itself when it contains '/',
 * else BOARDS_DIR/NAME/board.conf. Returns 0 or -ENAMETOOLONG. */
int config_board_path(const struct smsrelay_config *c, char *buf, size_t len);
/* The database file: store.path, else DATA_DIR/smsrelay.db with DATA_DIR
 * daemon.data_dir or else the board's. Returns 0 or -ENAMETOOLONG. */
int config_store_path(const struct smsrelay_config *c, const struct hal_board *b, char *buf,
		      size_t len);

/* ---- SIGHUP: what changed and whether it needs a restart ------------------ */

#define CONFIG_DIFF_MAX 64

struct config_change {
	/* "api.port", "modem.modem0.pin", "route.+49" (a rule added, removed
	 * or changed), "twilio" (the section added or removed). Secret names
	 * only: values never appear here. */
	char key[80];
	bool restart; /* true: takes effect only after a restart */
};

struct config_diff {
	unsigned n;	      /* changes listed (at most CONFIG_DIFF_MAX) */
	unsigned n_total;     /* changes found; > n when the list is full */
	unsigned n_restart;   /* how many of n_total need a restart */
	struct config_change changes[CONFIG_DIFF_MAX];
};

/* Compare two loaded configs key by key. Reloadable live (SIGHUP): [daemon]
 * log and log_target, [outbox], [webhooks], [routing], [route.*], the
 * channel routing knobs (enabled, priority, rate_per_min, burst,
 * daily_quota, numbers), the cloud credentials and settings of a present
 * provider, api token_rate_per_min, max_body_bytes and public_url.
 * Everything else needs a restart: board, directories, watchdog, [store],
 * the listening socket and TLS, thread and connection limits, modem
 * settings, and adding or removing a [modem.*], [twilio] or [telesign]
 * section. Returns 0 or -EINVAL (NULL arguments). */
int config_diff(const struct smsrelay_config *old_cfg, const struct smsrelay_config *new_cfg,
		struct config_diff *out);

#endif
