/* libcurl multi on hal_loop (see cloud/curl_loop.h). curl tells us which
 * sockets to watch and when to call it back; we translate that into
 * hal_loop watches and one timer, and hand finished transfers to their
 * owners. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include <libssh2.h>

#include "cloud/curl_loop.h"
#include "hal/log.h"

LOG_MODULE(log_curl, "curl");

/* One running transfer; stored in the easy handle's CURLOPT_PRIVATE. */
struct curl_xfer {
	CURL *easy;
	curl_loop_done_cb cb;
	void *arg;
	struct curl_xfer *next;
};

struct curl_loop {
	struct hal_loop *loop;
	CURLM *multi;
	hal_timer_id timer;
	struct curl_xfer *xfers;
	unsigned running;
	bool dispatching; /* guards against re-entry from a done callback */
};

static void curl_loop_reap(struct curl_loop *cl);

static void curl_loop_on_fd(void *arg, int fd, unsigned events)
{
	struct curl_loop *cl = arg;
	int mask = 0;
	if (events & HAL_IO_READ)
		mask |= CURL_CSELECT_IN;
	if (events & HAL_IO_WRITE)
		mask |= CURL_CSELECT_OUT;
	if (events & HAL_IO_ERR)
		mask |= CURL_CSELECT_ERR;
	int still;
	curl_multi_socket_action(cl->multi, fd, mask, &still);
	curl_loop_reap(cl);
}

static int64_t curl_loop_on_timer(void *arg)
{
	struct curl_loop *cl = arg;
	cl->timer = 0; /* this timer ends; curl may ask for a new one below */
	int still;
	curl_multi_socket_action(cl->multi, CURL_SOCKET_TIMEOUT, 0, &still);
	curl_loop_reap(cl);
	return HAL_TIMER_STOP;
}

/* CURLMOPT_SOCKETFUNCTION */
static int curl_loop_sock_cb(CURL *easy, curl_socket_t s, int what, void *userp, void *sockp)
{
	(void)easy;
	(void)sockp;
	struct curl_loop *cl = userp;
	if (what == CURL_POLL_REMOVE) {
		hal_loop_unwatch_fd(cl->loop, s); /* -ENOENT when never watched */
		return 0;
	}
	unsigned ev = 0;
	if (what == CURL_POLL_IN || what == CURL_POLL_INOUT)
		ev |= HAL_IO_READ;
	if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
		ev |= HAL_IO_WRITE;
	int rc = hal_loop_watch_fd(cl->loop, s, ev, curl_loop_on_fd, cl);
	if (rc < 0) {
		LOG_ERR(&log_curl, NULL, "watch fd %d: %d", (int)s, rc);
		return -1; /* curl fails the transfer */
	}
	return 0;
}

/* CURLMOPT_TIMERFUNCTION */
static int curl_loop_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
	(void)multi;
	struct curl_loop *cl = userp;
	if (cl->timer) {
		hal_loop_cancel_timer(cl->loop, cl->timer);
		cl->timer = 0;
	}
	if (timeout_ms < 0)
		return 0;
	int rc = hal_loop_add_timer(cl->loop, timeout_ms, curl_loop_on_timer, cl, &cl->timer);
	if (rc < 0) {
		LOG_ERR(&log_curl, NULL, "add timer: %d", rc);
		return -1;
	}
	return 0;
}

static struct curl_xfer *curl_loop_unlink(struct curl_loop *cl, CURL *easy)
{
	for (struct curl_xfer **pp = &cl->xfers; *pp; pp = &(*pp)->next) {
		if ((*pp)->easy == easy) {
			struct curl_xfer *x = *pp;
			*pp = x->next;
			cl->running--;
			return x;
		}
	}
	return NULL;
}

/* Hand every finished transfer to its owner. */
static void curl_loop_reap(struct curl_loop *cl)
{
	if (cl->dispatching)
		return;
	cl->dispatching = true;
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(cl->multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		CURL *easy = msg->easy_handle;
		CURLcode result = msg->data.result;
		curl_multi_remove_handle(cl->multi, easy);
		struct curl_xfer *x = curl_loop_unlink(cl, easy);
		if (!x)
			continue;
		curl_loop_done_cb cb = x->cb;
		void *arg = x->arg;
		free(x);
		cb(arg, easy, result);
	}
	cl->dispatching = false;
}

int curl_loop_new(struct hal_loop *loop, struct curl_loop **out)
{
	if (!loop || !out)
		return -EINVAL;
	/* Idempotent in practice; curl keeps a counter (thread-safe since
	 * 7.84 when built with threading support).
	 *
	 * libssh2 first, without crypto: curl's global init calls
	 * libssh2_init(0), which on Debian sets up OpenSSL (every engine and
	 * algorithm: 1.5 MB of resident pages) for SSH transfers we never
	 * make (every handle is limited to http,https). libssh2 does its
	 * crypto set-up only in the first of its counted inits, so ours,
	 * with LIBSSH2_INIT_NO_CRYPTO, makes curl's a counter bump. TLS
	 * itself is GnuTLS, shared with libmicrohttpd (docs/benchmarks.md, Footprint). */
	if (libssh2_init(LIBSSH2_INIT_NO_CRYPTO) != 0)
		return -EIO;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		libssh2_exit();
		return -EIO;
	}
	struct curl_loop *cl = calloc(1, sizeof(*cl));
	if (!cl)
		return -ENOMEM;
	cl->loop = loop;
	cl->multi = curl_multi_init();
	if (!cl->multi) {
		free(cl);
		curl_global_cleanup();
		libssh2_exit();
		return -EIO;
	}
	curl_multi_setopt(cl->multi, CURLMOPT_SOCKETFUNCTION, curl_loop_sock_cb);
	curl_multi_setopt(cl->multi, CURLMOPT_SOCKETDATA, cl);
	curl_multi_setopt(cl->multi, CURLMOPT_TIMERFUNCTION, curl_loop_timer_cb);
	curl_multi_setopt(cl->multi, CURLMOPT_TIMERDATA, cl);
	*out = cl;
	return 0;
}

void curl_loop_free(struct curl_loop *cl)
{
	if (!cl)
		return;
	while (cl->xfers) {
		struct curl_xfer *x = cl->xfers;
		cl->xfers = x->next;
		curl_multi_remove_handle(cl->multi, x->easy);
		free(x);
	}
	if (cl->timer)
		hal_loop_cancel_timer(cl->loop, cl->timer);
	cl->timer = 0;
	curl_multi_cleanup(cl->multi); /* may call sock_cb REMOVE: cl still valid */
	free(cl);
	curl_global_cleanup();
	libssh2_exit();
}

int curl_loop_add(struct curl_loop *cl, CURL *easy, curl_loop_done_cb cb, void *arg)
{
	if (!cl || !easy || !cb)
		return -EINVAL;
	for (struct curl_xfer *x = cl->xfers; x; x = x->next)
		if (x->easy == easy)
			return -EEXIST;
	struct curl_xfer *x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	*x = (struct curl_xfer){ .easy = easy, .cb = cb, .arg = arg, .next = cl->xfers };
	curl_easy_setopt(easy, CURLOPT_PRIVATE, x);
	if (curl_multi_add_handle(cl->multi, easy) != CURLM_OK) {
		free(x);
		return -EIO;
	}
	cl->xfers = x;
	cl->running++;
	return 0;
}

int curl_loop_remove(struct curl_loop *cl, CURL *easy)
{
	struct curl_xfer *x = cl ? curl_loop_unlink(cl, easy) : NULL;
	if (!x)
		return -ENOENT;
	curl_multi_remove_handle(cl->multi, easy);
	free(x);
	return 0;
}

unsigned curl_loop_running(const struct curl_loop *cl)
{
	return cl ? cl->running : 0;
}
