/* The simulated modem's body: lifecycle, the byte stream (V.250 framing,
 * echo, the "> " prompt), responses with latency, URCs, registration, the
 * boot sequence and faults. Commands live in sm_exec.c, sm_gen.c and
 * sm_sms.c. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hal/log.h"
#include "sm_internal.h"

LOG_MODULE(log_simmodem, "simmodem");

static void sm_on_io(void *arg, int fd, unsigned events);
static void sm_input(struct simmodem *m, const uint8_t *d, size_t n);

/* ---- buffers ---- */

void sm_buf_free(struct sm_buf *b)
{
	free(b->d);
	b->d = NULL;
	b->len = b->cap = 0;
}

int sm_buf_add(struct sm_buf *b, const void *d, size_t n)
{
	if (b->len + n > SM_BUF_HARD_MAX)
		return -ENOSPC;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->d, cap);
		if (!p)
			return -ENOMEM;
		b->d = p;
		b->cap = cap;
	}
	memcpy(b->d + b->len, d, n);
	b->len += n;
	b->d[b->len] = '\0';
	return 0;
}

static void sm_buf_drop(struct sm_buf *b, size_t n)
{
	memmove(b->d, b->d + n, b->len - n);
	b->len -= n;
}

/* ---- output ---- */

static void sm_watch(struct simmodem *m)
{
	if (m->port_fd < 0)
		return;
	unsigned ev = HAL_IO_READ | (m->out.len ? HAL_IO_WRITE : 0);
	int rc = hal_loop_watch_fd(m->loop, m->port_fd, ev, sm_on_io, m);
	if (rc < 0)
		LOG_ERR(&log_simmodem, m->name, "watch port: %d", rc);
}

void sm_unwatch(struct simmodem *m)
{
	if (m->port_fd >= 0)
		hal_loop_unwatch_fd(m->loop, m->port_fd);
	m->port_fd = -1;
}

static void sm_port_lost(struct simmodem *m, int err)
{
	LOG_WRN(&log_simmodem, m->name, "port lost (%d): waiting for a new one", err);
	sm_unwatch(m);
	m->out.len = 0;
}

static void sm_write_out(struct simmodem *m)
{
	bool had = m->out.len > 0;
	while (m->out.len && m->port && m->port_fd >= 0) {
		ssize_t n = hal_serial_write(m->port, m->out.d, m->out.len);
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			sm_port_lost(m, (int)n);
			return;
		}
		sm_buf_drop(&m->out, (size_t)n);
	}
	if (!m->port || m->port_fd < 0)
		m->out.len = 0; /* no device: the bytes go nowhere, as on a wire */
	if (had != (m->out.len > 0) || m->out.len)
		sm_watch(m);
}

void sm_send(struct simmodem *m, const void *d, size_t n)
{
	if (m->port_gone || !m->port)
		return;
	if (m->out.len + n > SM_OUT_MAX || sm_buf_add(&m->out, d, n) < 0) {
		LOG_WRN(&log_simmodem, m->name, "host not reading: %zu bytes dropped", n);
		return;
	}
	sm_write_out(m);
}

/* V.250 6.2.6 / 6.2.7: "S3 S4 text S3 S4" in verbose mode, "text S3 S4"
 * for information text in numeric mode. */
static void sm_frame(struct simmodem *m, struct sm_buf *b, const char *text)
{
	char eol[2] = { (char)m->s3, (char)m->s4 };
	/* Lines of one multi-line answer share their separators, as real
	 * modems print "\r\n+CMGL: ...\r\n<pdu>\r\n+CMGL: ...". */
	bool joined = b == &m->resp && b->len >= 2 && b->d[b->len - 2] == eol[0] &&
		      b->d[b->len - 1] == eol[1];
	if (m->verbose && !joined)
		sm_buf_add(b, eol, 2);
	sm_buf_add(b, text, strlen(text));
	sm_buf_add(b, eol, 2);
}

void sm_info(struct simmodem *m, const char *fmt, ...)
{
	char text[3072];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sm_frame(m, &m->resp, text);
}

void sm_raw(struct simmodem *m, const char *s)
{
	sm_buf_add(&m->resp, s, strlen(s));
}

static bool sm_urcs_must_wait(const struct simmodem *m)
{
	return m->prompt != SM_PROMPT_NONE || m->busy;
}

void sm_urc(struct simmodem *m, const char *fmt, ...)
{
	char text[3072];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (m->booting)
		return; /* powered off: nothing to say */
	struct sm_buf tmp = { 0 };
	sm_frame(m, &tmp, text);
	if (!tmp.d)
		return;
	if (sm_urcs_must_wait(m)) {
		/* 27.007 / 27.005: the TA holds unsolicited codes while the TE
		 * is entering a command or a PDU at the prompt. */
		if (m->urcs_held < SM_URC_MAX && sm_buf_add(&m->urcs, tmp.d, tmp.len) == 0)
			m->urcs_held++;
		else
			LOG_WRN(&log_simmodem, m->name, "URC buffer full: dropped %s", text);
	} else {
		sm_send(m, tmp.d, tmp.len);
	}
	sm_buf_free(&tmp);
}

void sm_flush_urcs(struct simmodem *m)
{
	if (sm_urcs_must_wait(m) || !m->urcs.len)
		return;
	sm_send(m, m->urcs.d, m->urcs.len);
	m->urcs.len = 0;
	m->urcs_held = 0;
}

/* ---- responses with latency ---- */

static void sm_resp_done(struct simmodem *m)
{
	if (m->resp.len)
		sm_send(m, m->resp.d, m->resp.len);
	m->resp.len = 0;
	m->busy = false;
	if (m->reboot_pending) {
		m->reboot_pending = false;
		sm_reboot_after(m, m->cfg.boot_ms);
		return;
	}
	sm_flush_urcs(m);
	/* Bytes the host sent while we were "thinking" are handled now. */
	if (m->pending_in_len) {
		uint8_t tmp[sizeof(m->pending_in)];
		size_t n = m->pending_in_len;
		memcpy(tmp, m->pending_in, n);
		m->pending_in_len = 0;
		sm_input(m, tmp, n);
	}
}

static int64_t sm_resp_timer(void *arg)
{
	struct simmodem *m = arg;
	m->resp_timer = 0;
	sm_resp_done(m);
	return HAL_TIMER_STOP;
}

/* The response in m->resp goes out now or after the latency. */
static void sm_respond(struct simmodem *m)
{
	if (m->latency_ms <= 0 || !m->resp.len) {
		sm_resp_done(m);
		return;
	}
	m->busy = true;
	if (hal_loop_add_timer(m->loop, m->latency_ms, sm_resp_timer, m, &m->resp_timer) < 0)
		sm_resp_done(m);
}

/* ---- input ---- */

static void sm_echo(struct simmodem *m, const uint8_t *d, size_t n)
{
	if (m->echo && !m->silent)
		sm_send(m, d, n);
}

static const char *sm_find_at(const char *line)
{
	for (const char *p = line; p[0] && p[1]; p++)
		if ((p[0] == 'A' || p[0] == 'a') && (p[1] == 'T' || p[1] == 't'))
			return p;
	return NULL;
}

static void sm_run_line(struct simmodem *m, const char *line)
{
	const char *at = sm_find_at(line);
	if (!at)
		return; /* V.250 5.2.1: characters before "AT" are ignored */
	snprintf(m->last, sizeof(m->last), "%s", at);
	if (m->silent) {
		if (m->silent != UINT_MAX)
			m->silent--;
		LOG_DBG(&log_simmodem, m->name, "silent fault: no answer to %s", at);
		return;
	}
	m->commands++;
	m->resp.len = 0;
	m->busy = true; /* URCs raised by the command follow its response */
	sm_exec_line(m, at + 2);
	if (m->prompt != SM_PROMPT_NONE) {
		/* The prompt goes out at once; latency applies to the result. */
		sm_resp_done(m);
		return;
	}
	sm_respond(m);
}

static void sm_prompt_byte(struct simmodem *m, uint8_t c)
{
	if (c == 0x1A || c == 0x1B) {
		if (m->echo && !m->silent)
			sm_send(m, &c, 1);
		m->pdu[m->pdu_len] = '\0';
		m->resp.len = 0;
		m->busy = true;
		sm_prompt_done(m, c == 0x1A);
		sm_respond(m);
		return;
	}
	sm_echo(m, &c, 1);
	if (c == '\r' || c == '\n')
		return; /* some hosts end the hex with CR before Ctrl-Z */
	if (m->pdu_len + 1 < sizeof(m->pdu))
		m->pdu[m->pdu_len++] = (char)c;
	else
		m->pdu_overflow = true;
}

static void sm_line_byte(struct simmodem *m, uint8_t c)
{
	if (c == 0x1B) {
		/* An ESC outside a prompt cancels the line being typed; hosts
		 * send it to leave a prompt they are unsure about. */
		m->line_len = 0;
		m->line_overflow = false;
		return;
	}
	sm_echo(m, &c, 1);
	if (c == m->s3) {
		m->line[m->line_len] = '\0';
		bool over = m->line_overflow;
		m->line_len = 0;
		m->line_overflow = false;
		if (over) {
			m->resp.len = 0;
			m->busy = true;
			sm_final(m, SM_ERR);
			sm_respond(m);
			return;
		}
		sm_run_line(m, m->line);
		return;
	}
	if (c == m->s5) {
		if (m->line_len)
			m->line_len--;
		return;
	}
	if (c == '\n' || c == '\0')
		return;
	if (m->line_len + 1 >= sizeof(m->line)) {
		m->line_overflow = true;
		return;
	}
	m->line[m->line_len++] = (char)c;
	/* V.250 5.2.4: "A/" repeats the last line, no terminator needed. */
	if (m->line_len >= 2 && m->line[m->line_len - 1] == '/' &&
	    (m->line[m->line_len - 2] == 'A' || m->line[m->line_len - 2] == 'a')) {
		m->line_len = 0;
		if (m->last[0]) {
			char again[SM_LINE_MAX];
			snprintf(again, sizeof(again), "%s", m->last);
			sm_run_line(m, again);
		}
	}
}

static void sm_input(struct simmodem *m, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (m->booting || m->port_gone)
			return; /* a modem that is not up hears nothing */
		if (m->busy) {
			size_t room = sizeof(m->pending_in) - m->pending_in_len;
			size_t k = n - i < room ? n - i : room;
			memcpy(m->pending_in + m->pending_in_len, d + i, k);
			m->pending_in_len += k;
			return;
		}
		if (m->prompt != SM_PROMPT_NONE)
			sm_prompt_byte(m, d[i]);
		else
			sm_line_byte(m, d[i]);
	}
}

static void sm_on_io(void *arg, int fd, unsigned events)
{
	struct simmodem *m = arg;
	(void)fd;
	if (events & HAL_IO_WRITE)
		sm_write_out(m);
	if (!(events & (HAL_IO_READ | HAL_IO_ERR)) || !m->port)
		return;
	for (int turns = 0; turns < 64 && m->port_fd >= 0; turns++) {
		uint8_t buf[512];
		ssize_t r = hal_serial_read(m->port, buf, sizeof(buf));
		if (r == -EAGAIN)
			return;
		if (r <= 0) {
			sm_port_lost(m, r < 0 ? (int)r : -EIO);
			return;
		}
		sm_input(m, buf, (size_t)r);
	}
}

/* ---- registration ---- */

bool sm_registered(const struct simmodem *m)
{
	return m->reg == 1 || m->reg == 5;
}

static void sm_reg_urcs(struct simmodem *m)
{
	bool reg = sm_registered(m);
	if (m->creg_n == 1 || (m->creg_n == 2 && !reg))
		sm_urc(m, "+CREG: %d", m->reg);
	else if (m->creg_n == 2)
		sm_urc(m, "+CREG: %d,\"00A1\",\"0001B2C3\",7", m->reg);
	if (m->cgreg_n == 1 || (m->cgreg_n == 2 && !reg))
		sm_urc(m, "+CGREG: %d", m->reg);
	else if (m->cgreg_n == 2)
		sm_urc(m, "+CGREG: %d,\"00A1\",\"0001B2C3\",7", m->reg);
	if (m->cereg_n == 1 || (m->cereg_n == 2 && !reg))
		sm_urc(m, "+CEREG: %d", m->reg);
	else if (m->cereg_n == 2)
		sm_urc(m, "+CEREG: %d,\"00A1\",\"0001B2C3\",7", m->reg);
}

void sm_set_reg(struct simmodem *m, int stat)
{
	if (m->reg == stat)
		return;
	LOG_INF(&log_simmodem, m->name, "registration %d -> %d", m->reg, stat);
	m->reg = stat;
	m->cgatt = sm_registered(m);
	sm_reg_urcs(m);
	if (sm_registered(m))
		simnet_kick(m->net, m);
}

static int64_t sm_reg_timer(void *arg)
{
	struct simmodem *m = arg;
	m->reg_timer = 0;
	if (m->sim == SIMMODEM_SIM_READY && m->cfun == 1 && !m->netloss && !m->booting)
		sm_set_reg(m, m->cfg.roaming ? 5 : 1);
	return HAL_TIMER_STOP;
}

/* The SIM is usable, the radio is on: start searching, register later. */
void sm_sim_ready(struct simmodem *m)
{
	if (m->sim != SIMMODEM_SIM_READY || m->cfun != 1 || m->netloss || m->booting)
		return;
	if (sm_registered(m) || m->reg_timer)
		return;
	sm_set_reg(m, 2);
	if (hal_loop_add_timer(m->loop, m->cfg.register_ms, sm_reg_timer, m, &m->reg_timer) < 0)
		sm_reg_timer(m);
}

/* ---- power ---- */

void sm_cancel(struct simmodem *m, hal_timer_id *id)
{
	if (*id)
		hal_loop_cancel_timer(m->loop, *id);
	*id = 0;
}

void sm_defaults(struct simmodem *m)
{
	m->echo = true; /* V.250 E1 is the factory default */
	m->verbose = true;
	m->quiet = false;
	m->s3 = 13;
	m->s4 = 10;
	m->s5 = 8;
	m->cmee = 0;
	m->cscs = 1; /* IRA */
	m->cmgf = 0;
	m->csms = 0;
	m->csdh = 0;
	/* Many modules power on with +CNMI: 2,1,0,0,0 (SIMCom, Quectel). */
	int cnmi[5] = { 2, 1, 0, 0, 0 };
	memcpy(m->cnmi, cnmi, sizeof(cnmi));
	m->creg_n = m->cgreg_n = m->cereg_n = 0;
	m->cops_format = 0;
	m->cops_mode = 0;
	m->cfun = 1;
	m->cmer_ind = 0;
	m->clip = m->crc = m->cusd = 0;
	snprintf(m->smsc, sizeof(m->smsc), "%s", simnet_smsc(m->net));
	m->smsc_type = m->smsc[0] == '+' ? 145 : 129;
	m->mem[0] = m->mem[1] = m->mem[2] = SIMMODEM_MEM_SM;
}

static int64_t sm_boot_repeat(void *arg)
{
	struct simmodem *m = arg;
	if (!m->boot_left) {
		m->boot_timer = 0;
		return HAL_TIMER_STOP;
	}
	m->boot_left--;
	sm_urc(m, "^BOOT:20529372,0,0,0,72");
	if (!m->boot_left) {
		m->boot_timer = 0;
		return HAL_TIMER_STOP;
	}
	return m->cfg.boot_repeat_ms;
}

static int64_t sm_boot_done(void *arg)
{
	struct simmodem *m = arg;
	m->boot_timer = 0;
	m->booting = false;
	sm_defaults(m);
	if (m->sim_removed)
		m->sim = SIMMODEM_SIM_ABSENT;
	else if (m->sim != SIMMODEM_SIM_PUK && m->sim != SIMMODEM_SIM_BLOCKED)
		m->sim = m->pin[0] ? SIMMODEM_SIM_PIN : SIMMODEM_SIM_READY;
	LOG_INF(&log_simmodem, m->name, "booted, SIM %s", simmodem_sim_str(m->sim));
	sm_urc(m, "RDY");
	sm_urc(m, "+CFUN: 1");
	static const char *const cpin[] = { "READY", "SIM PIN", "SIM PUK", "SIM PUK",
					    "NOT INSERTED" };
	sm_urc(m, "+CPIN: %s", cpin[m->sim]);
	if (m->sim == SIMMODEM_SIM_READY) {
		sm_urc(m, "SMS Ready");
		sm_sim_ready(m);
	}
	m->boot_left = m->cfg.boot_repeat;
	if (m->boot_left &&
	    hal_loop_add_timer(m->loop, 0, sm_boot_repeat, m, &m->boot_timer) < 0)
		m->boot_left = 0;
	simnet_kick(m->net, m);
	return HAL_TIMER_STOP;
}

void sm_power_down(struct simmodem *m)
{
	sm_cancel(m, &m->resp_timer);
	sm_cancel(m, &m->reg_timer);
	sm_cancel(m, &m->boot_timer);
	if (m->cnma_pending) {
		sm_cnma_timeout_cancel(m);
		simnet_requeue(m->net, m, m->cnma_kind, m->cnma_hex);
	}
	/* Whatever was being said when the power went is lost. */
	m->busy = false;
	m->resp.len = 0;
	m->urcs.len = 0;
	m->urcs_held = 0;
	m->pending_in_len = 0;
	m->line_len = 0;
	m->prompt = SM_PROMPT_NONE;
	m->booting = true;
	m->reg = 0;
	m->cgatt = 0;
	m->full_reported = false;
}

void sm_reboot_after(struct simmodem *m, int64_t ms)
{
	LOG_INF(&log_simmodem, m->name, "rebooting (up in %lld ms)", (long long)ms);
	sm_power_down(m);
	m->powered_off = false;
	if (hal_loop_add_timer(m->loop, ms, sm_boot_done, m, &m->boot_timer) < 0)
		sm_boot_done(m);
}

void simmodem_reboot(struct simmodem *m)
{
	sm_reboot_after(m, m->cfg.boot_ms);
}

/* ---- lifecycle ---- */

/* Copy a configured string (or its default); too long is -EINVAL, never
 * a silent truncation. */
static int sm_copy(char *dst, size_t len, const char *src, const char *def)
{
	const char *s = src && src[0] ? src : def;
	size_t n = strlen(s);
	if (n >= len)
		return -EINVAL;
	memcpy(dst, s, n + 1);
	return 0;
}

/* A 15-digit IMEI with a valid Luhn check digit, from the number's digits. */
static void sm_make_imei(struct simmodem *m)
{
	char d[15] = "35000000000000";
	size_t n = strlen(m->number), k = 13;
	for (size_t i = n; i-- > 0 && k > 6;)
		if (m->number[i] >= '0' && m->number[i] <= '9')
			d[k--] = m->number[i];
	int sum = 0;
	for (int i = 0; i < 14; i++) {
		int v = d[i] - '0';
		if (i % 2) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	d[14] = (char)('0' + (10 - sum % 10) % 10);
	memcpy(m->imei, d, 15);
	m->imei[15] = '\0';
}

static int sm_config(struct simmodem *m, const struct simmodem_config *cfg, size_t index)
{
	if (!cfg->number || !cfg->number[0] || strlen(cfg->number) >= sizeof(m->number))
		return -EINVAL;
	if ((cfg->pin && strlen(cfg->pin) >= sizeof(m->pin)) ||
	    (cfg->puk && strlen(cfg->puk) >= sizeof(m->puk)))
		return -EINVAL;
	if (cfg->rssi < 0 || (cfg->rssi > 31 && cfg->rssi != 99))
		return -EINVAL;
	m->cfg = *cfg;
	if (cfg->name && cfg->name[0])
		snprintf(m->name, sizeof(m->name), "%s", cfg->name);
	else
		snprintf(m->name, sizeof(m->name), "modem%zu", index);
	snprintf(m->number, sizeof(m->number), "%s", cfg->number);
	int rc = 0;
	rc |= sm_copy(m->manufacturer, sizeof(m->manufacturer), cfg->manufacturer, "SMSRELAY");
	rc |= sm_copy(m->model, sizeof(m->model), cfg->model, "SIM-MODEM-1");
	rc |= sm_copy(m->revision, sizeof(m->revision), cfg->revision, "SIMMODEM_1.0.0");
	rc |= sm_copy(m->pin, sizeof(m->pin), cfg->pin, "");
	rc |= sm_copy(m->puk, sizeof(m->puk), cfg->puk, "12345678");
	rc |= sm_copy(m->oper_name, sizeof(m->oper_name), cfg->operator_name, "SIMNET");
	rc |= sm_copy(m->oper_num, sizeof(m->oper_num), cfg->operator_numeric, "26299");
	if (cfg->imei && cfg->imei[0])
		rc |= sm_copy(m->imei, sizeof(m->imei), cfg->imei, "");
	else
		sm_make_imei(m);
	char def[24];
	snprintf(def, sizeof(def), "26299%010zu", index + 1);
	rc |= sm_copy(m->imsi, sizeof(m->imsi), cfg->imsi, def);
	snprintf(def, sizeof(def), "89492990%011zu", index + 1);
	rc |= sm_copy(m->iccid, sizeof(m->iccid), cfg->iccid, def);
	if (rc)
		return -EINVAL;
	if (!m->cfg.sm_capacity)
		m->cfg.sm_capacity = 30;
	if (!m->cfg.me_capacity)
		m->cfg.me_capacity = 100;
	if (!m->cfg.sr_capacity)
		m->cfg.sr_capacity = 20;
	if (m->cfg.sm_capacity > 1000 || m->cfg.me_capacity > 1000 || m->cfg.sr_capacity > 1000)
		return -EINVAL;
	if (!m->cfg.cnma_timeout_ms)
		m->cfg.cnma_timeout_ms = 10000;
	if (!m->cfg.boot_repeat)
		m->cfg.boot_repeat = 3;
	if (!m->cfg.boot_repeat_ms)
		m->cfg.boot_repeat_ms = 1000;
	if (cfg->pwrkey_on_ms < 0 || cfg->pwrkey_off_ms < 0 || cfg->reset_ms < 0)
		return -EINVAL;
	if (!m->cfg.pwrkey_on_ms)
		m->cfg.pwrkey_on_ms = 500;
	if (!m->cfg.pwrkey_off_ms)
		m->cfg.pwrkey_off_ms = 2500;
	if (!m->cfg.reset_ms)
		m->cfg.reset_ms = 100;
	m->rssi = cfg->rssi ? cfg->rssi : 20;
	m->latency_ms = cfg->latency_ms;
	return 0;
}

int simmodem_new(struct simmodem **out, struct simnet *net, struct hal_loop *loop,
		 struct hal_serial *port, const struct simmodem_config *cfg)
{
	if (!out || !net || !loop || !cfg)
		return -EINVAL;
	struct simmodem *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->net = net;
	m->loop = loop;
	m->port_fd = -1;
	m->pwrkey_down_at = m->reset_down_at = -1;
	int rc = sm_config(m, cfg, simnet_modem_count(net));
	if (rc == 0)
		rc = sm_store_init(m);
	if (rc == 0)
		rc = simnet_attach(net, m);
	if (rc < 0) {
		sm_store_free(m);
		free(m);
		return rc;
	}
	m->sim = m->pin[0] ? SIMMODEM_SIM_PIN : SIMMODEM_SIM_READY;
	m->pin_tries = 3;
	m->puk_tries = 10;
	sm_defaults(m);
	rc = simmodem_attach_port(m, port);
	if (rc < 0) {
		simmodem_destroy(m);
		return rc;
	}
	sm_reboot_after(m, m->cfg.boot_ms);
	*out = m;
	return 0;
}

void simmodem_destroy(struct simmodem *m)
{
	if (!m)
		return;
	sm_power_detach(m);
	sm_unwatch(m);
	sm_cancel(m, &m->resp_timer);
	sm_cancel(m, &m->reg_timer);
	sm_cancel(m, &m->boot_timer);
	sm_cancel(m, &m->netloss_timer);
	sm_cancel(m, &m->vanish_timer);
	sm_cnma_timeout_cancel(m);
	simnet_detach(m->net, m);
	sm_store_free(m);
	sm_buf_free(&m->out);
	sm_buf_free(&m->resp);
	sm_buf_free(&m->urcs);
	free(m);
}

int simmodem_attach_port(struct simmodem *m, struct hal_serial *port)
{
	sm_unwatch(m);
	m->out.len = 0;
	m->port = port;
	if (!port)
		return 0;
	int fd = hal_serial_fd(port);
	if (fd < 0)
		return -EBADF;
	m->port_fd = fd;
	int rc = hal_loop_watch_fd(m->loop, fd, HAL_IO_READ, sm_on_io, m);
	if (rc < 0)
		m->port_fd = -1;
	return rc;
}

const char *simmodem_name(const struct simmodem *m)
{
	return m->name;
}

const char *simmodem_number(const struct simmodem *m)
{
	return m->number;
}

size_t simmodem_index(const struct simmodem *m)
{
	return m->index;
}

const char *simmodem_sim_str(enum simmodem_sim s)
{
	switch (s) {
	case SIMMODEM_SIM_READY: return "READY";
	case SIMMODEM_SIM_PIN: return "SIM PIN";
	case SIMMODEM_SIM_PUK: return "SIM PUK";
	case SIMMODEM_SIM_BLOCKED: return "BLOCKED";
	case SIMMODEM_SIM_ABSENT: return "NOT INSERTED";
	}
	return "?";
}

void simmodem_get_status(const struct simmodem *m, struct simmodem_status *st)
{
	memset(st, 0, sizeof(*st));
	st->sim = m->sim;
	st->pin_tries = m->pin_tries;
	st->puk_tries = m->puk_tries;
	st->reg = m->reg;
	st->rssi = m->rssi;
	st->cfun = m->cfun;
	st->booting = m->booting;
	st->port_gone = m->port_gone;
	st->prompt = m->prompt != SM_PROMPT_NONE;
	st->echo = m->echo;
	st->cmee = m->cmee;
	st->cmgf = m->cmgf;
	st->csms = m->csms;
	memcpy(st->cnmi, m->cnmi, sizeof(st->cnmi));
	for (int i = 0; i < 3; i++) {
		st->used[i] = sm_store_used(m, i);
		st->capacity[i] = sm_store_cap(m, i);
	}
	st->cnma_pending = m->cnma_pending;
	st->urcs_held = m->urcs_held;
	st->commands = m->commands;
	st->powered_off = m->powered_off;
	st->s3 = m->s3;
	st->s4 = m->s4;
	st->s5 = m->s5;
	st->verbose = m->verbose;
	st->quiet = m->quiet;
}

