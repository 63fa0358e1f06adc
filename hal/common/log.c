/* Logging: levels per module, checked before formatting; instance tags;
 * stderr, syslog or a test sink. */
#include "hal/log.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <time.h>

int log_default_level = LOG_LEVEL_INF;

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static struct log_module *log_modules;
static enum log_target log_target_now = LOG_TO_STDERR;
static log_sink_fn log_sink;
static void *log_sink_arg;

/* Levels named before their module registered (e.g. from the command line
 * while a plugin is not yet loaded). Small and fixed: names are short. */
#define LOG_PENDING_MAX 32
static struct {
	char name[32];
	int level;
} log_pending[LOG_PENDING_MAX];
static size_t log_pending_count;

static const char *const level_names[] = { "none", "error", "warn", "info", "debug" };

void log_register(struct log_module *m)
{
	pthread_mutex_lock(&log_lock);
	if (!m->registered) {
		m->registered = true;
		m->next = log_modules;
		log_modules = m;
		for (size_t i = 0; i < log_pending_count; i++)
			if (strcmp(log_pending[i].name, m->name) == 0)
				m->level = log_pending[i].level;
	}
	pthread_mutex_unlock(&log_lock);
}

int log_level_parse(const char *name)
{
	for (int i = 0; i <= LOG_LEVEL_DBG; i++) {
		if (strcasecmp(name, level_names[i]) == 0)
			return i;
		if (strlen(name) == 3 && strncasecmp(name, level_names[i], 3) == 0)
			return i;
	}
	/* The short tags of the LOG_* macros. */
	static const char *const tags[] = { "", "err", "wrn", "inf", "dbg" };
	for (int i = 1; i <= LOG_LEVEL_DBG; i++)
		if (strcasecmp(name, tags[i]) == 0)
			return i;
	if (strcasecmp(name, "warning") == 0)
		return LOG_LEVEL_WRN;
	return -EINVAL;
}

const char *log_level_str(int level)
{
	if (level < 0 || level > LOG_LEVEL_DBG)
		return "?";
	return level_names[level];
}

struct level_item {
	char name[32];
	int level;
	bool is_default;
};

/* Parse one "name=level" or "level" item. Returns 0 or -EINVAL. */
static int parse_item(const char *item, size_t len, struct level_item *out)
{
	char buf[64];
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, item, len);
	buf[len] = '\0';
	char *eq = strchr(buf, '=');
	const char *lvl = eq ? eq + 1 : buf;
	out->level = log_level_parse(lvl);
	if (out->level < 0)
		return -EINVAL;
	out->is_default = !eq || (eq == buf + 1 && buf[0] == '*');
	if (eq && !out->is_default) {
		*eq = '\0';
		if (buf[0] == '\0' || strlen(buf) >= sizeof(out->name))
			return -EINVAL;
		strcpy(out->name, buf);
	}
	return 0;
}

static void apply_item(const struct level_item *it)
{
	if (it->is_default) {
		log_default_level = it->level;
		return;
	}
	bool found = false;
	for (struct log_module *m = log_modules; m; m = m->next)
		if (strcmp(m->name, it->name) == 0) {
			m->level = it->level;
			found = true;
		}
	if (found)
		return;
	for (size_t i = 0; i < log_pending_count; i++)
		if (strcmp(log_pending[i].name, it->name) == 0) {
			log_pending[i].level = it->level;
			return;
		}
	if (log_pending_count < LOG_PENDING_MAX) {
		strcpy(log_pending[log_pending_count].name, it->name);
		log_pending[log_pending_count++].level = it->level;
	}
}

int log_set_levels(const char *spec)
{
	struct level_item items[LOG_PENDING_MAX];
	size_t n = 0;
	const char *p = spec;
	/* Validate everything first so a bad spec changes nothing. */
	while (*p) {
		size_t len = strcspn(p, ",");
		if (n == LOG_PENDING_MAX || parse_item(p, len, &items[n]) < 0)
			return -EINVAL;
		n++;
		p += len;
		if (*p == ',')
			p++;
	}
	if (n == 0)
		return -EINVAL;
	pthread_mutex_lock(&log_lock);
	for (size_t i = 0; i < n; i++)
		apply_item(&items[i]);
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_set_target(enum log_target t, const char *ident)
{
	pthread_mutex_lock(&log_lock);
	if (t == LOG_TO_SYSLOG && log_target_now != LOG_TO_SYSLOG)
		openlog(ident ? ident : "smsrelay", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	else if (t != LOG_TO_SYSLOG && log_target_now == LOG_TO_SYSLOG)
		closelog();
	log_target_now = t;
	pthread_mutex_unlock(&log_lock);
}

void log_set_sink(log_sink_fn fn, void *arg)
{
	pthread_mutex_lock(&log_lock);
	log_sink = fn;
	log_sink_arg = arg;
	pthread_mutex_unlock(&log_lock);
}

static int syslog_priority(int level)
{
	switch (level) {
	case LOG_LEVEL_ERR:
		return LOG_ERR;
	case LOG_LEVEL_WRN:
		return LOG_WARNING;
	case LOG_LEVEL_INF:
		return LOG_INFO;
	default:
		return LOG_DEBUG;
	}
}

void log_vwrite(const struct log_module *m, const char *instance, int level, const char *fmt,
		va_list ap)
{
	char msg[1024];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n >= (int)sizeof(msg))
		memcpy(msg + sizeof(msg) - 4, "...", 4);
	static const char tags[] = " EWID";
	char tag = tags[level >= 0 && level <= LOG_LEVEL_DBG ? level : 0];

	pthread_mutex_lock(&log_lock);
	if (log_sink) {
		log_sink(log_sink_arg, level, m->name, instance, msg);
	} else if (log_target_now == LOG_TO_SYSLOG) {
		if (instance)
			syslog(syslog_priority(level), "%s[%s]: %s", m->name, instance, msg);
		else
			syslog(syslog_priority(level), "%s: %s", m->name, msg);
	} else {
		struct timespec ts;
		struct tm tm;
		clock_gettime(CLOCK_REALTIME, &ts);
		gmtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld %c %s%s%s%s: %s\n", tm.tm_hour, tm.tm_min,
			tm.tm_sec, ts.tv_nsec / 1000000, tag, m->name, instance ? "[" : "",
			instance ? instance : "", instance ? "]" : "", msg);
	}
	pthread_mutex_unlock(&log_lock);
}

void log_write(const struct log_module *m, const char *instance, int level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_vwrite(m, instance, level, fmt, ap);
	va_end(ap);
}

char *log_escape(char *dst, size_t dst_len, const void *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = src;
	size_t o = 0;
	if (dst_len == 0)
		return dst;
	for (size_t i = 0; i < len; i++) {
		char tmp[4];
		size_t n = 0;
		unsigned char c = s[i];
		if (c == '\r' || c == '\n' || c == '\t' || c == '\\') {
			tmp[n++] = '\\';
			tmp[n++] = c == '\r' ? 'r' : c == '\n' ? 'n' : c == '\t' ? 't' : '\\';
		} else if (isprint(c)) {
			tmp[n++] = (char)c;
		} else {
			tmp[n++] = '\\';
			tmp[n++] = 'x';
			tmp[n++] = hex[c >> 4];
			tmp[n++] = hex[c & 15];
		}
		if (o + n + 4 > dst_len) { /* room for "..." + NUL */
			if (dst_len >= 4) {
				memcpy(dst + (o < dst_len - 4 ? o : dst_len - 4), "...", 4);
				return dst;
			}
			break;
		}
		memcpy(dst + o, tmp, n);
		o += n;
	}
	dst[o < dst_len ? o : dst_len - 1] = '\0';
	return dst;
}
