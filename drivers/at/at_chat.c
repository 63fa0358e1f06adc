/* AT chat engine: framing in at_line.c, finals in at_result.c, scripts in
 * at_script.c. This file: I/O on the loop, the command in flight, URCs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "at/at_tok.h"
#include "at_chat_priv.h"
#include "hal/log.h"

LOG_MODULE(log_at, "at");

#define AT_CTRL_Z 0x1a
#define AT_ESC 0x1b
#define READ_CHUNK 256
#define READS_PER_EVENT 64 /* bound one callback; the loop calls us again */

const char *at_chat_event_str(enum at_chat_event ev)
{
	switch (ev) {
	case AT_CHAT_EV_GONE: return "gone";
	}
	return "?";
}

const char *at_cmd_state_str(enum at_cmd_state s)
{
	switch (s) {
	case AT_CMD_IDLE: return "idle";
	case AT_CMD_WAIT_RESP: return "wait-resp";
	case AT_CMD_WAIT_PROMPT: return "wait-prompt";
	case AT_CMD_WAIT_BODY: return "wait-body";
	}
	return "?";
}

/* ---- response buffer helpers ---- */

const char *at_resp_line(const struct at_resp *r, size_t i)
{
	const char *p;

	if (!r || !r->buf || i >= r->n_lines)
		return NULL;
	p = r->buf;
	while (i--)
		p += strlen(p) + 1;
	return p;
}

const char *at_resp_find(const struct at_resp *r, const char *prefix)
{
	for (size_t i = 0; r && i < r->n_lines; i++) {
		const char *l = at_resp_line(r, i);
		if (at_has_prefix(l, prefix))
			return l;
	}
	return NULL;
}

/* ---- logging ---- */

static bool secret_command(const char *cmd)
{
	static const char *const secrets[] = { "+CPIN", "+CPIN2", "+CPWD", "+CLCK", NULL };
	const char *p = cmd;

	if (strncasecmp(p, "AT", 2) == 0)
		p += 2;
	for (size_t i = 0; secrets[i]; i++) {
		size_t n = strlen(secrets[i]);
		if (strncasecmp(p, secrets[i], n) == 0 && (p[n] == '=' || p[n] == '2'))
			return true;
	}
	return false;
}

char *at_redact(const char *cmd, bool secret, char *out, size_t len)
{
	const char *eq;

	if (!out || len == 0)
		return out;
	if (!cmd) {
		out[0] = '\0';
		return out;
	}
	eq = strchr(cmd, '=');
	if (eq && (secret || secret_command(cmd)))
		snprintf(out, len, "%.*s<redacted>", (int)(eq - cmd + 1), cmd);
	else if (secret)
		snprintf(out, len, "<redacted>");
	else
		snprintf(out, len, "%s", cmd);
	return out;
}

static void log_traffic(struct at_chat *c, const char *dir, const char *text, bool secret)
{
	char red[AT_LINE_MAX + 16];
	char esc[AT_LINE_MAX + 64];

	if (!log_enabled(&log_at, LOG_LEVEL_DBG))
		return;
	at_redact(text, secret, red, sizeof(red));
	log_escape(esc, sizeof(esc), red, strlen(red));
	LOG_DBG(&log_at, c->name, "%s %s", dir, esc);
}

/* ---- writing ---- */

static void on_fd(void *arg, int fd, unsigned events);

static int watch(struct at_chat *c, unsigned events)
{
	int rc = hal_loop_watch_fd(c->loop, c->fd, events, on_fd, c);
	if (rc == 0)
		c->watched = events;
	return rc;
}

/* Push queued bytes. Returns 0 (all written or waiting for HAL_IO_WRITE) or
 * the device's -errno. */
static int flush_tx(struct at_chat *c)
{
	while (c->tx_off < c->tx_len) {
		ssize_t n = hal_serial_write(c->serial, c->tx + c->tx_off, c->tx_len - c->tx_off);
		if (n == -EAGAIN)
			break;
		if (n < 0)
			return (int)n;
		c->tx_off += (size_t)n;
	}
	if (c->tx_off == c->tx_len)
		c->tx_off = c->tx_len = 0;
	if (c->started) {
		unsigned want = HAL_IO_READ | (c->tx_len ? HAL_IO_WRITE : 0u);
		if (want != c->watched)
			(void)watch(c, want);
	}
	return 0;
}

static int queue_tx(struct at_chat *c, const void *data, size_t len)
{
	if (c->tx_off > 0) {
		memmove(c->tx, c->tx + c->tx_off, c->tx_len - c->tx_off);
		c->tx_len -= c->tx_off;
		c->tx_off = 0;
	}
	if (len > sizeof(c->tx) - c->tx_len)
		return -ENOBUFS;
	memcpy(c->tx + c->tx_len, data, len);
	c->tx_len += len;
	return 0;
}

/* ---- completion ---- */

static void cancel_timer(struct at_chat *c)
{
	if (c->timer) {
		(void)hal_loop_cancel_timer(c->loop, c->timer);
		c->timer = 0;
	}
}

static void complete(struct at_chat *c, int status, const struct at_result *res)
{
	struct at_result r = { AT_FINAL_NONE, AT_CODE_NONE };
	struct at_resp resp;
	at_cmd_done_cb done;
	void *arg;

	if (c->state == AT_CMD_IDLE)
		return;
	cancel_timer(c);
	at_line_want_prompt(&c->framer, false);
	if (status == 0 && res)
		r = *res;
	resp.buf = c->cmd.buf;
	resp.n_lines = c->n_lines;
	resp.truncated = c->truncated;
	if (c->truncated)
		c->stats.resp_truncated++;
	done = c->cmd.done;
	arg = c->cmd.arg;
	c->state = AT_CMD_IDLE;
	if (status == 0) {
		char red[64], rs[96];
		if (log_enabled(&log_at, LOG_LEVEL_DBG))
			LOG_DBG(&log_at, c->name, "%s -> %s",
				at_redact(c->cmd_text, c->cmd.secret, red, sizeof(red)),
				at_result_format(&r, rs, sizeof(rs)));
	} else {
		char red[64];
		LOG_WRN(&log_at, c->name, "%s failed: %s",
			at_redact(c->cmd_text, c->cmd.secret, red, sizeof(red)), strerror(-status));
	}
	if (done)
		done(arg, status, &r, &resp);
}

/* The device is gone: fail what is in flight, stop, tell the owner. */
static void go_gone(struct at_chat *c, int err)
{
	err = err == -ENODEV ? -ENODEV : -EIO;
	LOG_WRN(&log_at, c->name, "device gone (%s)", strerror(-err));
	if (c->started)
		(void)hal_loop_unwatch_fd(c->loop, c->fd);
	c->started = false;
	c->gone = true;
	c->watched = 0;
	c->tx_len = c->tx_off = 0;
	c->urc_pending = false;
	complete(c, err, NULL);
	if (c->on_event)
		c->on_event(c->event_arg, AT_CHAT_EV_GONE, err);
}

static int64_t on_timeout(void *arg)
{
	struct at_chat *c = arg;

	c->timer = 0;
	if (c->state == AT_CMD_IDLE)
		return HAL_TIMER_STOP;
	c->stats.timeouts++;
	if (c->state == AT_CMD_WAIT_PROMPT) {
		/* leave the modem's edit mode, or it eats the next command */
		char esc = AT_ESC;
		if (queue_tx(c, &esc, 1) == 0 && flush_tx(c) < 0) {
			go_gone(c, -EIO);
			return HAL_TIMER_STOP;
		}
	}
	complete(c, -ETIMEDOUT, NULL);
	return HAL_TIMER_STOP;
}

/* ---- reading ---- */

static void add_line(struct at_chat *c, const char *line)
{
	size_t n = strlen(line) + 1;
	uint64_t seq = c->seq;

	if (c->cmd.on_line) {
		c->cmd.on_line(c->cmd.arg, line);
		if (c->seq != seq || c->state == AT_CMD_IDLE)
			return; /* the callback cancelled or replaced the command */
	}
	if (c->truncated)
		return;
	if (!c->cmd.buf || c->resp_used + n > c->cmd.buf_len) {
		c->truncated = true;
		return;
	}
	memcpy(c->cmd.buf + c->resp_used, line, n);
	c->resp_used += n;
	c->n_lines++;
}

static const struct at_urc *match_urc(const struct at_chat *c, const char *line)
{
	for (size_t i = 0; i < c->n_urcs; i++) {
		const char *p = c->urcs[i].prefix;
		if (p && strncmp(line, p, strlen(p)) == 0)
			return &c->urcs[i];
	}
	return NULL;
}

static void dispatch_urc(struct at_chat *c, const struct at_urc *u, const char *line)
{
	c->stats.urcs++;
	if (u->has_pdu) {
		c->urc_pending = true;
		c->urc_pending_cb = u->cb;
		snprintf(c->urc_line, sizeof(c->urc_line), "%s", line);
		return;
	}
	if (u->cb)
		u->cb(c->urc_arg, line, NULL);
}

/* The line after a two-line URC header. Returns true when it was consumed
 * as the PDU line. */
static bool finish_pending_urc(struct at_chat *c, const char *line)
{
	bool is_pdu = !at_result_parse(line, NULL) && !match_urc(c, line);
	at_urc_cb cb = c->urc_pending_cb;

	c->urc_pending = false;
	if (!is_pdu)
		LOG_WRN(&log_at, c->name, "URC without its PDU line: %.40s", c->urc_line);
	if (cb)
		cb(c->urc_arg, c->urc_line, is_pdu ? line : NULL);
	return is_pdu;
}

static void handle_line(struct at_chat *c, const char *line)
{
	struct at_result res;
	const struct at_urc *u;

	c->stats.lines_rx++;
	log_traffic(c, "rx", line, false);
	if (c->urc_pending && finish_pending_urc(c, line))
		return;
	if (!c->started)
		return; /* the URC handler stopped us */
	if (c->state == AT_CMD_IDLE) {
		u = match_urc(c, line);
		if (u) {
			dispatch_urc(c, u, line);
			return;
		}
		c->stats.stray++;
		LOG_DBG(&log_at, c->name, "stray line while idle dropped");
		return;
	}
	if (c->echo_cmd_pending && strcasecmp(line, c->cmd_text) == 0) {
		c->echo_cmd_pending = false;
		return;
	}
	if (c->state == AT_CMD_WAIT_BODY && strcasecmp(line, c->pdu_text) == 0)
		return; /* body echo */
	if (at_result_parse(line, &res)) {
		complete(c, 0, &res);
		return;
	}
	if (c->resp_prefix[0] && strncmp(line, c->resp_prefix, strlen(c->resp_prefix)) == 0) {
		add_line(c, line);
		return;
	}
	u = match_urc(c, line);
	if (u) {
		dispatch_urc(c, u, line);
		return;
	}
	add_line(c, line);
}

static void send_body(struct at_chat *c)
{
	char z = AT_CTRL_Z;
	int rc;

	c->state = AT_CMD_WAIT_BODY;
	at_line_want_prompt(&c->framer, false);
	log_traffic(c, "tx body", c->pdu_text, c->cmd.secret);
	rc = queue_tx(c, c->pdu_text, strlen(c->pdu_text));
	if (rc == 0)
		rc = queue_tx(c, &z, 1);
	if (rc == 0)
		rc = flush_tx(c);
	if (rc == -ENOBUFS)
		complete(c, -EIO, NULL);
	else if (rc < 0)
		go_gone(c, rc);
}

static int on_framer(void *arg, enum at_line_event ev, const char *line, size_t len)
{
	struct at_chat *c = arg;

	switch (ev) {
	case AT_LINE_TEXT:
		handle_line(c, line);
		break;
	case AT_LINE_PROMPT:
		LOG_DBG(&log_at, c->name, "rx prompt");
		if (c->state == AT_CMD_WAIT_PROMPT)
			send_body(c);
		break;
	case AT_LINE_OVERFLOW:
		c->stats.overflows++;
		LOG_WRN(&log_at, c->name, "line longer than %d bytes discarded (%.24s...)",
			AT_LINE_MAX, line);
		(void)len;
		if (c->state != AT_CMD_IDLE)
			c->truncated = true;
		break;
	}
	return c->started ? 0 : 1;
}

static void read_some(struct at_chat *c)
{
	unsigned char buf[READ_CHUNK];

	for (int i = 0; i < READS_PER_EVENT && c->started; i++) {
		ssize_t n = hal_serial_read(c->serial, buf, sizeof(buf));
		if (n == -EAGAIN || n == 0)
			return;
		if (n < 0) {
			go_gone(c, (int)n);
			return;
		}
		at_line_feed(&c->framer, buf, (size_t)n, on_framer, c);
	}
}

static void on_fd(void *arg, int fd, unsigned events)
{
	struct at_chat *c = arg;

	(void)fd;
	if (!c->started)
		return;
	if (events & HAL_IO_WRITE) {
		int rc = flush_tx(c);
		if (rc < 0) {
			go_gone(c, rc);
			return;
		}
	}
	if (events & (HAL_IO_READ | HAL_IO_ERR))
		read_some(c);
	if ((events & HAL_IO_ERR) && c->started)
		go_gone(c, -EIO);
}

/* ---- public API ---- */

int at_chat_new(struct at_chat **out, const struct at_chat_config *cfg)
{
	struct at_chat *c;

	if (!out || !cfg || !cfg->loop || !cfg->serial || (cfg->n_urcs && !cfg->urcs) ||
	    cfg->default_timeout_ms < 0)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->loop = cfg->loop;
	c->serial = cfg->serial;
	snprintf(c->name, sizeof(c->name), "%s", cfg->name ? cfg->name : "at");
	c->urcs = cfg->urcs;
	c->n_urcs = cfg->n_urcs;
	c->urc_arg = cfg->urc_arg;
	c->on_event = cfg->on_event;
	c->event_arg = cfg->event_arg;
	c->default_timeout_ms = cfg->default_timeout_ms ? cfg->default_timeout_ms
							: AT_CHAT_DEFAULT_TIMEOUT_MS;
	c->fd = -1;
	at_line_init(&c->framer);
	*out = c;
	return 0;
}

void at_chat_destroy(struct at_chat *c)
{
	if (!c)
		return;
	(void)at_chat_script_abort(c);
	at_chat_stop(c);
	free(c);
}

int at_chat_start(struct at_chat *c)
{
	int fd, rc;

	if (c->started)
		return -EALREADY;
	fd = hal_serial_fd(c->serial);
	if (fd < 0)
		return -EBADF;
	c->fd = fd;
	at_line_reset(&c->framer);
	c->tx_len = c->tx_off = 0;
	c->urc_pending = false;
	rc = watch(c, HAL_IO_READ);
	if (rc < 0)
		return rc;
	c->started = true;
	c->gone = false;
	LOG_DBG(&log_at, c->name, "started on fd %d", fd);
	return 0;
}

void at_chat_stop(struct at_chat *c)
{
	if (!c->started)
		return;
	(void)hal_loop_unwatch_fd(c->loop, c->fd);
	c->started = false;
	c->watched = 0;
	c->tx_len = c->tx_off = 0;
	c->urc_pending = false;
	complete(c, -ECANCELED, NULL);
}

static int check_text(const char *s, size_t max, bool line_ok)
{
	size_t n;

	if (!s || !*s)
		return -EINVAL;
	n = strlen(s);
	if (n > max)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = (unsigned char)s[i];
		if (b == AT_CTRL_Z || b == AT_ESC || (!line_ok && (b < 0x20 || b == 0x7f)))
			return -EINVAL;
	}
	return 0;
}

int at_chat_submit_internal(struct at_chat *c, const struct at_cmd *cmd)
{
	int rc;
	int64_t timeout;

	if (!c || !cmd)
		return -EINVAL;
	if (c->gone)
		return -ENODEV;
	if (!c->started)
		return -ENOTCONN;
	if (c->state != AT_CMD_IDLE)
		return -EBUSY;
	if ((rc = check_text(cmd->cmd, AT_CHAT_CMD_MAX, false)) < 0)
		return rc;
	if (cmd->pdu && (rc = check_text(cmd->pdu, AT_CHAT_PDU_MAX, true)) < 0)
		return rc;
	if (cmd->resp_prefix && strlen(cmd->resp_prefix) >= AT_PREFIX_MAX)
		return -E2BIG;
	if (cmd->timeout_ms < 0 || (cmd->buf_len && !cmd->buf))
		return -EINVAL;

	c->cmd = *cmd;
	snprintf(c->cmd_text, sizeof(c->cmd_text), "%s", cmd->cmd);
	snprintf(c->pdu_text, sizeof(c->pdu_text), "%s", cmd->pdu ? cmd->pdu : "");
	snprintf(c->resp_prefix, sizeof(c->resp_prefix), "%s",
		 cmd->resp_prefix ? cmd->resp_prefix : "");
	c->cmd.cmd = c->cmd_text;
	c->cmd.pdu = cmd->pdu ? c->pdu_text : NULL;
	c->cmd.resp_prefix = NULL;
	if (c->cmd.buf && c->cmd.buf_len)
		c->cmd.buf[0] = '\0';
	c->resp_used = 0;
	c->n_lines = 0;
	c->truncated = false;
	c->echo_cmd_pending = true;

	if ((rc = queue_tx(c, c->cmd_text, strlen(c->cmd_text))) < 0 ||
	    (rc = queue_tx(c, "\r", 1)) < 0)
		return rc;
	timeout = cmd->timeout_ms ? cmd->timeout_ms : c->default_timeout_ms;
	rc = hal_loop_add_timer(c->loop, timeout, on_timeout, c, &c->timer);
	if (rc < 0) {
		c->tx_len = c->tx_off = 0;
		return rc;
	}
	c->seq++;
	c->state = cmd->pdu ? AT_CMD_WAIT_PROMPT : AT_CMD_WAIT_RESP;
	at_line_want_prompt(&c->framer, cmd->pdu != NULL);
	log_traffic(c, "tx", c->cmd_text, cmd->secret);
	rc = flush_tx(c);
	if (rc < 0) {
		/* not accepted: no done call; the owner still hears GONE */
		c->cmd.done = NULL;
		go_gone(c, rc);
		return rc == -ENODEV ? -ENODEV : -EIO;
	}
	return 0;
}

int at_chat_submit(struct at_chat *c, const struct at_cmd *cmd)
{
	if (c && c->script.active && !c->script_submit)
		return -EBUSY;
	return at_chat_submit_internal(c, cmd);
}

int at_chat_cancel(struct at_chat *c)
{
	if (c->state == AT_CMD_IDLE)
		return -ENOENT;
	if (c->state == AT_CMD_WAIT_PROMPT) {
		char esc = AT_ESC;
		LOG_DBG(&log_at, c->name, "tx ESC (abort prompt)");
		if (queue_tx(c, &esc, 1) == 0 && flush_tx(c) < 0) {
			go_gone(c, -EIO);
			return 0;
		}
	}
	complete(c, -ECANCELED, NULL);
	return 0;
}

int at_chat_write_raw(struct at_chat *c, const void *data, size_t len)
{
	int rc;
	char esc[64];

	if (c->gone)
		return -ENODEV;
	if (!c->started)
		return -ENOTCONN;
	if (c->state != AT_CMD_IDLE || c->script.active)
		return -EBUSY;
	if (log_enabled(&log_at, LOG_LEVEL_DBG))
		LOG_DBG(&log_at, c->name, "tx raw %s", log_escape(esc, sizeof(esc), data, len));
	if ((rc = queue_tx(c, data, len)) < 0)
		return rc;
	rc = flush_tx(c);
	if (rc < 0) {
		go_gone(c, rc);
		return rc == -ENODEV ? -ENODEV : -EIO;
	}
	return 0;
}

bool at_chat_busy(const struct at_chat *c)
{
	return c->state != AT_CMD_IDLE || c->script.active;
}

int at_chat_set_urcs(struct at_chat *c, const struct at_urc *urcs, size_t n, void *arg)
{
	if (n && !urcs)
		return -EINVAL;
	c->urcs = urcs;
	c->n_urcs = n;
	c->urc_arg = arg;
	c->urc_pending = false;
	return 0;
}

void at_chat_get_stats(const struct at_chat *c, struct at_chat_stats *out)
{
	*out = c->stats;
	out->garbage = c->framer.dropped;
}
