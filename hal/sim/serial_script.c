/* Scripted peer: plays the modem's side of a serial pair from a list of
 * expect -> reply steps, on any hal_loop. Steps run strictly in order: wait
 * for the expected bytes (they may arrive in pieces), wait delay_ms on the
 * loop's clock, write the reply, next step. A step without expect starts as
 * soon as the previous one is done (URCs, a banner). Bytes that do not fit
 * the step being waited for are set aside as "unexpected" one at a time, so
 * the script resynchronises on the next match. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/log.h"
#include "hal/sim.h"

LOG_MODULE(log_sim_script, "sim.script");

#define SCRIPT_BUF_MAX (1u << 20) /* a test that needs more is livelocked */

struct script_buf {
	char *data;
	size_t len, cap;
};

struct script_step {
	char *expect; /* NULL: no wait */
	size_t expect_len;
	char *reply; /* NULL: drop */
	size_t reply_len;
	int64_t delay_ms;
};

struct hal_serial_script {
	struct hal_loop *loop;
	struct hal_serial *peer;
	int fd; /* watched fd, -1 once the connection broke */
	unsigned watched;
	struct script_step *steps;
	size_t n_steps, cap_steps;
	size_t cur;    /* the step being waited for */
	bool replying; /* cur matched; its reply timer is pending */
	hal_timer_id timer;
	struct script_buf in;	      /* received, not yet matched */
	struct script_buf out;	      /* to write, in order */
	struct script_buf unexpected; /* NUL-terminated */
	int err;
};

static int buf_append(struct script_buf *b, const void *p, size_t len)
{
	if (len > SCRIPT_BUF_MAX - b->len)
		return -ENOBUFS;
	if (b->len + len + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < b->len + len + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (!d)
			return -ENOMEM;
		b->data = d;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

static void buf_consume(struct script_buf *b, size_t n)
{
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
	if (b->data)
		b->data[b->len] = '\0';
}

static void script_fail(struct hal_serial_script *s, int err, const char *what)
{
	if (!s->err)
		s->err = err;
	LOG_WRN(&log_sim_script, NULL, "%s: %s", what, strerror(-err));
	if (s->fd >= 0 && s->watched)
		hal_loop_unwatch_fd(s->loop, s->fd);
	s->watched = 0;
	s->fd = -1;
}

static void script_io(void *arg, int fd, unsigned events);

static void set_watch(struct hal_serial_script *s, unsigned events)
{
	if (s->fd < 0 || s->watched == events)
		return;
	int rc = hal_loop_watch_fd(s->loop, s->fd, events, script_io, s);
	if (rc < 0)
		script_fail(s, rc, "watch");
	else
		s->watched = events;
}

static void flush_out(struct hal_serial_script *s)
{
	while (s->out.len > 0 && s->fd >= 0) {
		ssize_t n = hal_serial_write(s->peer, s->out.data, s->out.len);
		if (n == -EAGAIN) {
			set_watch(s, HAL_IO_READ | HAL_IO_WRITE);
			return;
		}
		if (n < 0) {
			script_fail(s, (int)n, "write");
			return;
		}
		buf_consume(&s->out, (size_t)n);
	}
	set_watch(s, HAL_IO_READ);
}

static void progress(struct hal_serial_script *s);

static int64_t reply_due(void *arg)
{
	struct hal_serial_script *s = arg;
	const struct script_step *st = &s->steps[s->cur];
	s->timer = 0;
	s->replying = false;
	if (st->reply) {
		int rc = buf_append(&s->out, st->reply, st->reply_len);
		if (rc < 0)
			script_fail(s, rc, "reply");
		flush_out(s);
	}
	s->cur++;
	progress(s);
	return HAL_TIMER_STOP;
}

static void start_reply(struct hal_serial_script *s)
{
	int rc = hal_loop_add_timer(s->loop, s->steps[s->cur].delay_ms, reply_due, s, &s->timer);
	if (rc < 0) {
		script_fail(s, rc, "timer");
		return;
	}
	s->replying = true;
}

static void set_aside(struct hal_serial_script *s, size_t n)
{
	int rc = buf_append(&s->unexpected, s->in.data, n);
	if (rc < 0)
		script_fail(s, rc, "unexpected");
	buf_consume(&s->in, n);
}

/* Match what has arrived against the current step. */
static void progress(struct hal_serial_script *s)
{
	while (s->cur < s->n_steps && !s->replying && !s->err) {
		const struct script_step *st = &s->steps[s->cur];
		if (!st->expect) {
			start_reply(s);
			return;
		}
		size_t n = s->in.len < st->expect_len ? s->in.len : st->expect_len;
		if (memcmp(s->in.data ? s->in.data : "", st->expect, n) != 0) {
			set_aside(s, 1);
			continue;
		}
		if (n < st->expect_len)
			return; /* a prefix so far: wait for the rest */
		buf_consume(&s->in, st->expect_len);
		start_reply(s);
	}
	if (s->cur == s->n_steps && s->in.len > 0)
		set_aside(s, s->in.len);
}

static void script_io(void *arg, int fd, unsigned events)
{
	struct hal_serial_script *s = arg;
	(void)fd;
	if (events & HAL_IO_WRITE)
		flush_out(s);
	if (s->fd < 0 || !(events & (HAL_IO_READ | HAL_IO_ERR)))
		return;
	char tmp[256];
	for (;;) {
		ssize_t n = hal_serial_read(s->peer, tmp, sizeof(tmp));
		if (n == -EAGAIN)
			break;
		if (n < 0) {
			script_fail(s, (int)n, "read");
			break;
		}
		int rc = buf_append(&s->in, tmp, (size_t)n);
		if (rc < 0) {
			script_fail(s, rc, "receive");
			break;
		}
	}
	progress(s);
}

int hal_serial_script_new(struct hal_serial_script **out, struct hal_loop *loop,
			  struct hal_serial *peer_end)
{
	if (!out || !loop || !peer_end)
		return -EINVAL;
	int fd = hal_serial_fd(peer_end);
	if (fd < 0)
		return -EBADF;
	struct hal_serial_script *s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->loop = loop;
	s->peer = peer_end;
	s->fd = fd;
	int rc = hal_loop_watch_fd(loop, fd, HAL_IO_READ, script_io, s);
	if (rc < 0) {
		free(s);
		return rc;
	}
	s->watched = HAL_IO_READ;
	*out = s;
	return 0;
}

static char *dup_bytes(const char *p, size_t *len)
{
	*len = strlen(p);
	char *d = malloc(*len + 1);
	if (d)
		memcpy(d, p, *len + 1);
	return d;
}

int hal_serial_script_push(struct hal_serial_script *s, const struct hal_serial_script_step *step)
{
	if (!s || !step || step->delay_ms < 0)
		return -EINVAL;
	if (s->n_steps == s->cap_steps) {
		size_t cap = s->cap_steps ? s->cap_steps * 2 : 8;
		void *p = realloc(s->steps, cap * sizeof(*s->steps));
		if (!p)
			return -ENOMEM;
		s->steps = p;
		s->cap_steps = cap;
	}
	struct script_step st = {.delay_ms = step->delay_ms};
	if (step->expect && !(st.expect = dup_bytes(step->expect, &st.expect_len)))
		return -ENOMEM;
	if (step->reply && !(st.reply = dup_bytes(step->reply, &st.reply_len))) {
		free(st.expect);
		return -ENOMEM;
	}
	s->steps[s->n_steps++] = st;
	/* Bytes may already be waiting (or set aside when no step was left):
	 * those set aside stay unexpected; waiting ones are matched now. */
	progress(s);
	return 0;
}

int hal_serial_script_inject(struct hal_serial_script *s, const char *bytes)
{
	if (!s || !bytes)
		return -EINVAL;
	if (s->err)
		return s->err;
	int rc = buf_append(&s->out, bytes, strlen(bytes));
	if (rc < 0)
		return rc;
	flush_out(s);
	return s->err;
}

bool hal_serial_script_done(const struct hal_serial_script *s)
{
	return s && s->cur == s->n_steps && !s->replying;
}

const char *hal_serial_script_unexpected(const struct hal_serial_script *s)
{
	if (!s || !s->unexpected.data)
		return "";
	return s->unexpected.data;
}

int hal_serial_script_error(const struct hal_serial_script *s)
{
	return s ? s->err : -EINVAL;
}

void hal_serial_script_destroy(struct hal_serial_script *s)
{
	if (!s)
		return;
	if (s->timer)
		hal_loop_cancel_timer(s->loop, s->timer);
	if (s->fd >= 0 && s->watched)
		hal_loop_unwatch_fd(s->loop, s->fd);
	for (size_t i = 0; i < s->n_steps; i++) {
		free(s->steps[i].expect);
		free(s->steps[i].reply);
	}
	free(s->steps);
	free(s->in.data);
	free(s->out.data);
	free(s->unexpected.data);
	free(s);
}
