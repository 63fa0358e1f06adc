/* hal_ini: the strict INI machinery shared by the board.conf loader
 * (hal/board) and the daemon config (app/config), on top of inih.
 *
 * inih splits text into (section, key, value). Debian's libinih is built
 * without INI_HANDLER_LINENO and keeps its options (multi-line values,
 * inline comments, line length) in process-wide variables, which this
 * module never writes. Instead the text goes through our own line reader,
 * which:
 *   - counts lines, so every error is "FILE:LINE: message";
 *   - refuses NUL bytes and over-long lines instead of letting inih cut or
 *     split them;
 *   - notices indented lines, which inih glues onto the previous key as a
 *     continuation (hal_ini_key_seen() reports them);
 *   - reports a [section] with no key after it;
 *   - stops the parse at the first error.
 * The caller's key callback checks sections and values; the helpers below
 * (numbers, booleans, bounded copies) report through hal_ini_fail() at the
 * current line, so both loaders word the same mistakes the same way.
 *
 * Usage:
 *	struct hal_ini ini;
 *	hal_ini_init(&ini, text, len, "board.conf", 0);
 *	rc = hal_ini_run(&ini, my_key_fn, my_state);
 *	if (!rc)
 *		rc = my_whole_file_checks(...);  (may call hal_ini_fail)
 *	hal_ini_error(&ini, rc, err, err_len);
 */
#ifndef HAL_INI_H
#define HAL_INI_H

#include <stdbool.h>
#include <stddef.h>

/* Longest message kept (without "FILE:LINE: "). */
#define HAL_INI_MSG_LEN 512

/* hal_ini_init() flags. */
/* Any non-blank, non-comment line, even a malformed one, counts as content
 * of the section above it, so "[s]\ngarbage" reports inih's syntax error
 * at line 2 rather than "section has no keys" at line 1. */
#define HAL_INI_CONTENT_FILLS_SECTION 0x1u

struct hal_ini;

/* Called once per "key = value" line. section is "" before the first
 * [header]. Returns 0, or reports with hal_ini_fail() and returns < 0; the
 * parse stops at the first error either way. */
typedef int (*hal_ini_key_fn)(struct hal_ini *ini, void *user, const char *section, const char *key,
			      const char *value);

struct hal_ini {
	/* input */
	const char *text;
	size_t len;
	size_t pos;
	const char *file; /* for messages */
	unsigned flags;
	hal_ini_key_fn on_key;
	void *user;
	/* where the reader is */
	int lineno;	    /* current line, 1-based */
	bool line_indented; /* the current line starts with a blank */
	int header_line;    /* line of the last [header], 0 = none */
	unsigned keys_since_header;
	unsigned keys_total;
	/* first error */
	bool failed;
	int err_line;
	char msg[HAL_INI_MSG_LEN];
};

/* Prepare a parse of (text, len); file names the text in messages and must
 * outlive the parse. text may be NULL when len is 0. */
void hal_ini_init(struct hal_ini *ini, const char *text, size_t len, const char *file,
		  unsigned flags);

/* Run inih over the text, calling on_key for every key. inih's own syntax
 * error ("syntax error: expected '[section]' or 'key = value'") wins when
 * it is on an earlier line than ours.
 * Returns 0, -EINVAL (a message was recorded), or -ENOMEM (a heap-buffer
 * build of inih ran out). */
int hal_ini_run(struct hal_ini *ini, hal_ini_key_fn on_key, void *user);

/* Record the first error at line ("message" without file and line); later
 * calls are ignored. Always returns -EINVAL. */
int hal_ini_fail(struct hal_ini *ini, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The line section-level errors point at: the [header] of the current
 * section, or the current line before any header. */
int hal_ini_header_line(const struct hal_ini *ini);

/* Bookkeeping for one key of a section: *first_line is the line the key
 * was first set on (0 = not yet). Sets it to the current line and returns
 * 0, or reports a duplicate key (or an indented continuation line, which
 * inih presents as the same key again) and returns -EINVAL. */
int hal_ini_key_seen(struct hal_ini *ini, const char *key, int *first_line);

/* The caller-facing message for rc (the loader's result): "" for 0,
 * "FILE: out of memory" for -ENOMEM, "FILE:LINE: message" otherwise.
 * err may be NULL or err_len 0. */
void hal_ini_error(const struct hal_ini *ini, int rc, char *err, size_t err_len);

/* snprintf into a caller's err buffer that may be NULL or of size 0. */
void hal_ini_put_err(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- files ------------------------------------------------------------- */

/* Read the whole of path into a new buffer of at most max bytes (+1 so a
 * caller can tell "exactly max" from "too large": *len == max + 1 means
 * the file is larger). Opened O_NONBLOCK so a FIFO named by mistake cannot
 * hang the caller. On error, err gets "PATH: cannot open: ...", "PATH: is a
 * directory", "PATH: out of memory" or "PATH: cannot read: ...".
 * Returns 0 (free *buf with hal_ini_free_file), -EISDIR, -ENOMEM or the
 * -errno of open/read. */
int hal_ini_read_file(const char *path, size_t max, char **buf, size_t *len, char *err,
		      size_t err_len);

/* A text of len bytes from file may be parsed: 0, or -EFBIG with err
 * "FILE: too large (N bytes, max M)". */
int hal_ini_check_size(const char *file, size_t len, size_t max, char *err, size_t err_len);

/* Wipe (the text may hold secrets) and free a hal_ini_read_file buffer. */
void hal_ini_free_file(char *buf, size_t len);

/* ---- values ---------------------------------------------------------------- */

/* A decimal integer: an optional '-' and digits only, nothing else (no
 * blanks, no '+', no "5x", not empty), in min..max.
 * Returns 0, -EINVAL (not a number) or -ERANGE (out of min..max, or of
 * long). *out is written only on success. */
int hal_ini_parse_long(const char *s, long min, long max, long *out);

/* hal_ini_parse_bool() flags. */
#define HAL_INI_BOOL_ON_OFF   0x1u /* also on / off */
#define HAL_INI_BOOL_ANY_CASE 0x2u /* TRUE, Yes ... */
/* true/yes/1 or false/no/0 (and on/off with HAL_INI_BOOL_ON_OFF).
 * Returns 0 or -EINVAL. */
int hal_ini_parse_bool(const char *s, unsigned flags, bool *out);

/* A set of allowed characters and how messages describe it. */
struct hal_ini_charset {
	const char *allowed; /* "letters, digits, '_' and '-'" */
	bool (*ok)(unsigned char c);
};
extern const struct hal_ini_charset hal_ini_cs_name;  /* [A-Za-z0-9_-] */
extern const struct hal_ini_charset hal_ini_cs_token; /* printable ASCII, no blanks */

/* len characters of s, all in cs. */
bool hal_ini_charset_ok(const struct hal_ini_charset *cs, const char *s, size_t len);

/* hal_ini_copy() flags. */
#define HAL_INI_SECRET 0x1u /* never quote the value, not even one character */

/* Check value for key and copy it to dst (dst_len bytes with the NUL),
 * never truncating. In order, reports "KEY: empty value", "KEY: value too
 * long (N characters, max M)", "KEY: value too short (N characters, min
 * M)" (when min_len > 0) or "KEY: bad character 0xHH at position N
 * (allowed: ...)" at the current line.
 * Returns 0 or -EINVAL; dst is untouched on error. */
int hal_ini_copy(struct hal_ini *ini, const char *key, const char *value, char *dst, size_t dst_len,
		 const struct hal_ini_charset *cs, size_t min_len, unsigned flags);

#endif
