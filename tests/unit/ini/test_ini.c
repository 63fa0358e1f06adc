/* hal/ini.h on its own: the line reader (line numbers, NUL bytes, long,
 * indented and key-less lines, empty sections, inih's syntax errors), the
 * "FILE:LINE: message" it reports, the strict number/bool parsers, the
 * bounded copy and the whole-file read. The inputs are made up here; the
 * board and config tests check the same rules through their loaders. */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/ini.h"

/* What the key callback saw; each key name may be set once. */
#define MAX_SEEN 8
struct seen {
	unsigned n;
	char section[MAX_SEEN][32];
	char key[MAX_SEEN][32];
	char value[MAX_SEEN][64];
	int line[MAX_SEEN];
	int first_line[MAX_SEEN]; /* hal_ini_key_seen bookkeeping, by key */
	const char *fail_on;	  /* key whose value the callback refuses */
};

static int on_key(struct hal_ini *ini, void *user, const char *section, const char *key,
		  const char *value)
{
	struct seen *s = user;
	unsigned slot = s->n;

	for (unsigned i = 0; i < s->n; i++)
		if (!strcmp(s->key[i], key) && !strcmp(s->section[i], section))
			slot = i;
	if (hal_ini_key_seen(ini, key, &s->first_line[slot]))
		return -EINVAL;
	if (s->fail_on && !strcmp(key, s->fail_on))
		return hal_ini_fail(ini, ini->lineno, "%s: refused '%s'", key, value);
	assert_true(s->n < MAX_SEEN);
	snprintf(s->section[s->n], sizeof(s->section[0]), "%s", section);
	snprintf(s->key[s->n], sizeof(s->key[0]), "%s", key);
	snprintf(s->value[s->n], sizeof(s->value[0]), "%s", value);
	s->line[s->n] = ini->lineno;
	s->n++;
	return 0;
}

/* Parse text with flags; rc and the caller-facing message. */
static int run(const char *text, size_t len, unsigned flags, struct seen *s, char *err,
	       size_t err_len)
{
	struct hal_ini ini;
	int rc;

	hal_ini_init(&ini, text, len, "t.ini", flags);
	rc = hal_ini_run(&ini, on_key, s);
	hal_ini_error(&ini, rc, err, err_len);
	return rc;
}

static void fails(const char *text, unsigned flags, const char *want)
{
	struct seen s = {0};
	char err[HAL_INI_MSG_LEN + 64];
	int rc = run(text, strlen(text), flags, &s, err, sizeof(err));

	if (rc != -EINVAL || strcmp(err, want))
		fail_msg("<<%s>>: rc %d, err \"%s\", want \"%s\"", text, rc, err, want);
}

static void test_keys_and_lines(void **state)
{
	static const char text[] = "; comment\n"
				   "[a]\n"
				   "x = 1\n"
				   "\n"
				   "# comment\n"
				   "[b.name]\r\n"
				   "y=two words\r\n"
				   "x = 3"; /* no final newline */
	struct seen s = {0};
	char err[64] = "unset";

	(void)state;
	assert_int_equal(run(text, strlen(text), 0, &s, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(s.n, 3);
	assert_string_equal(s.section[0], "a");
	assert_string_equal(s.key[0], "x");
	assert_string_equal(s.value[0], "1");
	assert_int_equal(s.line[0], 3);
	assert_string_equal(s.section[1], "b.name");
	assert_string_equal(s.value[1], "two words");
	assert_int_equal(s.line[1], 7);
	/* Same key name in another section is not a duplicate. */
	assert_string_equal(s.section[2], "b.name");
	assert_string_equal(s.key[2], "x");
	assert_int_equal(s.line[2], 8);
}

static void test_empty_text(void **state)
{
	struct seen s = {0};
	char err[64] = "unset";

	(void)state;
	assert_int_equal(run(NULL, 0, 0, &s, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(s.n, 0);
}

static void test_reader_errors(void **state)
{
	(void)state;
	fails("[a]\nk = 1\n  more\n", 0,
	      "t.ini:3: indented line continues 'k' from line 2: continuation lines are not "
	      "supported");
	fails("[a]\nk = 1\nj = 2\nk = 3\n", 0, "t.ini:4: duplicate key 'k' (first at line 2)");
	fails("k = 1\n[a]\nj = 2\n", 0, "t.ini:1: key 'k' is outside of any [section]");
	fails("[a]\n[b]\nk = 1\n", 0, "t.ini:1: section has no keys");
	fails("[a]\nk = 1\n[b]\n; only a comment\n", 0, "t.ini:3: section has no keys");
	fails("[a]\nk = 1\nno equals sign\nj = 2\n", 0,
	      "t.ini:3: syntax error: expected '[section]' or 'key = value'");
	fails("[a]\nk = 1\n[unclosed\nj = 2\n", 0,
	      "t.ini:3: syntax error: expected '[section]' or 'key = value'");
	/* The first error wins, the callback's included. */
	{
		struct seen s = {.fail_on = "j"};
		char err[128];

		const char *text = "[a]\nk = 1\nj = 2\nq = 3\nk = 4\n";

		assert_int_equal(run(text, strlen(text), 0, &s, err, sizeof(err)), -EINVAL);
		assert_string_equal(err, "t.ini:3: j: refused '2'");
		assert_int_equal(s.n, 1); /* nothing after the error */
	}
}

/* A malformed line under a header: by default the header is reported as
 * empty (the earlier line); with HAL_INI_CONTENT_FILLS_SECTION the line
 * itself is. */
static void test_content_flag(void **state)
{
	(void)state;
	fails("[a]\ngarbage\n", 0, "t.ini:1: section has no keys");
	fails("[a]\ngarbage\n", HAL_INI_CONTENT_FILLS_SECTION,
	      "t.ini:2: syntax error: expected '[section]' or 'key = value'");
	/* Comments and blank lines never fill a section. */
	fails("[a]\n; c\n# c\n\n[b]\nk = 1\n", HAL_INI_CONTENT_FILLS_SECTION,
	      "t.ini:1: section has no keys");
}

static void test_raw_bytes(void **state)
{
	static const char nul[] = "[a]\nk = 1\nj = a\0b\n";
	struct seen s = {0};
	char err[128], want[64];
	/* inih's buffer holds INI_MAX_LINE bytes with the '\n' and the NUL. */
	size_t max = INI_MAX_LINE - 2;
	char *text = malloc(max + 32);

	(void)state;
	assert_int_equal(run(nul, sizeof(nul) - 1, 0, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.ini:3: NUL byte in line");
	assert_non_null(text);
	/* "[a]\n" + "k = " + filler: exactly max characters passes. */
	strcpy(text, "[a]\nk = ");
	memset(text + 8, 'v', max - 4);
	strcpy(text + 8 + max - 4, "\n");
	memset(&s, 0, sizeof(s));
	assert_int_equal(run(text, strlen(text), 0, &s, err, sizeof(err)), 0);
	assert_int_equal(strlen(s.value[0]) > 0, 1);
	/* One more is refused, not cut or split. */
	strcpy(text + 8 + max - 4, "v\n");
	memset(&s, 0, sizeof(s));
	assert_int_equal(run(text, strlen(text), 0, &s, err, sizeof(err)), -EINVAL);
	snprintf(want, sizeof(want), "t.ini:2: line too long (max %zu characters)", max);
	assert_string_equal(err, want);
	assert_int_equal(s.n, 0);
	free(text);
}

static void test_error_text(void **state)
{
	struct hal_ini ini;
	char err[16];

	(void)state;
	hal_ini_init(&ini, "", 0, "f.conf", 0);
	assert_int_equal(hal_ini_fail(&ini, 7, "first %d", 1), -EINVAL);
	assert_int_equal(hal_ini_fail(&ini, 2, "second"), -EINVAL);
	hal_ini_error(&ini, -EINVAL, err, sizeof(err));
	assert_string_equal(err, "f.conf:7: first"); /* bounded by err_len */
	hal_ini_error(&ini, -ENOMEM, err, sizeof(err));
	assert_string_equal(err, "f.conf: out of ");
	hal_ini_error(&ini, 0, err, sizeof(err));
	assert_string_equal(err, "");
	hal_ini_error(&ini, -EINVAL, NULL, 0); /* no buffer: no crash */
	hal_ini_put_err(err, 0, "untouched");
	assert_string_equal(err, "");
	/* Size cap: max passes, max + 1 is refused with its numbers. */
	{
		char big[80] = "unset";

		assert_int_equal(hal_ini_check_size("f.conf", 100, 100, big, sizeof(big)), 0);
		assert_string_equal(big, "unset");
		assert_int_equal(hal_ini_check_size("f.conf", 101, 100, big, sizeof(big)), -EFBIG);
		assert_string_equal(big, "f.conf: too large (101 bytes, max 100)");
	}
	/* Before any header, section errors point at the current line. */
	ini.lineno = 4;
	assert_int_equal(hal_ini_header_line(&ini), 4);
	ini.header_line = 2;
	assert_int_equal(hal_ini_header_line(&ini), 2);
}

static void test_parse_long(void **state)
{
	static const char *const bad[] = {"", "-", " 5", "5 ", "+5", "5x", "0x10", "1e3", "--1"};
	long v = 42;

	(void)state;
	assert_int_equal(hal_ini_parse_long("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(hal_ini_parse_long("-840", -840, 840, &v), 0);
	assert_int_equal(v, -840);
	assert_int_equal(hal_ini_parse_long("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	v = 42;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hal_ini_parse_long(bad[i], -100, 100, &v), -EINVAL);
	assert_int_equal(hal_ini_parse_long("11", 0, 10, &v), -ERANGE);
	assert_int_equal(hal_ini_parse_long("-1", 0, 10, &v), -ERANGE);
	assert_int_equal(hal_ini_parse_long("99999999999999999999999", LONG_MIN, LONG_MAX, &v),
			 -ERANGE);
	assert_int_equal(hal_ini_parse_long("-99999999999999999999999", LONG_MIN, LONG_MAX, &v),
			 -ERANGE);
	assert_int_equal(v, 42); /* untouched on error */
}

static void test_parse_bool(void **state)
{
	bool b = false;

	(void)state;
	assert_int_equal(hal_ini_parse_bool("yes", 0, &b), 0);
	assert_true(b);
	assert_int_equal(hal_ini_parse_bool("0", 0, &b), 0);
	assert_false(b);
	assert_int_equal(hal_ini_parse_bool("1", 0, &b), 0);
	assert_true(b);
	assert_int_equal(hal_ini_parse_bool("false", 0, &b), 0);
	assert_false(b);
	/* Case and on/off only when asked for. */
	assert_int_equal(hal_ini_parse_bool("TRUE", 0, &b), -EINVAL);
	assert_false(b);
	assert_int_equal(hal_ini_parse_bool("TRUE", HAL_INI_BOOL_ANY_CASE, &b), 0);
	assert_true(b);
	assert_int_equal(hal_ini_parse_bool("off", HAL_INI_BOOL_ANY_CASE, &b), -EINVAL);
	assert_int_equal(hal_ini_parse_bool("off", HAL_INI_BOOL_ON_OFF, &b), 0);
	assert_false(b);
	assert_int_equal(hal_ini_parse_bool("On", HAL_INI_BOOL_ON_OFF, &b), -EINVAL);
	assert_int_equal(hal_ini_parse_bool("", HAL_INI_BOOL_ON_OFF | HAL_INI_BOOL_ANY_CASE, &b),
			 -EINVAL);
	assert_int_equal(hal_ini_parse_bool("yes ", HAL_INI_BOOL_ANY_CASE, &b), -EINVAL);
}

static void copy_fails(const char *value, size_t dst_len, size_t min, unsigned flags,
		       const struct hal_ini_charset *cs, const char *want)
{
	struct hal_ini ini;
	char dst[64], err[256];

	assert_true(dst_len <= sizeof(dst));
	memset(dst, 'Z', sizeof(dst));
	hal_ini_init(&ini, "", 0, "c.ini", 0);
	ini.lineno = 5;
	assert_int_equal(hal_ini_copy(&ini, "key", value, dst, dst_len, cs, min, flags), -EINVAL);
	hal_ini_error(&ini, -EINVAL, err, sizeof(err));
	assert_string_equal(err, want);
	for (size_t i = 0; i < sizeof(dst); i++)
		assert_int_equal(dst[i], 'Z'); /* nothing written */
}

static void test_copy(void **state)
{
	struct hal_ini ini;
	char dst[8];

	(void)state;
	hal_ini_init(&ini, "", 0, "c.ini", 0);
	assert_int_equal(
	    hal_ini_copy(&ini, "k", "abc-_9Z", dst, sizeof(dst), &hal_ini_cs_name, 0, 0), 0);
	assert_string_equal(dst, "abc-_9Z"); /* 7 characters fit in 8 */
	assert_false(ini.failed);
	copy_fails("", 8, 0, 0, &hal_ini_cs_name, "c.ini:5: key: empty value");
	copy_fails("abcdefgh", 8, 0, 0, &hal_ini_cs_name,
		   "c.ini:5: key: value too long (8 characters, max 7)");
	/* Length before characters: a long value is reported as long. */
	copy_fails("a b c d e", 8, 0, 0, &hal_ini_cs_name,
		   "c.ini:5: key: value too long (9 characters, max 7)");
	copy_fails("abc", 8, 4, 0, &hal_ini_cs_name,
		   "c.ini:5: key: value too short (3 characters, min 4)");
	copy_fails("ab.c", 8, 0, 0, &hal_ini_cs_name,
		   "c.ini:5: key: bad character 0x2e at position 3 (allowed: letters, digits, "
		   "'_' and '-')");
	copy_fails("ab c", 8, 0, HAL_INI_SECRET, &hal_ini_cs_token,
		   "c.ini:5: key: bad character at position 3 (allowed: printable ASCII "
		   "without blanks)");
	assert_true(hal_ini_charset_ok(&hal_ini_cs_token, "/dev/tty~", 9));
	assert_false(hal_ini_charset_ok(&hal_ini_cs_token, "a\tb", 3));
	assert_false(hal_ini_charset_ok(&hal_ini_cs_token, "\x7f", 1));
	assert_false(hal_ini_charset_ok(&hal_ini_cs_name, "\xc3\xa9", 2));
}

/* A private folder under TMPDIR (or /tmp) for the file tests. */
static void make_dir(char *dir, size_t len)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, len, "%s/test_ini.XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
}

static void write_file(const char *path, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fputc('a' + (int)(i % 26), f);
	assert_int_equal(fclose(f), 0);
}

static void test_read_file(void **state)
{
	char dir[256], path[300], err[512];
	char *buf = (char *)1;
	size_t len = 99;

	(void)state;
	make_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/f.conf", dir);
	/* Exactly max bytes: all of it. */
	write_file(path, 100);
	assert_int_equal(hal_ini_read_file(path, 100, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 100);
	assert_memory_equal(buf, "abcdefghij", 10);
	assert_int_equal(buf[99], 'a' + 99 % 26);
	hal_ini_free_file(buf, len);
	/* One more: max + 1 tells the caller "too large". */
	write_file(path, 101);
	assert_int_equal(hal_ini_read_file(path, 100, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 101);
	hal_ini_free_file(buf, len);
	/* Empty. */
	write_file(path, 0);
	assert_int_equal(hal_ini_read_file(path, 100, &buf, &len, err, sizeof(err)), 0);
	assert_int_equal(len, 0);
	hal_ini_free_file(buf, len);
	assert_int_equal(unlink(path), 0);
	/* Missing. */
	assert_int_equal(hal_ini_read_file(path, 100, &buf, &len, err, sizeof(err)), -ENOENT);
	assert_null(buf);
	assert_int_equal(len, 0);
	assert_non_null(strstr(err, ": cannot open: No such file or directory"));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	/* A directory. */
	assert_int_equal(hal_ini_read_file(dir, 100, &buf, &len, err, sizeof(err)), -EISDIR);
	assert_null(buf);
	snprintf(path, sizeof(path), "%s: is a directory", dir);
	assert_string_equal(err, path);
	/* A FIFO with no writer reads as empty instead of blocking. */
	snprintf(path, sizeof(path), "%s/fifo", dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(hal_ini_read_file(path, 100, &buf, &len, NULL, 0), 0);
	assert_int_equal(len, 0);
	hal_ini_free_file(buf, len);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	hal_ini_free_file(NULL, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_keys_and_lines), cmocka_unit_test(test_empty_text),
	    cmocka_unit_test(test_reader_errors),  cmocka_unit_test(test_content_flag),
	    cmocka_unit_test(test_raw_bytes),	   cmocka_unit_test(test_error_text),
	    cmocka_unit_test(test_parse_long),	   cmocka_unit_test(test_parse_bool),
	    cmocka_unit_test(test_copy),	   cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
