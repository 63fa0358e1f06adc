#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "mock_harness.h"

int mock_start(struct mock_proc *m, const char *const *extra)
{
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	const char *argv[32] = { MOCKPROVIDER_PATH, "--port", "0", "--account", MOCK_ACCOUNT,
				 "--token", MOCK_TOKEN, "--telesign-customer", MOCK_TS_CUSTOMER,
				 "--telesign-key", MOCK_TS_KEY };
	int n = 11;
	for (int i = 0; extra && extra[i] && n < 31; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execv(argv[0], (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	close(fds[1]);
	m->pid = pid;
	/* Read the ready line; the 10 s cap only guards a broken binary. */
	char buf[256] = "";
	size_t len = 0;
	while (!strchr(buf, '\n') && len < sizeof(buf) - 1) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		if (poll(&p, 1, 10000) <= 0)
			break;
		ssize_t r = read(fds[0], buf + len, sizeof(buf) - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		buf[len] = '\0';
	}
	close(fds[0]);
	const char *u = strstr(buf, "http://");
	char *nl = u ? strchr(u, '\n') : NULL;
	if (!u || !nl || (size_t)(nl - u) >= sizeof(m->url)) {
		mock_stop(m);
		return -EIO;
	}
	memcpy(m->url, u, (size_t)(nl - u));
	m->url[nl - u] = '\0';
	return 0;
}

void mock_stop(struct mock_proc *m)
{
	if (m->pid > 0) {
		kill(m->pid, SIGTERM);
		waitpid(m->pid, NULL, 0);
	}
	m->pid = 0;
}

static size_t sink(char *p, size_t s, size_t n, void *ud)
{
	FILE *f = ud;
	return fwrite(p, s, n, f);
}

static long http_do(const struct mock_proc *m, const char *path, const char *form, char **body)
{
	char url[256];
	snprintf(url, sizeof(url), "%s%s", m->url, path);
	size_t blen = 0;
	char *b = NULL;
	FILE *f = open_memstream(&b, &blen);
	CURL *e = curl_easy_init();
	curl_easy_setopt(e, CURLOPT_URL, url);
	if (form)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, form);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, f);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 10000L);
	long status = -1;
	if (curl_easy_perform(e) == CURLE_OK)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(e);
	fclose(f);
	if (body)
		*body = b;
	else
		free(b);
	return status;
}

long mock_post(const struct mock_proc *m, const char *path, const char *form)
{
	return http_do(m, path, form, NULL);
}

json_t *mock_get_json(const struct mock_proc *m, const char *path)
{
	char *b = NULL;
	long s = http_do(m, path, NULL, &b);
	json_t *j = s == 200 && b ? json_loads(b, 0, NULL) : NULL;
	free(b);
	return j;
}

long mock_stat(const struct mock_proc *m, const char *name)
{
	json_t *j = mock_get_json(m, "/_mock/stats");
	long v = j ? (long)json_integer_value(json_object_get(j, name)) : -1;
	json_decref(j);
	return v;
}

static void rec_part(void *arg, uint64_t id, unsigned part, unsigned total, const char *ref)
{
	struct recorder *r = arg;
	(void)id;
	/* channel.h: parts count from 0; a provider's one reference is part 0
	 * of 1 (the outbox refuses anything else). */
	assert_true(total >= 1);
	assert_true(part < total);
	if (r->parts < REC_MAX)
		snprintf(r->part_ref[r->parts], CHANNEL_REF_MAX, "%s", ref);
	r->parts++;
}

static void rec_done(void *arg, uint64_t id, const struct channel_outcome *o)
{
	struct recorder *r = arg;
	if (r->done_count < REC_MAX) {
		r->done[r->done_count] = *o;
		r->done_id[r->done_count] = id;
	}
	r->done_count++;
}

static void rec_delivery(void *arg, const struct channel_report *rep)
{
	struct recorder *r = arg;
	if (r->reports < REC_MAX)
		r->report[r->reports] = *rep;
	r->reports++;
}

static int rec_inbound(void *arg, const struct channel_inbound *in)
{
	struct recorder *r = arg;
	if (r->inbound_rc)
		return r->inbound_rc;
	if (r->inbound < REC_MAX) {
		snprintf(r->inbound_ref[r->inbound], CHANNEL_REF_MAX, "%s", in->source_ref);
		snprintf(r->inbound_text[r->inbound], 64, "%.*s", (int)in->text_len, in->text);
	}
	r->inbound++;
	return 0;
}

static void rec_health(void *arg, const struct channel_health *h)
{
	struct recorder *r = arg;
	(void)h;
	r->health++;
}

void recorder_events(struct recorder *r, struct channel_events *ev)
{
	memset(r, 0, sizeof(*r));
	*ev = (struct channel_events){ .part_sent = rec_part, .submit_done = rec_done,
				       .delivery = rec_delivery, .inbound = rec_inbound,
				       .health = rec_health, .arg = r };
}

bool loop_until(struct hal_loop *l, const unsigned *counter, unsigned want, int64_t cap_ms)
{
	int64_t start = hal_loop_now_ms(l);
	while (*counter < want) {
		if (hal_loop_now_ms(l) - start > cap_ms)
			return false;
		if (hal_loop_run_once(l, 50) < 0)
			return false;
	}
	return true;
}
