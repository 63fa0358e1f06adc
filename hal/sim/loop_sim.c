/* Sim loop: the hal_loop seam on a virtual clock. File descriptors are real
 * (socketpairs, ptys, eventfds) and polled with a zero timeout; timers run
 * on the virtual clock, which moves only through advance/step, or through
 * run(), which jumps straight to the next deadline when nothing else is
 * ready ("as fast as possible" simulation).
 *
 * Callback safety: nothing is held across a callback. fd dispatch works on a
 * snapshot of (fd, watch serial) and looks each watch up again before calling
 * it; a running timer is off the list while its callback runs, and a cancel
 * of it is recorded in a chain of running timers. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hal/log.h"
#include "hal/sim.h"
#include "vclock_priv.h"

LOG_MODULE(log_sim_loop, "sim.loop");

#define SIM_MAX_WAKERS	       32
#define SIM_BUSY_LIMIT_DEFAULT 100000

struct sim_watch {
	int fd;
	unsigned events;
	hal_fd_cb cb;
	void *arg;
	uint64_t serial; /* unique per watch_fd call: detects replaced watches */
};

struct sim_timer {
	hal_timer_id id;
	int64_t deadline;
	uint64_t seq; /* insertion order: FIFO among equal deadlines */
	hal_timer_cb cb;
	void *arg;
};

/* A timer whose callback is running; cancel() marks it here. */
struct sim_running {
	hal_timer_id id;
	bool cancelled;
	struct sim_running *outer;
};

struct sim_waker {
	hal_wake_cb cb;
	void *arg;
};

struct loop_sim {
	struct hal_clock *clock;
	int efd; /* eventfd: wakers and stop() interrupt a blocking poll */

	struct sim_watch *watches;
	size_t n_watches, cap_watches;
	uint64_t next_serial;

	struct sim_timer *timers; /* sorted by (deadline, seq) */
	size_t n_timers, cap_timers;
	hal_timer_id next_timer_id;
	uint64_t next_seq;
	struct sim_running *running;

	struct sim_waker wakers[SIM_MAX_WAKERS];
	_Atomic unsigned n_wakers;
	atomic_bool waker_pending[SIM_MAX_WAKERS];

	atomic_bool stop;
	int depth; /* >0 while dispatching: the drivers are not re-entrant */
	unsigned busy_limit;

	/* poll snapshot, reused between passes */
	struct pollfd *pfd;
	uint64_t *pfd_serial;
	size_t cap_pfd;
};

/* ---- fd watches ---- */

static struct sim_watch *watch_find_fd(struct loop_sim *l, int fd)
{
	for (size_t i = 0; i < l->n_watches; i++)
		if (l->watches[i].fd == fd)
			return &l->watches[i];
	return NULL;
}

static struct sim_watch *watch_find_serial(struct loop_sim *l, uint64_t serial)
{
	for (size_t i = 0; i < l->n_watches; i++)
		if (l->watches[i].serial == serial)
			return &l->watches[i];
	return NULL;
}

static int sim_watch_fd(void *ctx, int fd, unsigned events, hal_fd_cb cb, void *arg)
{
	struct loop_sim *l = ctx;
	if (fd < 0 || !cb || (events & ~(unsigned)(HAL_IO_READ | HAL_IO_WRITE | HAL_IO_ERR)))
		return -EINVAL;
	struct sim_watch *w = watch_find_fd(l, fd);
	if (!w) {
		if (l->n_watches == l->cap_watches) {
			size_t cap = l->cap_watches ? l->cap_watches * 2 : 8;
			void *p = realloc(l->watches, cap * sizeof(*l->watches));
			if (!p)
				return -ENOMEM;
			l->watches = p;
			l->cap_watches = cap;
		}
		w = &l->watches[l->n_watches++];
		w->fd = fd;
	}
	w->events = events;
	w->cb = cb;
	w->arg = arg;
	w->serial = ++l->next_serial;
	return 0;
}

static int sim_unwatch_fd(void *ctx, int fd)
{
	struct loop_sim *l = ctx;
	struct sim_watch *w = watch_find_fd(l, fd);
	if (!w)
		return -ENOENT;
	/* Order does not matter: dispatch looks watches up by serial. */
	*w = l->watches[--l->n_watches];
	return 0;
}

/* ---- timers ---- */

static bool timer_before(const struct sim_timer *a, const struct sim_timer *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static int timer_insert(struct loop_sim *l, const struct sim_timer *t)
{
	if (l->n_timers == l->cap_timers) {
		size_t cap = l->cap_timers ? l->cap_timers * 2 : 16;
		void *p = realloc(l->timers, cap * sizeof(*l->timers));
		if (!p)
			return -ENOMEM;
		l->timers = p;
		l->cap_timers = cap;
	}
	size_t lo = 0, hi = l->n_timers;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (timer_before(&l->timers[mid], t))
			lo = mid + 1;
		else
			hi = mid;
	}
	memmove(&l->timers[lo + 1], &l->timers[lo], (l->n_timers - lo) * sizeof(*l->timers));
	l->timers[lo] = *t;
	l->n_timers++;
	return 0;
}

static void timer_remove_at(struct loop_sim *l, size_t i)
{
	memmove(&l->timers[i], &l->timers[i + 1], (l->n_timers - i - 1) * sizeof(*l->timers));
	l->n_timers--;
}

static int64_t now_ms(struct loop_sim *l)
{
	return hal_clock_mono_ms(l->clock);
}

static int sim_add_timer(void *ctx, int64_t delay_ms, hal_timer_cb cb, void *arg, hal_timer_id *id)
{
	struct loop_sim *l = ctx;
	if (delay_ms < 0 || !cb || !id)
		return -EINVAL;
	struct sim_timer t = {
	    .id = ++l->next_timer_id,
	    .deadline = now_ms(l) + delay_ms,
	    .seq = l->next_seq++,
	    .cb = cb,
	    .arg = arg,
	};
	int rc = timer_insert(l, &t);
	if (rc == 0)
		*id = t.id;
	return rc;
}

static int sim_cancel_timer(void *ctx, hal_timer_id id)
{
	struct loop_sim *l = ctx;
	if (id == 0)
		return -ENOENT;
	for (size_t i = 0; i < l->n_timers; i++) {
		if (l->timers[i].id == id) {
			timer_remove_at(l, i);
			return 0;
		}
	}
	for (struct sim_running *r = l->running; r; r = r->outer) {
		if (r->id == id && !r->cancelled) {
			r->cancelled = true; /* its return value will be ignored */
			return 0;
		}
	}
	return -ENOENT;
}

/* Run one timer popped from the front; reschedule it if it asks. */
static void timer_run(struct loop_sim *l, struct sim_timer t)
{
	struct sim_running r = {.id = t.id, .outer = l->running};
	l->running = &r;
	int64_t next = t.cb(t.arg);
	l->running = r.outer;
	if (r.cancelled || next == HAL_TIMER_STOP)
		return;
	if (next < 0) {
		LOG_WRN(&log_sim_loop, NULL, "timer %llu returned %lld: stopped",
			(unsigned long long)t.id, (long long)next);
		return;
	}
	t.deadline = now_ms(l) + next;
	t.seq = l->next_seq++;
	if (timer_insert(l, &t) < 0)
		LOG_ERR(&log_sim_loop, NULL, "timer %llu dropped: out of memory",
			(unsigned long long)t.id);
}

/* ---- wakers ---- */

static int sim_add_waker(void *ctx, hal_wake_cb cb, void *arg, hal_waker_id *id)
{
	struct loop_sim *l = ctx;
	if (!cb || !id)
		return -EINVAL;
	unsigned n = atomic_load(&l->n_wakers);
	if (n >= SIM_MAX_WAKERS)
		return -ENOSPC;
	l->wakers[n].cb = cb;
	l->wakers[n].arg = arg;
	atomic_store(&l->waker_pending[n], false);
	/* Publish after the slot is filled: wake() checks the count. */
	atomic_store(&l->n_wakers, n + 1);
	*id = n + 1;
	return 0;
}

static void efd_signal(struct loop_sim *l)
{
	uint64_t one = 1;
	/* EAGAIN means the counter is already non-zero: the loop will wake. */
	ssize_t rc = write(l->efd, &one, sizeof(one));
	(void)rc;
}

static int sim_wake(void *ctx, hal_waker_id id)
{
	struct loop_sim *l = ctx;
	if (id == 0 || id > atomic_load(&l->n_wakers))
		return -EINVAL;
	if (!atomic_exchange(&l->waker_pending[id - 1], true))
		efd_signal(l);
	return 0;
}

/* ---- dispatch ---- */

static unsigned poll_to_hal(short re)
{
	unsigned ev = 0;
	if (re & (POLLIN | POLLPRI))
		ev |= HAL_IO_READ;
	if (re & POLLOUT)
		ev |= HAL_IO_WRITE;
	if (re & (POLLHUP | POLLERR | POLLNVAL))
		ev |= HAL_IO_ERR;
	return ev;
}

static int pfd_reserve(struct loop_sim *l, size_t n)
{
	if (n <= l->cap_pfd)
		return 0;
	size_t cap = n < 16 ? 16 : n * 2;
	struct pollfd *p = realloc(l->pfd, cap * sizeof(*p));
	if (!p)
		return -ENOMEM;
	l->pfd = p;
	uint64_t *s = realloc(l->pfd_serial, cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	l->pfd_serial = s;
	l->cap_pfd = cap;
	return 0;
}

/* poll the eventfd and every watched fd, waiting at most timeout_ms (real
 * time; -1 forever). Returns the number of pollfds filled or -errno. */
static int pass_poll(struct loop_sim *l, int timeout_ms)
{
	size_t n = 1 + l->n_watches;
	int rc = pfd_reserve(l, n);
	if (rc < 0)
		return rc;
	l->pfd[0] = (struct pollfd){.fd = l->efd, .events = POLLIN};
	l->pfd_serial[0] = 0;
	for (size_t i = 0; i < l->n_watches; i++) {
		const struct sim_watch *w = &l->watches[i];
		short want = 0;
		if (w->events & HAL_IO_READ)
			want |= POLLIN;
		if (w->events & HAL_IO_WRITE)
			want |= POLLOUT;
		l->pfd[i + 1] = (struct pollfd){.fd = w->fd, .events = want};
		l->pfd_serial[i + 1] = w->serial;
	}
	if (poll(l->pfd, n, timeout_ms) < 0) {
		if (errno != EINTR)
			return -errno;
		for (size_t i = 0; i < n; i++)
			l->pfd[i].revents = 0;
	}
	return (int)n;
}

static void efd_drain(struct loop_sim *l)
{
	uint64_t v;
	ssize_t rc = read(l->efd, &v, sizeof(v));
	(void)rc;
}

/* One pass: ready fds, pending wakers, timers due now (only those scheduled
 * before the pass started, so a 0 ms timer loop shows up as a busy pass,
 * not as an endless one). Returns callbacks run or -errno. */
static int sim_pass(struct loop_sim *l, int timeout_ms)
{
	int n = pass_poll(l, timeout_ms);
	if (n < 0)
		return n;
	/* Snapshot before any callback: a callback may re-enter add/watch. */
	uint64_t seq_limit = l->next_seq;
	int64_t now = now_ms(l);
	int ran = 0;
	if (l->pfd[0].revents & POLLIN)
		efd_drain(l);
	/* pfd may be reallocated by nothing here: watch_fd does not touch it. */
	for (int i = 1; i < n; i++) {
		short re = l->pfd[i].revents;
		if (!re)
			continue;
		struct sim_watch *w = watch_find_serial(l, l->pfd_serial[i]);
		if (!w)
			continue; /* unwatched or replaced by an earlier callback */
		if (re & POLLNVAL)
			LOG_WRN(&log_sim_loop, NULL, "fd %d closed while watched", w->fd);
		unsigned ev = poll_to_hal(re) & (w->events | HAL_IO_ERR);
		if (!ev)
			continue;
		w->cb(w->arg, w->fd, ev);
		ran++;
	}
	unsigned nw = atomic_load(&l->n_wakers);
	for (unsigned i = 0; i < nw; i++) {
		if (atomic_exchange(&l->waker_pending[i], false)) {
			l->wakers[i].cb(l->wakers[i].arg);
			ran++;
		}
	}
	while (l->n_timers > 0 && l->timers[0].deadline <= now && l->timers[0].seq < seq_limit) {
		struct sim_timer t = l->timers[0];
		timer_remove_at(l, 0);
		timer_run(l, t);
		ran++;
	}
	return ran;
}

static int until_idle(struct loop_sim *l)
{
	int total = 0;
	for (unsigned pass = 0; pass < l->busy_limit; pass++) {
		int n = sim_pass(l, 0);
		if (n < 0)
			return n;
		if (n == 0)
			return total;
		total = total > INT_MAX - n ? INT_MAX : total + n;
	}
	LOG_ERR(&log_sim_loop, NULL, "still busy after %u passes: livelock", l->busy_limit);
	return -ELOOP;
}

static void clock_to(struct loop_sim *l, int64_t t)
{
	int64_t now = now_ms(l);
	if (t > now)
		hal_vclock_advance(l->clock, t - now);
}

static bool anything_due(struct loop_sim *l)
{
	if (l->n_timers > 0 && l->timers[0].deadline <= now_ms(l))
		return true;
	unsigned nw = atomic_load(&l->n_wakers);
	for (unsigned i = 0; i < nw; i++)
		if (atomic_load(&l->waker_pending[i]))
			return true;
	return false;
}

static int sim_run_once(void *ctx, int64_t max_wait_ms)
{
	struct loop_sim *l = ctx;
	if (l->depth > 0)
		return -EBUSY;
	int timeout = 0;
	if (!anything_due(l))
		timeout = max_wait_ms < 0 ? -1 : max_wait_ms > INT_MAX ? INT_MAX : (int)max_wait_ms;
	l->depth++;
	int rc = sim_pass(l, timeout);
	l->depth--;
	return rc;
}

static int sim_run(void *ctx)
{
	struct loop_sim *l = ctx;
	if (l->depth > 0)
		return -EBUSY;
	l->depth++;
	int rc = 0;
	while (!atomic_load(&l->stop)) {
		int n = sim_pass(l, 0);
		if (n < 0) {
			rc = n;
			break;
		}
		if (n > 0 || atomic_load(&l->stop))
			continue;
		if (l->n_timers > 0) {
			/* Idle with a timer pending: jump straight to it. */
			clock_to(l, l->timers[0].deadline);
			continue;
		}
		n = sim_pass(l, -1); /* nothing to simulate: wait for an fd or a wake */
		if (n < 0) {
			rc = n;
			break;
		}
	}
	atomic_store(&l->stop, false);
	l->depth--;
	return rc;
}

static void sim_stop(void *ctx)
{
	struct loop_sim *l = ctx;
	atomic_store(&l->stop, true);
	efd_signal(l);
}

static struct hal_clock *sim_clock(void *ctx)
{
	struct loop_sim *l = ctx;
	return l->clock;
}

static void sim_destroy(void *ctx)
{
	struct loop_sim *l = ctx;
	if (!l)
		return;
	close(l->efd);
	free(l->watches);
	free(l->timers);
	free(l->pfd);
	free(l->pfd_serial);
	free(l);
}

static const struct hal_loop_ops sim_loop_ops = {
    .watch_fd = sim_watch_fd,
    .unwatch_fd = sim_unwatch_fd,
    .add_timer = sim_add_timer,
    .cancel_timer = sim_cancel_timer,
    .add_waker = sim_add_waker,
    .wake = sim_wake,
    .run_once = sim_run_once,
    .run = sim_run,
    .stop = sim_stop,
    .clock = sim_clock,
    .destroy = sim_destroy,
};

int hal_loop_sim_new(struct hal_loop *out, struct hal_clock *clock)
{
	if (!out || !hal_vclock_is_virtual(clock))
		return -EINVAL;
	struct loop_sim *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (l->efd < 0) {
		int err = -errno;
		free(l);
		return err;
	}
	l->clock = clock;
	l->busy_limit = SIM_BUSY_LIMIT_DEFAULT;
	atomic_init(&l->n_wakers, 0);
	atomic_init(&l->stop, false);
	for (size_t i = 0; i < SIM_MAX_WAKERS; i++)
		atomic_init(&l->waker_pending[i], false);
	out->ops = &sim_loop_ops;
	out->ctx = l;
	return 0;
}

static struct loop_sim *sim_of(struct hal_loop *l)
{
	return l && l->ops == &sim_loop_ops ? l->ctx : NULL;
}

int hal_loop_sim_run_until_idle(struct hal_loop *loop)
{
	struct loop_sim *l = sim_of(loop);
	if (!l)
		return -EINVAL;
	if (l->depth > 0)
		return -EBUSY;
	l->depth++;
	int rc = until_idle(l);
	l->depth--;
	return rc;
}

static int add_count(int total, int n)
{
	return total > INT_MAX - n ? INT_MAX : total + n;
}

int hal_loop_sim_advance(struct hal_loop *loop, int64_t ms)
{
	struct loop_sim *l = sim_of(loop);
	if (!l || ms < 0)
		return -EINVAL;
	if (l->depth > 0)
		return -EBUSY;
	l->depth++;
	int64_t target = now_ms(l) + ms;
	int total = until_idle(l);
	while (total >= 0 && l->n_timers > 0 && l->timers[0].deadline <= target) {
		clock_to(l, l->timers[0].deadline);
		int n = until_idle(l);
		total = n < 0 ? n : add_count(total, n);
	}
	if (total >= 0) {
		clock_to(l, target);
		int n = until_idle(l);
		total = n < 0 ? n : add_count(total, n);
	}
	l->depth--;
	return total;
}

int hal_loop_sim_step(struct hal_loop *loop)
{
	struct loop_sim *l = sim_of(loop);
	if (!l)
		return -EINVAL;
	if (l->depth > 0)
		return -EBUSY;
	if (l->n_timers == 0)
		return -ENOENT;
	l->depth++;
	clock_to(l, l->timers[0].deadline);
	int rc = until_idle(l);
	l->depth--;
	return rc;
}

int64_t hal_loop_sim_next_deadline(struct hal_loop *loop)
{
	struct loop_sim *l = sim_of(loop);
	if (!l || l->n_timers == 0)
		return -1;
	int64_t d = l->timers[0].deadline - now_ms(l);
	return d < 0 ? 0 : d;
}

int hal_loop_sim_set_busy_limit(struct hal_loop *loop, unsigned passes)
{
	struct loop_sim *l = sim_of(loop);
	if (!l || passes == 0)
		return -EINVAL;
	l->busy_limit = passes;
	return 0;
}
