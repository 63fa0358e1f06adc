/* One logging module for the whole firmware.
 *
 *   LOG_MODULE(log_modem, "modem");          // once per .c file
 *   LOG_INF(&log_modem, self->name, "state %s -> %s (%s)", a, b, ev);
 *
 * The level is checked before any argument is evaluated or formatted. Levels
 * are set per module by name (log_set_levels("modem=debug,at=info")); a
 * module without its own level uses the default. The instance ("modem0") may
 * be NULL. Output goes to stderr, syslog, or a sink a test installs. */
#ifndef HAL_LOG_H
#define HAL_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum log_level {
	LOG_LEVEL_NONE = 0,
	LOG_LEVEL_ERR = 1,
	LOG_LEVEL_WRN = 2,
	LOG_LEVEL_INF = 3,
	LOG_LEVEL_DBG = 4,
};

struct log_module {
	const char *name;
	int level; /* -1: use the default */
	struct log_module *next;
	bool registered;
};

extern int log_default_level;

/* Defines a file-local module and registers it before main (constructor), so
 * log_set_levels can find it by name. */
#define LOG_MODULE(sym, modname)                                                             \
	static struct log_module sym = { .name = (modname), .level = -1 };                   \
	__attribute__((constructor)) static void sym##_register(void)                        \
	{                                                                                    \
		log_register(&sym);                                                          \
	}

void log_register(struct log_module *m);

static inline bool log_enabled(const struct log_module *m, int level)
{
	int lim = m->level >= 0 ? m->level : log_default_level;
	return level <= lim;
}

void log_write(const struct log_module *m, const char *instance, int level, const char *fmt,
	       ...) __attribute__((format(printf, 4, 5)));
void log_vwrite(const struct log_module *m, const char *instance, int level, const char *fmt,
		va_list ap) __attribute__((format(printf, 4, 0)));

#define LOG_AT_(lvl, m, inst, ...)                                                           \
	do {                                                                                 \
		if (log_enabled((m), (lvl)))                                                 \
			log_write((m), (inst), (lvl), __VA_ARGS__);                          \
	} while (0)
#define LOG_ERR(m, inst, ...) LOG_AT_(LOG_LEVEL_ERR, m, inst, __VA_ARGS__)
#define LOG_WRN(m, inst, ...) LOG_AT_(LOG_LEVEL_WRN, m, inst, __VA_ARGS__)
#define LOG_INF(m, inst, ...) LOG_AT_(LOG_LEVEL_INF, m, inst, __VA_ARGS__)
#define LOG_DBG(m, inst, ...) LOG_AT_(LOG_LEVEL_DBG, m, inst, __VA_ARGS__)

/* Parse a level name: "none", "error", "warn", "info", "debug", their first
 * three letters, or the macro tags "err", "wrn", "inf", "dbg". Returns the level or -EINVAL. */
int log_level_parse(const char *name);
const char *log_level_str(int level);

/* "debug" sets the default; "modem=debug,at=info" sets modules; "*=warn"
 * the default too. Unknown module names are kept and applied when such a
 * module registers later. Returns 0 or -EINVAL (nothing changed). */
int log_set_levels(const char *spec);

enum log_target {
	LOG_TO_STDERR,
	LOG_TO_SYSLOG,
};
void log_set_target(enum log_target t, const char *ident);

/* A test sink receives each formatted line (without newline) instead of the
 * target; NULL restores the target. */
typedef void (*log_sink_fn)(void *arg, int level, const char *module, const char *instance,
			    const char *msg);
void log_set_sink(log_sink_fn fn, void *arg);

/* Escape bytes for a log line: printable ASCII as is, \r \n \t \\ and \xHH
 * otherwise (Redis sdscatrepr style). Always NUL-terminates when dst_len > 0;
 * truncation is marked with "...". Returns dst. */
char *log_escape(char *dst, size_t dst_len, const void *src, size_t len);

#endif
