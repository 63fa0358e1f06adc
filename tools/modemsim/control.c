/* The control socket: a Unix stream socket, one command per line, replies
 * from simctl (docs/modemsim.md). Several clients at once; a "wait" blocks
 * only its own client, re-checked every few milliseconds until its
 * condition holds or its timeout passes. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "modemsim.h"
#include "simmodem/simctl.h"

#define MS_WAIT_POLL_MS 5
#define MS_OUT_MAX (64u * 1024 * 1024)

static void ms_client_io(void *arg, int fd, unsigned events);

static void ms_client_close(struct modemsim *app, struct ms_client *c)
{
	if (c->fd < 0)
		return;
	hal_loop_unwatch_fd(&app->loop, c->fd);
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

static void ms_client_flush(struct modemsim *app, struct ms_client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			ms_client_close(app, c);
			return;
		}
		c->out_off += (size_t)n;
	}
	if (c->out_off == c->out_len) {
		c->out_off = c->out_len = 0;
		if (c->closing) {
			ms_client_close(app, c);
			return;
		}
	}
	unsigned ev = HAL_IO_READ | (c->out_len ? HAL_IO_WRITE : 0);
	hal_loop_watch_fd(&app->loop, c->fd, ev, ms_client_io, app);
}

static int ms_client_add(struct ms_client *c, const char *d, size_t n)
{
	if (c->out_len + n > MS_OUT_MAX)
		return -ENOSPC;
	char *p = realloc(c->out, c->out_len + n);
	if (!p)
		return -ENOMEM;
	memcpy(p + c->out_len, d, n);
	c->out = p;
	c->out_len += n;
	return 0;
}

static int64_t ms_wait_tick(void *arg);

/* Run one line; false when it is a wait still pending. */
static bool ms_client_run(struct modemsim *app, struct ms_client *c, const char *line)
{
	if (!strcmp(line, "quit")) {
		ms_client_add(c, "OK\n", 3);
		c->closing = true;
		return true;
	}
	char *reply = NULL;
	size_t len = 0;
	long wait_ms = 0;
	int rc = simctl_exec(app->net, line, &reply, &len, &wait_ms);
	if (rc == -EAGAIN) {
		int64_t now = hal_loop_now_ms(&app->loop);
		if (!c->waiting) {
			c->waiting = true;
			c->wait_deadline = now + wait_ms;
			snprintf(c->wait_line, sizeof(c->wait_line), "%s", line);
		}
		if (now < c->wait_deadline) {
			if (!app->wait_timer)
				hal_loop_add_timer(&app->loop, MS_WAIT_POLL_MS, ms_wait_tick, app,
						   &app->wait_timer);
			return false;
		}
		c->waiting = false;
		ms_client_add(c, "ERR timeout\n", 12);
		return true;
	}
	c->waiting = false;
	if (rc < 0)
		ms_client_add(c, "ERR out of memory\n", 18);
	else
		ms_client_add(c, reply, len);
	free(reply);
	return true;
}

/* Lines waiting in the input buffer, in order; stops at a pending wait. */
static void ms_client_lines(struct modemsim *app, struct ms_client *c)
{
	if (c->waiting && !ms_client_run(app, c, c->wait_line))
		return;
	char *nl;
	while (c->fd >= 0 && !c->closing && (nl = memchr(c->in, '\n', c->in_len))) {
		*nl = '\0';
		size_t used = (size_t)(nl - c->in) + 1;
		if (nl > c->in && nl[-1] == '\r')
			nl[-1] = '\0';
		char line[MS_LINE_MAX];
		memcpy(line, c->in, used);
		memmove(c->in, c->in + used, c->in_len - used);
		c->in_len -= used;
		if (!ms_client_run(app, c, line))
			break;
	}
	if (c->fd >= 0)
		ms_client_flush(app, c);
}

static int64_t ms_wait_tick(void *arg)
{
	struct modemsim *app = arg;
	bool any = false;
	for (size_t i = 0; i < MS_MAX_CLIENTS; i++) {
		struct ms_client *c = &app->clients[i];
		if (c->fd >= 0 && c->waiting)
			ms_client_lines(app, c);
		any |= c->fd >= 0 && c->waiting;
	}
	if (!any)
		app->wait_timer = 0;
	return any ? MS_WAIT_POLL_MS : HAL_TIMER_STOP;
}

static void ms_client_io(void *arg, int fd, unsigned events)
{
	struct modemsim *app = arg;
	struct ms_client *c = NULL;
	for (size_t i = 0; i < MS_MAX_CLIENTS; i++)
		if (app->clients[i].fd == fd)
			c = &app->clients[i];
	if (!c)
		return;
	if (events & HAL_IO_WRITE) {
		ms_client_flush(app, c);
		if (c->fd < 0)
			return;
	}
	if (!(events & (HAL_IO_READ | HAL_IO_ERR)))
		return;
	if (c->in_len == sizeof(c->in)) {
		ms_client_add(c, "ERR line too long\n", 18);
		c->closing = true;
		ms_client_flush(app, c);
		return;
	}
	ssize_t n = read(fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		ms_client_close(app, c);
		return;
	}
	c->in_len += (size_t)n;
	ms_client_lines(app, c);
}

static void ms_on_accept(void *arg, int fd, unsigned events)
{
	struct modemsim *app = arg;
	(void)events;
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0)
			return;
		struct ms_client *c = NULL;
		for (size_t i = 0; i < MS_MAX_CLIENTS && !c; i++)
			if (app->clients[i].fd < 0)
				c = &app->clients[i];
		if (!c) {
			static const char busy[] = "ERR too many clients\n";
			if (write(cfd, busy, sizeof(busy) - 1) < 0) {
				/* nothing more to tell it */
			}
			close(cfd);
			continue;
		}
		memset(c, 0, sizeof(*c));
		c->fd = cfd;
		if (hal_loop_watch_fd(&app->loop, cfd, HAL_IO_READ, ms_client_io, app) < 0)
			ms_client_close(app, c);
	}
}

int ms_control_open(struct modemsim *app, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path) || strlen(path) >= sizeof(app->control)) {
		fprintf(stderr, "modemsim: control socket path too long\n");
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	struct stat st;
	/* A socket left by an earlier run is replaced; any other file is not. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "modemsim: %s exists and is not a socket\n", path);
			return -EEXIST;
		}
		unlink(path);
	}
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
		int e = -errno;
		fprintf(stderr, "modemsim: cannot listen on %s: %s\n", path, strerror(-e));
		close(fd);
		return e;
	}
	int rc = hal_loop_watch_fd(&app->loop, fd, HAL_IO_READ, ms_on_accept, app);
	if (rc < 0) {
		close(fd);
		unlink(path);
		return rc;
	}
	app->listen_fd = fd;
	strcpy(app->control, path);
	return 0;
}

void ms_control_close(struct modemsim *app)
{
	for (size_t i = 0; i < MS_MAX_CLIENTS; i++)
		ms_client_close(app, &app->clients[i]);
	if (app->wait_timer)
		hal_loop_cancel_timer(&app->loop, app->wait_timer);
	app->wait_timer = 0;
	if (app->listen_fd >= 0) {
		hal_loop_unwatch_fd(&app->loop, app->listen_fd);
		close(app->listen_fd);
		unlink(app->control);
	}
	app->listen_fd = -1;
}
