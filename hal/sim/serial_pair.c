/* Serial pair: two hal_serial ends joined by an AF_UNIX stream socketpair, so
 * each end has a real fd that any loop can watch. Faults apply per end:
 * reads cut to a deterministic cap, partial writes, the Nth write failing,
 * the device vanishing (gone) and coming back on a fresh connection (back).
 *
 * Connection lifetime: close()/open() on an end keep the connection (a host
 * reopening its port does not reset the modem); input that arrived while the
 * end was closed is dropped on reopen, as a tty would. gone() shuts the
 * connection down for both ends; back() makes a new socketpair and hands
 * each end its half as "pending": an end's next open() switches to it, and
 * its fd changes then (so unwatch before, re-watch hal_serial_fd() after). */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hal/log.h"
#include "hal/sim.h"

LOG_MODULE(log_sim_serial, "sim.serial");

struct sim_pair;

struct sim_end {
	struct sim_pair *pair;
	int idx;
	int sock;    /* our half of the current connection, -1 none */
	int pending; /* our half of a newer connection, taken by open() */
	bool open;   /* the owner's view: open() .. close() */
	bool gone;
	struct hal_serial_sim_faults faults;
	uint32_t rng;
	unsigned writes; /* write calls since set_faults */
	int dtr, rts;	 /* -1: never set */
};

struct sim_pair {
	struct sim_end *end[2];
};

static const struct hal_serial_ops sim_serial_ops;

static struct sim_end *end_of(struct hal_serial *s)
{
	return s && s->ops == &sim_serial_ops ? s->ctx : NULL;
}

static struct sim_end *peer_of(struct sim_end *e)
{
	return e->pair->end[1 - e->idx];
}

static int io_errno(int err)
{
	if (err == EAGAIN || err == EWOULDBLOCK)
		return -EAGAIN;
	if (err == EPIPE || err == ECONNRESET || err == ENOTCONN)
		return -EIO; /* the other end went away */
	return -err;
}

static void drain(int sock)
{
	char buf[512];
	while (recv(sock, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static bool config_valid(const struct hal_serial_config *cfg)
{
	if (!cfg)
		return true;
	if (cfg->baud != 0 && (cfg->baud < 9600 || cfg->baud > 4000000))
		return false;
	if (cfg->data_bits != 7 && cfg->data_bits != 8)
		return false;
	if (cfg->stop_bits != 1 && cfg->stop_bits != 2)
		return false;
	return cfg->parity == HAL_PARITY_NONE || cfg->parity == HAL_PARITY_EVEN ||
	       cfg->parity == HAL_PARITY_ODD;
}

static int sim_open(void *ctx, const char *path, const struct hal_serial_config *cfg)
{
	struct sim_end *e = ctx;
	(void)path; /* any path names this end */
	if (!config_valid(cfg))
		return -EINVAL;
	if (e->gone)
		return -ENOENT;
	if (e->pending >= 0) {
		if (e->sock >= 0)
			close(e->sock);
		e->sock = e->pending;
		e->pending = -1;
		e->open = true;
		return 0;
	}
	if (e->sock < 0)
		return -ENOENT;
	if (!e->open) {
		drain(e->sock);
		e->open = true;
	}
	return 0;
}

static int usable(const struct sim_end *e)
{
	if (!e->open || e->sock < 0)
		return -EBADF;
	if (e->gone)
		return -ENODEV;
	return 0;
}

/* xorshift32: a deterministic cap sequence per seed (Marsaglia 2003). */
static uint32_t cap_next(struct sim_end *e)
{
	uint32_t x = e->rng;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	e->rng = x;
	return x;
}

static ssize_t sim_read(void *ctx, void *buf, size_t len)
{
	struct sim_end *e = ctx;
	int rc = usable(e);
	if (rc < 0)
		return rc;
	if (len == 0)
		return 0;
	const struct hal_serial_sim_faults *f = &e->faults;
	if (f->read_cap_max > 0) {
		size_t span = f->read_cap_max - f->read_cap_min + 1;
		size_t cap = f->read_cap_min + cap_next(e) % span;
		if (len > cap)
			len = cap;
	}
	ssize_t n = recv(e->sock, buf, len, MSG_DONTWAIT);
	if (n == 0)
		return -EIO; /* peer closed: never a 0-byte read */
	if (n < 0)
		return io_errno(errno);
	return n;
}

static ssize_t sim_write(void *ctx, const void *buf, size_t len)
{
	struct sim_end *e = ctx;
	int rc = usable(e);
	if (rc < 0)
		return rc;
	if (len == 0)
		return 0;
	struct hal_serial_sim_faults *f = &e->faults;
	if (f->fail_write_nth > 0 && ++e->writes == f->fail_write_nth) {
		f->fail_write_nth = 0; /* once */
		return -f->fail_write_errno;
	}
	if (f->write_cap > 0 && len > f->write_cap)
		len = f->write_cap;
	ssize_t n = send(e->sock, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		return io_errno(errno);
	return n;
}

static int sim_fd(void *ctx)
{
	struct sim_end *e = ctx;
	return e->open ? e->sock : -1;
}

static int sim_set_lines(void *ctx, int dtr, int rts)
{
	struct sim_end *e = ctx;
	if (dtr < -1 || dtr > 1 || rts < -1 || rts > 1)
		return -EINVAL;
	int rc = usable(e);
	if (rc < 0)
		return rc;
	if (dtr >= 0)
		e->dtr = dtr;
	if (rts >= 0)
		e->rts = rts;
	return 0;
}

static int sim_flush(void *ctx)
{
	struct sim_end *e = ctx;
	int rc = usable(e);
	if (rc < 0)
		return rc;
	drain(e->sock); /* output already in the socket is the peer's now */
	return 0;
}

static void sim_close(void *ctx)
{
	struct sim_end *e = ctx;
	e->open = false;
}

static void sim_destroy(void *ctx)
{
	struct sim_end *e = ctx;
	if (!e)
		return;
	if (e->sock >= 0)
		close(e->sock); /* the peer sees a hang-up */
	if (e->pending >= 0)
		close(e->pending);
	struct sim_pair *p = e->pair;
	p->end[e->idx] = NULL;
	if (!p->end[0] && !p->end[1])
		free(p);
	free(e);
}

static const struct hal_serial_ops sim_serial_ops = {
    .open = sim_open,
    .read = sim_read,
    .write = sim_write,
    .fd = sim_fd,
    .set_lines = sim_set_lines,
    .flush = sim_flush,
    .close = sim_close,
    .destroy = sim_destroy,
};

static struct sim_end *end_new(struct sim_pair *p, int idx, int sock)
{
	struct sim_end *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->pair = p;
	e->idx = idx;
	e->sock = sock;
	e->pending = -1;
	e->open = true; /* usable at once; open() is accepted too */
	e->dtr = -1;
	e->rts = -1;
	e->rng = 1;
	p->end[idx] = e;
	return e;
}

int hal_serial_sim_pair_new(struct hal_serial *a, struct hal_serial *b)
{
	if (!a || !b || a == b)
		return -EINVAL;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	struct sim_pair *p = calloc(1, sizeof(*p));
	struct sim_end *ea = p ? end_new(p, 0, sv[0]) : NULL;
	struct sim_end *eb = ea ? end_new(p, 1, sv[1]) : NULL;
	if (!eb) {
		free(ea);
		free(p);
		close(sv[0]);
		close(sv[1]);
		return -ENOMEM;
	}
	*a = (struct hal_serial){.ops = &sim_serial_ops, .ctx = ea};
	*b = (struct hal_serial){.ops = &sim_serial_ops, .ctx = eb};
	return 0;
}

int hal_serial_sim_set_faults(struct hal_serial *end, const struct hal_serial_sim_faults *f)
{
	struct sim_end *e = end_of(end);
	if (!e || !f)
		return -EINVAL;
	bool no_cap = f->read_cap_min == 0 && f->read_cap_max == 0;
	if (!no_cap && (f->read_cap_min == 0 || f->read_cap_min > f->read_cap_max))
		return -EINVAL;
	if (f->fail_write_nth > 0 && f->fail_write_errno <= 0)
		return -EINVAL;
	e->faults = *f;
	e->rng = f->seed ? f->seed : 0x9e3779b9u; /* xorshift must not start at 0 */
	e->writes = 0;
	return 0;
}

int hal_serial_sim_gone(struct hal_serial *end)
{
	struct sim_end *e = end_of(end);
	if (!e)
		return -EINVAL;
	if (e->gone)
		return 0;
	e->gone = true;
	/* Both halves see a hang-up: poll reports POLLHUP on each. */
	if (e->sock >= 0)
		shutdown(e->sock, SHUT_RDWR);
	if (e->pending >= 0) {
		close(e->pending);
		e->pending = -1;
	}
	LOG_DBG(&log_sim_serial, NULL, "end %d gone", e->idx);
	return 0;
}

static void give_pending(struct sim_end *e, int sock)
{
	if (e->pending >= 0)
		close(e->pending);
	e->pending = sock;
}

int hal_serial_sim_back(struct hal_serial *end)
{
	struct sim_end *e = end_of(end);
	if (!e)
		return -EINVAL;
	if (!e->gone)
		return 0;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	e->gone = false;
	give_pending(e, sv[0]);
	struct sim_end *peer = peer_of(e);
	if (peer)
		give_pending(peer, sv[1]);
	else
		close(sv[1]); /* nobody there: our end will read a hang-up */
	LOG_DBG(&log_sim_serial, NULL, "end %d back", e->idx);
	return 0;
}

int hal_serial_sim_lines(struct hal_serial *end, int *dtr, int *rts)
{
	struct sim_end *e = end_of(end);
	if (!e)
		return -EINVAL;
	if (dtr)
		*dtr = e->dtr;
	if (rts)
		*rts = e->rts;
	return 0;
}
