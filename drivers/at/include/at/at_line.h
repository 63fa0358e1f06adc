/* The AT line framer: bytes in, lines out. Pure (no I/O), byte by byte, so
 * it does not care how reads are cut.
 *
 *  - A line ends at CR or LF (CRLF, lone CR, lone LF); empty lines vanish.
 *  - Control bytes (NUL, Ctrl-Z, ESC ...) are dropped; bytes that are not
 *    printable ASCII are dropped at the start of a line (line noise before
 *    "RDY"), kept inside it (operator names in 8-bit charsets). Trailing
 *    spaces are trimmed. A line with nothing printable is dropped.
 *  - A line longer than AT_LINE_MAX is reported once as AT_LINE_OVERFLOW and
 *    the rest of it discarded up to the next line end (resync).
 *  - While want_prompt is set, a '>' at the start of a line is the SMS
 *    prompt (it comes without a line end): AT_LINE_PROMPT, and one following
 *    space is swallowed. */
#ifndef AT_LINE_H
#define AT_LINE_H

#include <stdbool.h>
#include <stddef.h>

/* Longest line kept. A +CMGL/+CMGR PDU line is at most 2 * (12 + 164) = 352
 * hex digits; +CUSD and +COPS=? lists are longer, hence the margin. */
#define AT_LINE_MAX 1024

enum at_line_event {
	AT_LINE_TEXT,     /* a complete line, NUL-terminated, no line end */
	AT_LINE_PROMPT,   /* "> " seen while want_prompt */
	AT_LINE_OVERFLOW, /* a line exceeded AT_LINE_MAX; line = its start */
};
const char *at_line_event_str(enum at_line_event ev);

/* Return 0 to go on, non-zero to stop feeding (the rest of the chunk is not
 * consumed: at_line_feed returns how far it got). */
typedef int (*at_line_cb)(void *arg, enum at_line_event ev, const char *line, size_t len);

struct at_line_framer {
	char buf[AT_LINE_MAX + 1];
	size_t len;
	bool discarding;
	bool want_prompt;
	bool skip_space;
	unsigned long lines;
	unsigned long overflows;
	unsigned long dropped; /* control/garbage bytes dropped */
};

void at_line_init(struct at_line_framer *f);
/* Forget a partial line (after a reopen or a resync). */
void at_line_reset(struct at_line_framer *f);
void at_line_want_prompt(struct at_line_framer *f, bool on);
/* Feed bytes; calls cb for each line or prompt. Returns the number of bytes
 * consumed (len unless cb asked to stop). */
size_t at_line_feed(struct at_line_framer *f, const void *data, size_t len, at_line_cb cb,
		    void *arg);

#endif
