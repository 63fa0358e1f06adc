/* hal_loop on Linux: epoll for fds, one timerfd armed to the earliest timer,
 * one eventfd for wake-ups and stop().
 *
 * Safety during dispatch:
 *   - fd watches live in an array indexed by fd, each with a generation
 *     number that is also stored in the epoll event. An event whose watch was
 *     removed (or replaced by a new watch of the same fd) by an earlier
 *     callback of the same batch is dropped, so no callback ever sees a freed
 *     watch. Callbacks are called with copies of cb/arg, so the array may be
 *     reallocated inside them.
 *   - the timer being run is out of the heap; cancelling it from its own
 *     callback only marks it, and it is freed once the callback returns.
 *   - timers added or rescheduled during a turn wait for the next turn, so
 *     a timer returning 0 cannot starve fds. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "hal/log.h"
#include "hal/loop.h"

LOG_MODULE(log_loop, "loop");

#define LOOP_MAX_WAKERS 32
#define LOOP_BATCH 64
/* epoll data of the internal fds; user watches use (gen << 32 | fd) with a
 * gen below 2^31, so these never collide. */
#define LOOP_TAG_TIMERFD UINT64_MAX
#define LOOP_TAG_EVENTFD (UINT64_MAX - 1)
#define LOOP_GEN_MAX 0x7fffffffu

struct loop_watch {
	uint32_t gen; /* 0: slot unused */
	unsigned events;
	hal_fd_cb cb;
	void *arg;
};

struct loop_timer {
	hal_timer_id id;
	uint64_t seq; /* insertion order: ties on due, and "added this turn" */
	int64_t due_ms;
	hal_timer_cb cb;
	void *arg;
};

struct loop_waker {
	hal_wake_cb cb;
	void *arg;
	atomic_bool pending;
};

struct loop_linux {
	int epfd;
	int timerfd;
	int eventfd;
	struct hal_clock *clock;

	struct loop_watch *watches; /* indexed by fd */
	size_t watch_cap;
	uint32_t next_gen;

	struct loop_timer **heap; /* min-heap on (due_ms, seq) */
	size_t heap_len;
	size_t heap_cap;
	hal_timer_id next_id;
	uint64_t next_seq;
	struct loop_timer *running; /* the timer whose callback runs now */
	bool running_cancelled;
	int64_t armed_ms; /* what the timerfd is set to; -1: disarmed */

	struct loop_waker wakers[LOOP_MAX_WAKERS];
	atomic_uint waker_count;
	atomic_bool stop;
};

/* ---- timer heap ---------------------------------------------------------- */

static bool timer_before(const struct loop_timer *a, const struct loop_timer *b)
{
	if (a->due_ms != b->due_ms)
		return a->due_ms < b->due_ms;
	return a->seq < b->seq;
}

static void heap_swap(struct loop_linux *l, size_t i, size_t j)
{
	struct loop_timer *t = l->heap[i];
	l->heap[i] = l->heap[j];
	l->heap[j] = t;
}

static void heap_up(struct loop_linux *l, size_t i)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (!timer_before(l->heap[i], l->heap[parent]))
			break;
		heap_swap(l, i, parent);
		i = parent;
	}
}

static void heap_down(struct loop_linux *l, size_t i)
{
	for (;;) {
		size_t left = 2 * i + 1, right = left + 1, min = i;
		if (left < l->heap_len && timer_before(l->heap[left], l->heap[min]))
			min = left;
		if (right < l->heap_len && timer_before(l->heap[right], l->heap[min]))
			min = right;
		if (min == i)
			return;
		heap_swap(l, i, min);
		i = min;
	}
}

static int heap_push(struct loop_linux *l, struct loop_timer *t)
{
	if (l->heap_len == l->heap_cap) {
		size_t cap = l->heap_cap ? l->heap_cap * 2 : 16;
		struct loop_timer **h = realloc(l->heap, cap * sizeof(*h));
		if (!h)
			return -ENOMEM;
		l->heap = h;
		l->heap_cap = cap;
	}
	t->seq = l->next_seq++;
	l->heap[l->heap_len++] = t;
	heap_up(l, l->heap_len - 1);
	return 0;
}

static struct loop_timer *heap_remove(struct loop_linux *l, size_t i)
{
	struct loop_timer *t = l->heap[i];
	l->heap_len--;
	if (i != l->heap_len) {
		l->heap[i] = l->heap[l->heap_len];
		heap_up(l, i);
		heap_down(l, i);
	}
	return t;
}

/* ---- fd watches ---------------------------------------------------------- */

static uint32_t loop_epoll_events(unsigned events)
{
	uint32_t ev = 0;
	if (events & HAL_IO_READ)
		ev |= EPOLLIN;
	if (events & HAL_IO_WRITE)
		ev |= EPOLLOUT;
	return ev; /* EPOLLERR and EPOLLHUP are always reported */
}

static int loop_grow_watches(struct loop_linux *l, int fd)
{
	if ((size_t)fd < l->watch_cap)
		return 0;
	size_t cap = l->watch_cap ? l->watch_cap : 64;
	while (cap <= (size_t)fd)
		cap *= 2;
	struct loop_watch *w = realloc(l->watches, cap * sizeof(*w));
	if (!w)
		return -ENOMEM;
	memset(w + l->watch_cap, 0, (cap - l->watch_cap) * sizeof(*w));
	l->watches = w;
	l->watch_cap = cap;
	return 0;
}

static int loop_watch_fd(void *ctx, int fd, unsigned events, hal_fd_cb cb, void *arg)
{
	struct loop_linux *l = ctx;
	if (fd < 0 || !cb || (events & ~(unsigned)(HAL_IO_READ | HAL_IO_WRITE | HAL_IO_ERR)))
		return -EINVAL;
	/* Before growing the table to fd's size: fd must exist. */
	if (fcntl(fd, F_GETFD) < 0)
		return -errno;
	int rc = loop_grow_watches(l, fd);
	if (rc < 0)
		return rc;
	struct loop_watch *w = &l->watches[fd];
	bool replace = w->gen != 0;
	uint32_t gen = replace ? w->gen : l->next_gen;
	struct epoll_event ev = { .events = loop_epoll_events(events),
				  .data.u64 = (uint64_t)gen << 32 | (uint32_t)fd };
	if (epoll_ctl(l->epfd, replace ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) < 0) {
		/* The owner may have closed and reopened the fd number without
		 * unwatching: epoll dropped the old one, so add it afresh. */
		if (!(replace && errno == ENOENT &&
		      epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) == 0))
			return -errno;
	}
	if (!replace)
		l->next_gen = l->next_gen >= LOOP_GEN_MAX ? 1 : l->next_gen + 1;
	*w = (struct loop_watch){ .gen = gen, .events = events, .cb = cb, .arg = arg };
	return 0;
}

static int loop_unwatch_fd(void *ctx, int fd)
{
	struct loop_linux *l = ctx;
	if (fd < 0 || (size_t)fd >= l->watch_cap || l->watches[fd].gen == 0)
		return -ENOENT;
	/* Fails harmlessly when the owner already closed fd (epoll forgot it). */
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&l->watches[fd], 0, sizeof(l->watches[fd]));
	return 0;
}

/* ---- timers -------------------------------------------------------------- */

static int loop_add_timer(void *ctx, int64_t delay_ms, hal_timer_cb cb, void *arg,
			  hal_timer_id *id)
{
	struct loop_linux *l = ctx;
	if (delay_ms < 0 || !cb || !id)
		return -EINVAL;
	struct loop_timer *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->id = l->next_id++;
	t->due_ms = hal_clock_mono_ms(l->clock) + delay_ms;
	t->cb = cb;
	t->arg = arg;
	int rc = heap_push(l, t);
	if (rc < 0) {
		free(t);
		return rc;
	}
	*id = t->id;
	return 0;
}

static int loop_cancel_timer(void *ctx, hal_timer_id id)
{
	struct loop_linux *l = ctx;
	if (id == 0)
		return -ENOENT;
	if (l->running && l->running->id == id) {
		if (l->running_cancelled)
			return -ENOENT;
		l->running_cancelled = true;
		return 0;
	}
	/* Linear search: a firmware has tens of timers, not thousands. */
	for (size_t i = 0; i < l->heap_len; i++) {
		if (l->heap[i]->id == id) {
			free(heap_remove(l, i));
			return 0;
		}
	}
	return -ENOENT;
}

/* Set the timerfd to the earliest timer's due time (absolute, so rounding
 * can never wake us before mono_ms reaches it). */
static int loop_arm_timerfd(struct loop_linux *l)
{
	int64_t due = l->heap_len ? l->heap[0]->due_ms : -1;
	if (due == l->armed_ms)
		return 0;
	struct itimerspec its = { 0 };
	if (due >= 0) {
		its.it_value.tv_sec = due / 1000;
		its.it_value.tv_nsec = (due % 1000) * 1000000;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1; /* all zero would disarm */
	}
	if (timerfd_settime(l->timerfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return -errno;
	l->armed_ms = due;
	return 0;
}

/* Run the timers due at the start of this dispatch. Returns callbacks run. */
static int loop_run_timers(struct loop_linux *l)
{
	int64_t now = hal_clock_mono_ms(l->clock);
	uint64_t seq_limit = l->next_seq;
	int ran = 0;
	while (l->heap_len && l->heap[0]->due_ms <= now && l->heap[0]->seq < seq_limit) {
		struct loop_timer *t = heap_remove(l, 0);
		l->running = t;
		l->running_cancelled = false;
		int64_t next = t->cb(t->arg);
		ran++;
		l->running = NULL;
		if (l->running_cancelled || next < 0) {
			if (next < 0 && next != HAL_TIMER_STOP)
				LOG_WRN(&log_loop, NULL, "timer %llu returned %lld: stopped",
					(unsigned long long)t->id, (long long)next);
			free(t);
			continue;
		}
		t->due_ms = hal_clock_mono_ms(l->clock) + next;
		if (heap_push(l, t) < 0) {
			LOG_ERR(&log_loop, NULL, "timer %llu: no memory to reschedule",
				(unsigned long long)t->id);
			free(t);
		}
	}
	return ran;
}

/* ---- wakers and stop ----------------------------------------------------- */

static int loop_add_waker(void *ctx, hal_wake_cb cb, void *arg, hal_waker_id *id)
{
	struct loop_linux *l = ctx;
	if (!cb || !id)
		return -EINVAL;
	unsigned n = atomic_load(&l->waker_count);
	if (n >= LOOP_MAX_WAKERS)
		return -ENOSPC;
	l->wakers[n].cb = cb;
	l->wakers[n].arg = arg;
	atomic_store(&l->wakers[n].pending, false);
	/* Publish the slot only once it is filled (wake() reads the count). */
	atomic_store(&l->waker_count, n + 1);
	*id = n + 1;
	return 0;
}

/* Async-signal-safe: an atomic store and a write(2); errno is preserved. */
static void loop_kick_eventfd(struct loop_linux *l)
{
	int saved = errno;
	uint64_t one = 1;
	/* EAGAIN means the counter is already huge: the loop wakes anyway. */
	ssize_t n = write(l->eventfd, &one, sizeof(one));
	(void)n;
	errno = saved;
}

static int loop_wake(void *ctx, hal_waker_id id)
{
	struct loop_linux *l = ctx;
	if (id == 0 || id > atomic_load(&l->waker_count))
		return -EINVAL;
	atomic_store(&l->wakers[id - 1].pending, true);
	loop_kick_eventfd(l);
	return 0;
}

static void loop_stop(void *ctx)
{
	struct loop_linux *l = ctx;
	atomic_store(&l->stop, true);
	loop_kick_eventfd(l);
}

static int loop_run_wakers(struct loop_linux *l)
{
	uint64_t count;
	/* Drain first: a wake() racing with the scan below re-signals the fd
	 * and is seen next turn, never lost. */
	ssize_t n = read(l->eventfd, &count, sizeof(count));
	(void)n;
	int ran = 0;
	unsigned total = atomic_load(&l->waker_count);
	for (unsigned i = 0; i < total; i++) {
		if (atomic_exchange(&l->wakers[i].pending, false)) {
			l->wakers[i].cb(l->wakers[i].arg);
			ran++;
		}
	}
	return ran;
}

/* ---- the turn ------------------------------------------------------------ */

static int loop_dispatch_fd(struct loop_linux *l, const struct epoll_event *ev)
{
	int fd = (int)(uint32_t)ev->data.u64;
	uint32_t gen = (uint32_t)(ev->data.u64 >> 32);
	/* Unwatched (or re-watched) by an earlier callback of this batch. */
	if ((size_t)fd >= l->watch_cap || l->watches[fd].gen != gen)
		return 0;
	const struct loop_watch *w = &l->watches[fd];
	unsigned events = 0;
	if (ev->events & EPOLLIN)
		events |= HAL_IO_READ;
	if (ev->events & EPOLLOUT)
		events |= HAL_IO_WRITE;
	if (ev->events & (EPOLLERR | EPOLLHUP))
		events |= HAL_IO_ERR;
	events &= w->events | HAL_IO_ERR;
	if (!events)
		return 0;
	hal_fd_cb cb = w->cb; /* copies: the callback may realloc the array */
	void *arg = w->arg;
	cb(arg, fd, events);
	return 1;
}

static int loop_wait_ms(struct loop_linux *l, int64_t max_wait_ms)
{
	if (l->heap_len && l->heap[0]->due_ms <= hal_clock_mono_ms(l->clock))
		return 0;
	if (max_wait_ms < 0)
		return -1;
	return max_wait_ms > INT_MAX ? INT_MAX : (int)max_wait_ms;
}

static int loop_run_once(void *ctx, int64_t max_wait_ms)
{
	struct loop_linux *l = ctx;
	int rc = loop_arm_timerfd(l);
	if (rc < 0)
		return rc;
	struct epoll_event evs[LOOP_BATCH];
	int n = epoll_wait(l->epfd, evs, LOOP_BATCH, loop_wait_ms(l, max_wait_ms));
	if (n < 0) {
		if (errno != EINTR)
			return -errno;
		n = 0; /* a signal: dispatch what is due and let the caller decide */
	}
	int ran = 0;
	for (int i = 0; i < n; i++) {
		if (evs[i].data.u64 == LOOP_TAG_TIMERFD) {
			uint64_t expirations;
			ssize_t r = read(l->timerfd, &expirations, sizeof(expirations));
			(void)r;
			l->armed_ms = -1; /* fired: re-arm next turn */
		} else if (evs[i].data.u64 == LOOP_TAG_EVENTFD) {
			ran += loop_run_wakers(l);
		} else {
			ran += loop_dispatch_fd(l, &evs[i]);
		}
	}
	ran += loop_run_timers(l);
	return ran;
}

static int loop_run(void *ctx)
{
	struct loop_linux *l = ctx;
	/* exchange: a stop() is consumed by the run() it ends. */
	while (!atomic_exchange(&l->stop, false)) {
		int rc = loop_run_once(l, -1);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static struct hal_clock *loop_clock(void *ctx)
{
	struct loop_linux *l = ctx;
	return l->clock;
}

static void loop_destroy(void *ctx)
{
	struct loop_linux *l = ctx;
	if (!l)
		return;
	for (size_t i = 0; i < l->heap_len; i++)
		free(l->heap[i]);
	free(l->heap);
	free(l->watches);
	if (l->epfd >= 0)
		close(l->epfd);
	if (l->timerfd >= 0)
		close(l->timerfd);
	if (l->eventfd >= 0)
		close(l->eventfd);
	free(l);
}

static const struct hal_loop_ops loop_linux_ops = {
	.watch_fd = loop_watch_fd,
	.unwatch_fd = loop_unwatch_fd,
	.add_timer = loop_add_timer,
	.cancel_timer = loop_cancel_timer,
	.add_waker = loop_add_waker,
	.wake = loop_wake,
	.run_once = loop_run_once,
	.run = loop_run,
	.stop = loop_stop,
	.clock = loop_clock,
	.destroy = loop_destroy,
};

static int loop_add_internal(struct loop_linux *l, int fd, uint64_t tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = tag };
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int hal_loop_linux_new(struct hal_loop *out)
{
	if (!out)
		return -EINVAL;
	struct loop_linux *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->clock = hal_clock_linux();
	l->next_gen = 1;
	l->next_id = 1;
	l->armed_ms = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	l->eventfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int rc = 0;
	if (l->epfd < 0 || l->timerfd < 0 || l->eventfd < 0)
		rc = -errno;
	if (rc == 0)
		rc = loop_add_internal(l, l->timerfd, LOOP_TAG_TIMERFD);
	if (rc == 0)
		rc = loop_add_internal(l, l->eventfd, LOOP_TAG_EVENTFD);
	if (rc < 0) {
		LOG_ERR(&log_loop, NULL, "cannot create the epoll loop: %s", strerror(-rc));
		loop_destroy(l);
		return rc;
	}
	out->ops = &loop_linux_ops;
	out->ctx = l;
	return 0;
}
