/* Line framer: see at_line.h for the rules. */
#include <string.h>

#include "at/at_line.h"

const char *at_line_event_str(enum at_line_event ev)
{
	switch (ev) {
	case AT_LINE_TEXT: return "text";
	case AT_LINE_PROMPT: return "prompt";
	case AT_LINE_OVERFLOW: return "overflow";
	}
	return "?";
}

void at_line_init(struct at_line_framer *f)
{
	memset(f, 0, sizeof(*f));
}

void at_line_reset(struct at_line_framer *f)
{
	f->len = 0;
	f->discarding = false;
	f->skip_space = false;
	f->buf[0] = '\0';
}

void at_line_want_prompt(struct at_line_framer *f, bool on)
{
	f->want_prompt = on;
}

static bool printable(unsigned char b)
{
	return b > 0x20 && b < 0x7f;
}

/* End of line: emit what we have. Returns the callback's verdict. */
static int end_line(struct at_line_framer *f, at_line_cb cb, void *arg)
{
	int rc = 0;

	if (f->discarding) {
		f->discarding = false;
		f->len = 0;
		return 0;
	}
	while (f->len > 0 && (f->buf[f->len - 1] == ' ' || f->buf[f->len - 1] == '\t'))
		f->len--;
	if (f->len > 0) {
		f->buf[f->len] = '\0';
		f->lines++;
		size_t n = f->len;
		f->len = 0;
		rc = cb(arg, AT_LINE_TEXT, f->buf, n);
	}
	return rc;
}

size_t at_line_feed(struct at_line_framer *f, const void *data, size_t len, at_line_cb cb,
		    void *arg)
{
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char b = p[i];
		int rc = 0;

		if (b == '\r' || b == '\n') {
			f->skip_space = false;
			rc = end_line(f, cb, arg);
		} else if (f->skip_space && b == ' ') {
			f->skip_space = false;
		} else if (b < 0x20 || b == 0x7f) {
			f->dropped++; /* NUL, Ctrl-Z echo, ESC, TAB noise */
		} else if (f->discarding) {
			continue;
		} else if (f->len == 0 && !printable(b)) {
			f->dropped++; /* leading noise (bytes >= 0x80, spaces) */
		} else if (f->len == 0 && b == '>' && f->want_prompt) {
			f->skip_space = true;
			rc = cb(arg, AT_LINE_PROMPT, ">", 1);
		} else if (f->len == AT_LINE_MAX) {
			f->buf[f->len] = '\0';
			f->overflows++;
			f->discarding = true;
			rc = cb(arg, AT_LINE_OVERFLOW, f->buf, f->len);
			f->len = 0;
		} else {
			f->skip_space = false;
			f->buf[f->len++] = (char)b;
		}
		if (rc != 0)
			return i + 1;
	}
	return len;
}
