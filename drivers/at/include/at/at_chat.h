/* at_chat: the AT chat engine. Non-blocking, on a hal_loop, over a
 * hal_serial; owns no thread. One command in flight (a submit while busy is
 * -EBUSY: the owner - the modem driver's state machine - sequences its
 * commands); an always-active URC table; the "> " prompt of AT+CMGS; a
 * per-command timeout that nothing received can extend.
 *
 * Lifecycle:
 *   at_chat_new(&c, &cfg)        cfg.serial is opened by the owner
 *   at_chat_start(c)             watch the serial fd (after each (re)open)
 *   at_chat_submit(c, &cmd) ...  cmd.done called exactly once, later
 *   at_chat_stop(c)              unwatch; in-flight command -> -ECANCELED
 *   at_chat_destroy(c)
 *
 * How lines are sorted while a command runs (in this order):
 *   1. the second line of a two-line URC in progress (+CMT/+CDS PDU);
 *   2. the echo of the command (or of the PDU) is dropped;
 *   3. final result codes (at_result.h) complete the command;
 *   4. a line starting with cmd.resp_prefix belongs to the command;
 *   5. a line starting with a URC table prefix is a URC;
 *   6. anything else is the command's intermediate line (bare IMEI digits,
 *      the PDU line after +CMGL:/+CMGR:).
 * While idle, URC lines go to their handler; other lines are logged and
 * dropped (stray finals after a timeout among them).
 *
 * Callbacks (done, on_line, URC handlers, on_event) run on the loop thread.
 * They may submit, cancel or stop; they must not destroy the chat.
 *
 * After a timeout or cancel the modem may still answer the old command: the
 * late final would end the next command. The driver resyncs (at_chat_write_raw
 * of ESC, then "AT" until OK) before it trusts the channel again. */
#ifndef AT_CHAT_H
#define AT_CHAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "at/at_result.h"
#include "hal/loop.h"
#include "hal/serial.h"

#define AT_CHAT_DEFAULT_TIMEOUT_MS 5000
/* Datasheet figures for the slow commands (SIM800, EC25 and SIM7600 AT
 * manuals): +CMGS waits for the network up to 60 s (Quectel) / 120 s
 * (esp-modem's body timeout); +COPS=? and +COPS= up to 180 s. */
#define AT_CHAT_CMGS_TIMEOUT_MS 120000
#define AT_CHAT_COPS_TIMEOUT_MS 180000
#define AT_CHAT_CMD_MAX 256  /* command text, without the CR */
#define AT_CHAT_PDU_MAX 512  /* prompt body (hex PDU), without Ctrl-Z */

struct at_chat;

/* A URC handler. line is the URC line; pdu is the second line for entries
 * with has_pdu (NULL if the modem sent a final or another URC instead).
 * Both are valid only during the call. */
typedef void (*at_urc_cb)(void *arg, const char *line, const char *pdu);

struct at_urc {
	const char *prefix; /* matched at line start, case-sensitive: "+CMTI:" */
	bool has_pdu;       /* two-line URC: +CMT:, +CDS: in PDU mode */
	at_urc_cb cb;       /* NULL: recognised and ignored ("RDY", "^BOOT:") */
};

enum at_chat_event {
	AT_CHAT_EV_GONE, /* the device went away; err = -ENODEV or -EIO */
};
const char *at_chat_event_str(enum at_chat_event ev);
typedef void (*at_chat_event_cb)(void *arg, enum at_chat_event ev, int err);

struct at_chat_config {
	struct hal_loop *loop;
	struct hal_serial *serial;
	const char *name; /* log instance, e.g. "modem0"; copied */
	const struct at_urc *urcs; /* kept by pointer: a const table */
	size_t n_urcs;
	void *urc_arg;
	at_chat_event_cb on_event;
	void *event_arg;
	int64_t default_timeout_ms; /* 0: AT_CHAT_DEFAULT_TIMEOUT_MS */
};

/* The intermediate lines of a response, in the caller's buffer: n_lines
 * NUL-terminated strings back to back. truncated: lines were dropped
 * because the buffer was full (every later line is dropped too, so a
 * +CMGL header is never kept without its PDU line). */
struct at_resp {
	const char *buf;
	size_t n_lines;
	bool truncated;
};
/* Line i (0-based), or NULL. */
const char *at_resp_line(const struct at_resp *r, size_t i);
/* First line starting with prefix, or NULL. */
const char *at_resp_find(const struct at_resp *r, const char *prefix);

/* status: 0 when the modem sent a final result (which may be an error: see
 * res), or -ETIMEDOUT, -ECANCELED, -ENODEV, -EIO. res->final is
 * AT_FINAL_NONE whenever status != 0. */
typedef void (*at_cmd_done_cb)(void *arg, int status, const struct at_result *res,
			       const struct at_resp *resp);
/* Optional: each intermediate line as it arrives (whether or not it fits
 * the buffer), for long lists such as +CMGL. */
typedef void (*at_cmd_line_cb)(void *arg, const char *line);

struct at_cmd {
	const char *cmd;         /* "AT+CSQ"; the engine adds the CR; copied */
	const char *resp_prefix; /* "+CSQ:" or NULL */
	int64_t timeout_ms;      /* 0: the default; counted from submit */
	const char *pdu;         /* non-NULL: wait for "> ", send it + Ctrl-Z */
	char *buf;               /* intermediate lines; may be NULL */
	size_t buf_len;
	at_cmd_line_cb on_line;
	at_cmd_done_cb done;     /* may be NULL */
	void *arg;
	bool secret;             /* log the command as "AT+XXX=<redacted>" */
};

/* Returns 0, -EINVAL (missing loop/serial), -ENOMEM. */
int at_chat_new(struct at_chat **out, const struct at_chat_config *cfg);
/* Stops first (in-flight command -> -ECANCELED). NULL is fine. */
void at_chat_destroy(struct at_chat *c);

/* Watch the serial's fd; forgets any partial line. Returns 0, -EALREADY,
 * -EBADF (serial not open), or the loop's -errno. */
int at_chat_start(struct at_chat *c);
/* Unwatch; a command in flight completes with -ECANCELED. Idempotent. */
void at_chat_stop(struct at_chat *c);

/* Send a command. Returns 0 (done will be called exactly once, never from
 * inside this call), -EBUSY (a command or script is in flight), -EINVAL
 * (empty or control characters in cmd/pdu), -E2BIG (cmd or pdu too long),
 * -ENOTCONN (not started), -ENODEV/-EIO (the device is gone; the GONE event
 * has been raised). */
int at_chat_submit(struct at_chat *c, const struct at_cmd *cmd);

/* Abort the command in flight: done gets -ECANCELED now. If it was at the
 * SMS prompt stage, ESC is sent so the modem leaves its edit mode.
 * Returns 0 or -ENOENT when idle. */
int at_chat_cancel(struct at_chat *c);

/* Write bytes as they are (ESC, "AT\r" for a resync) while idle. Returns 0,
 * -EBUSY, -ENOTCONN, -ENOBUFS, -ENODEV/-EIO. */
int at_chat_write_raw(struct at_chat *c, const void *data, size_t len);

bool at_chat_busy(const struct at_chat *c);

/* Swap the URC table (a profile change). Returns 0. */
int at_chat_set_urcs(struct at_chat *c, const struct at_urc *urcs, size_t n, void *arg);

struct at_chat_stats {
	unsigned long lines_rx;
	unsigned long urcs;
	unsigned long overflows; /* overlong lines discarded */
	unsigned long garbage;   /* bytes dropped by the framer */
	unsigned long stray;     /* lines received while idle that were no URC */
	unsigned long timeouts;
	unsigned long resp_truncated;
};
void at_chat_get_stats(const struct at_chat *c, struct at_chat_stats *out);

/* Copy cmd to out with secrets hidden: the arguments of +CPIN, +CPIN2,
 * +CPWD, +CLCK (and all arguments when secret) become "<redacted>".
 * Always NUL-terminates when len > 0. Returns out. */
char *at_redact(const char *cmd, bool secret, char *out, size_t len);

/* ---- chat scripts (at_script.c): init and periodic checks as const data */

enum at_step_policy {
	AT_STEP_ABORT,  /* a failed step ends the script */
	AT_STEP_IGNORE, /* a failed step is logged and the script goes on */
};
const char *at_step_policy_str(enum at_step_policy p);

struct at_script_step {
	const char *cmd;
	const char *expect;  /* a line with this prefix must come before OK */
	int64_t timeout_ms;  /* 0: the chat's default */
	enum at_step_policy on_error; /* after the retries are used up */
	unsigned retries;    /* extra attempts on failure (SIM busy after boot) */
	int64_t retry_delay_ms;
};

struct at_script {
	const char *name;
	const struct at_script_step *steps;
	size_t n_steps;
};

/* status: 0 (every step done, IGNORE failures included); -EPROTO (the modem
 * answered, but not OK, or without the expect line: see result); or the
 * step's local error (-ETIMEDOUT, -ENODEV, -EIO, -ECANCELED). step is the
 * failed step's index (n_steps on success). */
struct at_script_result {
	int status;
	size_t step;
	struct at_result result;
};
typedef void (*at_script_done_cb)(void *arg, const struct at_script_result *r);
/* After each successful step: its response lines (e.g. +CSQ to parse). */
typedef void (*at_script_resp_cb)(void *arg, size_t step, const struct at_resp *resp);

/* Run a script (kept by pointer: const data). While it runs, at_chat_submit
 * returns -EBUSY. Returns 0, -EBUSY, -EINVAL (empty script), or what
 * at_chat_submit returns for the first step. */
int at_chat_script_run(struct at_chat *c, const struct at_script *s, at_script_resp_cb on_resp,
		       at_script_done_cb done, void *arg);
/* Abort the running script: done gets -ECANCELED. Returns 0 or -ENOENT. */
int at_chat_script_abort(struct at_chat *c);
bool at_chat_script_running(const struct at_chat *c);

#endif
