/* The line framer: any cut of the input gives the same lines; noise,
 * overlong lines and the "> " prompt. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "at/at_line.h"

struct sink {
	char out[4096]; /* events joined as "T:line|P|O|" */
	size_t len;
	int stop_after; /* stop feeding after this many events (0: never) */
	int events;
};

static int collect(void *arg, enum at_line_event ev, const char *line, size_t len)
{
	struct sink *s = arg;
	int n;

	if (ev == AT_LINE_TEXT) {
		assert_int_equal(strlen(line), len);
		n = snprintf(s->out + s->len, sizeof(s->out) - s->len, "T:%s|", line);
	} else {
		n = snprintf(s->out + s->len, sizeof(s->out) - s->len, "%c|",
			     ev == AT_LINE_PROMPT ? 'P' : 'O');
	}
	s->len += (size_t)n;
	s->events++;
	return s->stop_after && s->events >= s->stop_after;
}

static void feed_cut(struct at_line_framer *f, const char *data, size_t len, size_t cut,
		     struct sink *s)
{
	for (size_t off = 0; off < len; off += cut) {
		size_t n = len - off < cut ? len - off : cut;
		assert_int_equal(at_line_feed(f, data + off, n, collect, s), n);
	}
}

static const char stream[] = "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n"
			     "\x00\xff\xfe\r\n"      /* line noise */
			     "\xfe\xfeRDY\n"          /* noise before a line, lone LF */
			     "+CMTI: \"SM\",1   \r"   /* trailing spaces, lone CR */
			     "caf\xc3\xa9 ok\r\n";    /* 8-bit inside a line is kept */
static const char expect[] = "T:AT+CSQ|T:+CSQ: 20,99|T:OK|T:RDY|T:+CMTI: \"SM\",1|"
			     "T:caf\xc3\xa9 ok|";

static void test_any_cut_same_lines(void **state)
{
	(void)state;
	for (size_t cut = 1; cut <= sizeof(stream); cut++) {
		struct at_line_framer f;
		struct sink s = { .len = 0 };
		at_line_init(&f);
		feed_cut(&f, stream, sizeof(stream) - 1, cut, &s);
		assert_string_equal(s.out, expect);
		assert_true(f.dropped >= 5);
	}
}

static void test_prompt(void **state)
{
	struct at_line_framer f;
	struct sink s = { .len = 0 };
	static const char in[] = "AT+CMGS=23\r\r\n> 0011AB\x1a\r\n+CMGS: 4\r\n";

	(void)state;
	at_line_init(&f);
	at_line_want_prompt(&f, true);
	feed_cut(&f, in, sizeof(in) - 1, 1, &s);
	assert_string_equal(s.out, "T:AT+CMGS=23|P|T:0011AB|T:+CMGS: 4|");
	/* not wanted: '>' is just text */
	at_line_init(&f);
	memset(&s, 0, sizeof(s));
	feed_cut(&f, "> x\r\n", 5, 2, &s);
	assert_string_equal(s.out, "T:> x|");
}

static void test_overflow_resyncs(void **state)
{
	struct at_line_framer f;
	struct sink s = { .len = 0 };
	static char big[AT_LINE_MAX * 2 + 64];

	(void)state;
	memset(big, 'A', sizeof(big));
	memcpy(big + AT_LINE_MAX * 2, "\r\nOK\r\n", 6);
	at_line_init(&f);
	feed_cut(&f, big, AT_LINE_MAX * 2 + 6, 7, &s);
	assert_string_equal(s.out, "O|T:OK|");
	assert_int_equal(f.overflows, 1);
	/* exactly AT_LINE_MAX fits */
	at_line_init(&f);
	memset(&s, 0, sizeof(s));
	memcpy(big + AT_LINE_MAX, "\r\n", 2);
	feed_cut(&f, big, AT_LINE_MAX + 2, 64, &s);
	assert_int_equal(s.events, 1);
	assert_int_equal(f.overflows, 0);
	assert_int_equal(s.len, AT_LINE_MAX + 3);
}

static void test_stop_mid_chunk(void **state)
{
	struct at_line_framer f;
	struct sink s = { .stop_after = 1 };

	(void)state;
	at_line_init(&f);
	assert_int_equal(at_line_feed(&f, "A\r\nB\r\n", 6, collect, &s), 2);
	assert_string_equal(s.out, "T:A|");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_any_cut_same_lines),
		cmocka_unit_test(test_prompt),
		cmocka_unit_test(test_overflow_resyncs),
		cmocka_unit_test(test_stop_mid_chunk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
