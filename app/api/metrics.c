/* Prometheus text exposition (format 0.0.4). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api_metrics.h"

const double api_metrics_latency_bounds[API_LATENCY_BUCKETS] = {
	0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300,
};

struct buf {
	char *p;
	size_t len, cap;
	int err;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->err)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->err = -EINVAL;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		char *np = realloc(b->p, b->cap * 2 + (size_t)n);
		if (!np) {
			b->err = -ENOMEM;
			return;
		}
		b->p = np;
		b->cap = b->cap * 2 + (size_t)n;
	}
}

/* Label values: escape \ " and newline (names come from config, but a
 * stray quote must not break the exposition). */
static const char *esc(const char *s, char *out, size_t max)
{
	size_t n = 0;

	for (; *s && n + 2 < max; s++) {
		if (*s == '\\' || *s == '"') {
			out[n++] = '\\';
			out[n++] = *s;
		} else if (*s == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else {
			out[n++] = *s;
		}
	}
	out[n] = 0;
	return out;
}

int api_metrics_render(const struct api_metrics *m, char **out, size_t *len)
{
	struct buf b = { .p = malloc(4096), .cap = 4096 };
	char e[2 * 64 + 2];
	uint64_t cum = 0;

	if (!b.p)
		return -ENOMEM;
	b.p[0] = 0;
	put(&b, "# HELP smsrelay_messages Messages by status and channel.\n"
		"# TYPE smsrelay_messages gauge\n");
	for (size_t i = 0; i < m->n_rows && i < API_METRIC_ROWS_MAX; i++)
		put(&b, "smsrelay_messages{status=\"%s\",channel=\"%s\"} %llu\n",
		    msg_status_str(m->rows[i].status), esc(m->rows[i].channel, e, sizeof(e)),
		    (unsigned long long)m->rows[i].count);
	put(&b, "# HELP smsrelay_queue_depth Outbound messages waiting to be sent.\n"
		"# TYPE smsrelay_queue_depth gauge\nsmsrelay_queue_depth %llu\n",
	    (unsigned long long)m->queue_depth);
	put(&b, "# HELP smsrelay_send_latency_seconds From accepted to sent.\n"
		"# TYPE smsrelay_send_latency_seconds histogram\n");
	for (size_t i = 0; i < API_LATENCY_BUCKETS; i++) {
		cum += m->latency_buckets[i];
		put(&b, "smsrelay_send_latency_seconds_bucket{le=\"%g\"} %llu\n",
		    api_metrics_latency_bounds[i], (unsigned long long)cum);
	}
	cum += m->latency_buckets[API_LATENCY_BUCKETS];
	put(&b, "smsrelay_send_latency_seconds_bucket{le=\"+Inf\"} %llu\n",
	    (unsigned long long)cum);
	put(&b, "smsrelay_send_latency_seconds_sum %.6f\n", m->latency_sum_s);
	put(&b, "smsrelay_send_latency_seconds_count %llu\n", (unsigned long long)m->latency_count);
	put(&b, "# HELP smsrelay_retries_total Send attempts after the first.\n"
		"# TYPE smsrelay_retries_total counter\nsmsrelay_retries_total %llu\n",
	    (unsigned long long)m->retries_total);
	put(&b, "# HELP smsrelay_possible_duplicates_total Sends interrupted by a crash and "
		"sent again (the network may have the message twice).\n"
		"# TYPE smsrelay_possible_duplicates_total counter\n"
		"smsrelay_possible_duplicates_total %llu\n",
	    (unsigned long long)m->possible_duplicates);
	put(&b, "# HELP smsrelay_modem_signal_dbm Modem signal strength.\n"
		"# TYPE smsrelay_modem_signal_dbm gauge\n");
	for (size_t i = 0; i < m->n_modems && i < API_MODEMS_MAX; i++)
		put(&b, "smsrelay_modem_signal_dbm{modem=\"%s\"} %d\n",
		    esc(m->modems[i].name, e, sizeof(e)), m->modems[i].signal_dbm);
	put(&b, "# HELP smsrelay_modem_registered Whether the modem is registered.\n"
		"# TYPE smsrelay_modem_registered gauge\n");
	for (size_t i = 0; i < m->n_modems && i < API_MODEMS_MAX; i++)
		put(&b, "smsrelay_modem_registered{modem=\"%s\"} %d\n",
		    esc(m->modems[i].name, e, sizeof(e)), m->modems[i].registered ? 1 : 0);
	put(&b, "# HELP smsrelay_webhook_backlog Webhook deliveries waiting.\n"
		"# TYPE smsrelay_webhook_backlog gauge\nsmsrelay_webhook_backlog %llu\n",
	    (unsigned long long)m->webhook_backlog);
	if (b.err) {
		free(b.p);
		return b.err;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}
