/* hal_board: the shipped boards load, good fixtures load with the values
 * they say, and each bad fixture fails with one exact "FILE:LINE: message"
 * and a zeroed model. Fixtures: tests/fixtures/boards/README.md. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/board.h"

#define BOARDS_DIR SMSRELAY_SOURCE_DIR "/boards"
#define FIXTURES   SMSRELAY_SOURCE_DIR "/tests/fixtures/boards"

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

static void load_ok(const char *path, struct hal_board *b)
{
	char err[HAL_BOARD_ERR_LEN] = "unset";
	int rc = hal_board_load(path, b, err, sizeof(err));

	if (rc)
		fail_msg("%s: rc %d: %s", path, rc, err);
	assert_string_equal(err, "");
}

/* Text in memory must fail at line with msg; the model stays zeroed. */
static void parse_fails(const char *text, int line, const char *msg)
{
	struct hal_board b;
	char err[HAL_BOARD_ERR_LEN];
	char want[64];
	int rc;

	memset(&b, 0xa5, sizeof(b));
	rc = hal_board_parse(text, strlen(text), "mem.conf", &b, err, sizeof(err));
	snprintf(want, sizeof(want), "mem.conf:%d: ", line);
	if (rc != -EINVAL || strncmp(err, want, strlen(want)) || !strstr(err, msg))
		fail_msg("text <<%s>>: rc %d, err \"%s\"; want \"%s...%s\"", text, rc, err, want,
			 msg);
	assert_true(all_zero(&b, sizeof(b)));
}

static void parse_ok(const char *text, struct hal_board *b)
{
	char err[HAL_BOARD_ERR_LEN];
	int rc = hal_board_parse(text, strlen(text), "mem.conf", b, err, sizeof(err));

	if (rc)
		fail_msg("text <<%s>>: rc %d: %s", text, rc, err);
}

#define HEAD "[board]\nname = t\nhal = linux\n[modem.m]\n" /* lines 1-4 */

/* ---- shipped boards ------------------------------------------------------ */

static void test_every_shipped_board_loads(void **state)
{
	DIR *d = opendir(BOARDS_DIR);
	struct dirent *e;
	int n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[512];
		struct hal_board b;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/board.conf", BOARDS_DIR, e->d_name);
		load_ok(path, &b);
		/* A board's name is its folder's name. */
		assert_string_equal(b.name, e->d_name);
		n++;
	}
	closedir(d);
	assert_true(n >= 4);
}

static void test_board_sim(void **state)
{
	struct hal_board b;
	const struct hal_board_modem *m;
	const struct hal_board_gpio *g;

	(void)state;
	load_ok(BOARDS_DIR "/sim/board.conf", &b);
	assert_int_equal(b.backend, HAL_BOARD_BACKEND_SIM);
	assert_int_equal(b.n_modems, 2);
	assert_string_equal(b.modems[0].name, "modem0");
	assert_string_equal(b.modems[0].port, "/tmp/smsrelay-sim/modem0");
	assert_string_equal(b.modems[1].port, "/tmp/smsrelay-sim/modem1");
	assert_false(b.modems[1].port_is_usb);
	assert_int_equal(b.modems[1].profile, HAL_BOARD_PROFILE_GENERIC);
	m = hal_board_find_modem(&b, "modem1");
	assert_ptr_equal(m, &b.modems[1]);
	g = hal_board_modem_pwrkey(&b, m);
	assert_non_null(g);
	assert_string_equal(g->name, "modem1_pwrkey");
	assert_null(hal_board_modem_reset(&b, m));
	assert_false(b.watchdog.enabled);
	assert_string_equal(b.data_dir, "/tmp/smsrelay-sim/data");
}

static void test_board_rpi4_sim7600(void **state)
{
	struct hal_board b;
	const struct hal_board_gpio *g;

	(void)state;
	load_ok(BOARDS_DIR "/rpi4-sim7600/board.conf", &b);
	assert_int_equal(b.backend, HAL_BOARD_BACKEND_LINUX);
	assert_int_equal(b.n_modems, 1);
	/* '#' is not an inline comment in inih: the interface survives. */
	assert_string_equal(b.modems[0].port, "usb:1e0e:9001#2");
	assert_true(b.modems[0].port_is_usb);
	assert_int_equal(b.modems[0].profile, HAL_BOARD_PROFILE_SIM7600);
	assert_int_equal(b.modems[0].serial.baud, 115200);
	g = hal_board_modem_pwrkey(&b, &b.modems[0]);
	assert_non_null(g);
	assert_string_equal(g->line, "GPIO6");
	assert_false(g->active_low);
	assert_int_equal(g->pulse_ms, 2000);
	assert_true(b.watchdog.enabled);
	assert_string_equal(b.watchdog.device, "/dev/watchdog");
	assert_int_equal(b.watchdog.timeout_s, 15);
	assert_string_equal(b.data_dir, "/var/lib/smsrelay");
}

static void test_board_ec25_and_generic(void **state)
{
	struct hal_board b;

	(void)state;
	load_ok(BOARDS_DIR "/rpi-quectel-ec25/board.conf", &b);
	assert_string_equal(b.modems[0].port, "usb:2c7c:0125#2");
	assert_int_equal(b.modems[0].profile, HAL_BOARD_PROFILE_EC25);
	assert_null(hal_board_modem_pwrkey(&b, &b.modems[0]));
	assert_string_equal(hal_board_modem_reset(&b, &b.modems[0])->line, "GPIO26");

	load_ok(BOARDS_DIR "/generic-usb-modem/board.conf", &b);
	assert_int_equal(b.n_gpios, 0);
	assert_int_equal(strncmp(b.modems[0].port, "/dev/serial/by-id/", 18), 0);
	assert_int_equal(b.modems[0].pwrkey_gpio, -1);
}

/* ---- good fixtures --------------------------------------------------------- */

static void test_good_full(void **state)
{
	struct hal_board b;
	const struct hal_board_modem *m;
	const struct hal_board_gpio *g;
	struct hal_gpio_line gl;

	(void)state;
	load_ok(FIXTURES "/good/full.conf", &b);
	assert_string_equal(b.name, "full-board_1");
	assert_string_equal(b.description, "Every key, set to something other than its default");
	m = hal_board_find_modem(&b, "gsm");
	assert_non_null(m);
	assert_string_equal(m->port, "usb:1e0e:9001:SERIAL0123#2");
	assert_int_equal(m->serial.baud, 921600);
	assert_int_equal(m->serial.parity, HAL_PARITY_EVEN);
	assert_int_equal(m->serial.data_bits, 7);
	assert_int_equal(m->serial.stop_bits, 2);
	assert_true(m->serial.rtscts);
	assert_int_equal(m->profile, HAL_BOARD_PROFILE_UBLOX);
	assert_string_equal(m->imei, "490154203237518");
	g = hal_board_modem_pwrkey(&b, m);
	assert_string_equal(g->chip, "/dev/gpiochip1");
	assert_true(g->active_low);
	assert_int_equal(g->initial, 1);
	assert_int_equal(g->pulse_ms, HAL_BOARD_PULSE_MS_MAX);
	g = hal_board_modem_reset(&b, m);
	assert_string_equal(g->line, "17");
	assert_false(g->active_low);
	assert_int_equal(g->pulse_ms, 1);
	g = hal_board_find_gpio(&b, "ring");
	assert_false(g->output);
	hal_board_gpio_line(g, &gl);
	assert_string_equal(gl.name, "ring");
	assert_string_equal(gl.chip, "gpiochip0");
	assert_string_equal(gl.line, "GPIO5");
	assert_false(gl.output);
	assert_int_equal(b.watchdog.timeout_s, 600);
	assert_string_equal(b.watchdog.device, "/dev/watchdog1");
	assert_string_equal(b.data_dir, "/srv/smsrelay/data");
}

static void test_good_max_and_defaults(void **state)
{
	struct hal_board b;

	(void)state;
	load_ok(FIXTURES "/good/max.conf", &b);
	assert_int_equal(b.n_modems, HAL_BOARD_MAX_MODEMS);
	assert_int_equal(b.n_gpios, HAL_BOARD_MAX_GPIOS);
	assert_int_equal(strlen(b.name), HAL_BOARD_NAME_LEN - 1);
	/* References resolve to gpios defined before or after the modem. */
	assert_int_equal(b.modems[0].pwrkey_gpio, 0);
	assert_int_equal(b.modems[0].reset_gpio, 1);
	assert_int_equal(b.modems[2].reset_gpio, 3);

	load_ok(FIXTURES "/good/minimal.conf", &b);
	assert_int_equal(b.modems[0].serial.baud, 115200);
	assert_int_equal(b.modems[0].serial.data_bits, 8);
	assert_int_equal(b.modems[0].serial.stop_bits, 1);
	assert_int_equal(b.modems[0].serial.parity, HAL_PARITY_NONE);
	assert_false(b.modems[0].serial.rtscts);
	assert_int_equal(b.modems[0].profile, HAL_BOARD_PROFILE_GENERIC);
	assert_string_equal(b.modems[0].imei, "");
	assert_false(b.watchdog.enabled);
	assert_string_equal(b.data_dir, HAL_BOARD_DATA_DIR_DEFAULT);
	assert_string_equal(b.description, "");

	load_ok(FIXTURES "/good/crlf.conf", &b);
	assert_string_equal(b.modems[0].port, "/dev/ttyACM0");
	assert_int_equal(b.modems[0].serial.baud, 9600);
}

/* ---- bad fixtures ---------------------------------------------------------- */

struct bad_case {
	const char *file;
	int line;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
    {"unknown-key", 8, "unknown key 'speed' in [modem.modem0]"},
    {"unknown-section", 9, "unknown section [modems.modem1]"},
    {"missing-port", 6, "[modem.modem0]: missing required key 'port'"},
    {"missing-hal", 2, "[board]: missing required key 'hal'"},
    {"missing-board", 1, "missing section [board]"},
    {"bad-baud", 8, "baud: 115201 is not a standard rate"},
    {"baud-garbage", 8, "baud: '115200x' is not a number"},
    {"baud-overflow", 8, "is out of range (9600..4000000)"},
    {"data-bits-9", 8, "data_bits: 9 is out of range (7..8)"},
    {"timeout-zero", 11, "timeout_s: 0 is out of range (1..600)"},
    {"pulse-negative", 13, "pulse_ms: -5 is out of range (0..30000)"},
    {"path-too-long", 10, "data_dir: value too long (150 characters, max 127)"},
    {"duplicate-key", 9, "duplicate key 'baud' (first at line 8)"},
    {"gpio-missing", 8, "pwrkey: no section [gpio.pwr]"},
    {"pwrkey-no-pulse", 8, "pwrkey: [gpio.pwr] has no pulse_ms"},
    {"five-modems", 16, "too many modems: [modem.modem4]"},
    {"empty", 1, "empty file"},
    {"garbage", 1, "syntax error: expected '[section]' or 'key = value'"},
    {"bad-bool", 13, "active_low: 'maybe' is not a boolean (true/false/yes/no/1/0)"},
    {"relative-port", 7, "port: 'ttyUSB2' is not an absolute path"},
    {"bad-usb", 7, "is not usb:VVVV:PPPP[:SERIAL][#N]"},
    {"usb-on-sim", 7, "port: usb: ports need hal = linux"},
    {"bad-imei", 8, "imei: 490154203237519 has a wrong check digit"},
    {"bad-profile", 8, "profile: 'sim9000' is not one of generic|sim800|sim7600|ec25|e3372|ublox"},
    {"section-twice", 11, "section [modem.modem0] appears twice (first at line 6)"},
    {"empty-section", 9, "section has no keys"},
    {"continuation", 8, "continuation lines are not supported"},
    {"outside-section", 2, "key 'name' is outside of any [section]"},
    {"line-too-long", 5, "line too long (max 198 characters)"},
};

static void test_bad_fixtures(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char path[512], want[600], err[HAL_BOARD_ERR_LEN];
		struct hal_board b;
		int rc;

		snprintf(path, sizeof(path), "%s/bad/%s.conf", FIXTURES, c->file);
		snprintf(want, sizeof(want), "%s:%d: ", path, c->line);
		memset(&b, 0x5a, sizeof(b));
		rc = hal_board_load(path, &b, err, sizeof(err));
		if (rc != -EINVAL || strncmp(err, want, strlen(want)) || !strstr(err, c->msg))
			fail_msg("%s: rc %d, err \"%s\"; want line %d and \"%s\"", c->file, rc, err,
				 c->line, c->msg);
		/* One error, one line. */
		assert_null(strchr(err, '\n'));
		assert_true(all_zero(&b, sizeof(b)));
	}
}

/* Every file in bad/ is in the table, so a new fixture cannot go untested. */
static void test_bad_table_covers_folder(void **state)
{
	DIR *d = opendir(FIXTURES "/bad");
	struct dirent *e;
	size_t n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		bool found = false;

		if (len < 6 || strcmp(e->d_name + len - 5, ".conf"))
			continue;
		for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
			found |= strlen(bad_cases[i].file) == len - 5 &&
				 !strncmp(bad_cases[i].file, e->d_name, len - 5);
		if (!found)
			fail_msg("bad/%s has no entry in bad_cases", e->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, sizeof(bad_cases) / sizeof(bad_cases[0]));
}

/* ---- in-memory edge cases ------------------------------------------------- */

static void test_numbers(void **state)
{
	struct hal_board b;

	(void)state;
	parse_fails(HEAD "port = /dev/x\nbaud = +115200\n", 6, "'+115200' is not a number");
	parse_fails(HEAD "port = /dev/x\nbaud = 0x1c200\n", 6, "'0x1c200' is not a number");
	parse_fails(HEAD "port = /dev/x\nbaud = -\n", 6, "'-' is not a number");
	parse_fails(HEAD "port = /dev/x\nbaud = 1 15200\n", 6, "'1 15200' is not a number");
	parse_fails(HEAD "port = /dev/x\nbaud =\n", 6, "baud: empty value");
	parse_fails(HEAD "port = /dev/x\nstop_bits = 0\n", 6,
		    "stop_bits: 0 is out of range (1..2)");
	parse_fails(HEAD "port = /dev/x\nbaud = 4000001\n", 6, "out of range (9600..4000000)");
	parse_fails(HEAD "port = /dev/x\nbaud = 4800\n", 6, "out of range (9600..4000000)");
	parse_fails(HEAD "port = /dev/x\nbaud = 1000001\n", 6, "is not a standard rate");
	parse_ok(HEAD "port = /dev/x\nbaud = 4000000\n", &b);
	assert_int_equal(b.modems[0].serial.baud, 4000000);
	parse_ok(HEAD "port = /dev/x\nbaud = 9600\n", &b);
	assert_int_equal(b.modems[0].serial.baud, 9600);
	parse_fails(HEAD "port=/x\n[gpio.g]\nchip=c\nline=1\npulse_ms=30001\n", 9,
		    "pulse_ms: 30001 is out of range (0..30000)");
	parse_fails(HEAD "port=/x\n[gpio.g]\nchip=c\nline=1\ninitial=2\n", 9,
		    "initial: 2 is out of range (0..1)");
	parse_fails(HEAD "port=/x\n[watchdog]\ndevice=none\ntimeout_s=601\n", 8,
		    "out of range (1..600)");
}

static void test_strings_fit_or_fail(void **state)
{
	char text[512];
	char name[HAL_BOARD_NAME_LEN + 1];
	char path[HAL_BOARD_PATH_LEN + 1];
	struct hal_board b;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text), "[board]\nname = %s\nhal = sim\n[modem.m]\nport = /x\n", name);
	parse_fails(text, 2, "name: value too long (32 characters, max 31)");
	name[HAL_BOARD_NAME_LEN - 1] = '\0';
	snprintf(text, sizeof(text), "[board]\nname = %s\nhal = sim\n[modem.m]\nport = /x\n", name);
	parse_ok(text, &b);
	assert_string_equal(b.name, name);

	path[0] = '/';
	memset(path + 1, 'p', sizeof(path) - 2);
	path[sizeof(path) - 1] = '\0';
	snprintf(text, sizeof(text), HEAD "port = %s\n", path);
	parse_fails(text, 5, "port: value too long (128 characters, max 127)");
	path[HAL_BOARD_PATH_LEN - 1] = '\0';
	snprintf(text, sizeof(text), HEAD "port = %s\n", path);
	parse_ok(text, &b);
	assert_string_equal(b.modems[0].port, path);

	parse_fails("[board]\nname = a b\n", 2, "name: bad character 0x20 at position 2");
	parse_fails("[board]\nname = a\nhal = sim\n[modem.m]\nport = /a\tb\n", 5,
		    "bad character 0x09");
	parse_fails("[board]\nname = x\ndescription = a\x01z\n", 3, "bad character 0x01");
}

static void test_port_specs(void **state)
{
	static const char *const good[] = {
	    "usb:1e0e:9001",	 "usb:1E0E:9001#0",	    "usb:2c7c:0125#15",
	    "usb:2c7c:0125:abc", "usb:2c7c:0125:A-B_c.9#3",
	};
	static const char *const bad[] = {
	    "usb:",
	    "usb:1e0e",
	    "usb:1e0e:",
	    "usb:1e0:9001",
	    "usb:1e0e:90g1",
	    "usb:1e0e:9001#",
	    "usb:1e0e:9001#16",
	    "usb:1e0e:9001#01",
	    "usb:1e0e:9001#2x",
	    "usb:1e0e:9001:",
	    "usb:1e0e:9001:#2",
	    "usb:1e0e:9001:a:b",
	    "usb:1e0e:9001x",
	    "usb:1e0e:9001#-1",
	};
	char text[256];
	struct hal_board b;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(text, sizeof(text), HEAD "port = %s\n", good[i]);
		parse_ok(text, &b);
		assert_string_equal(b.modems[0].port, good[i]);
		assert_true(b.modems[0].port_is_usb);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), HEAD "port = %s\n", bad[i]);
		parse_fails(text, 5, "is not usb:VVVV:PPPP[:SERIAL][#N]");
	}
}

static void test_bools(void **state)
{
	static const struct {
		const char *text;
		bool val;
	} cases[] = {{"true", true},   {"yes", true}, {"1", true}, {"TRUE", true},
		     {"false", false}, {"No", false}, {"0", false}};
	char text[256];
	struct hal_board b;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(text, sizeof(text),
			 HEAD "port=/x\n[gpio.g]\nchip=c\nline=1\nactive_low=%s\n", cases[i].text);
		parse_ok(text, &b);
		assert_int_equal(b.gpios[0].active_low, cases[i].val);
	}
	parse_fails(HEAD "port=/x\n[gpio.g]\nchip=c\nline=1\nactive_low=on\n", 9, "not a boolean");
	parse_fails(HEAD "port=/x\n[gpio.g]\nchip=c\nline=1\nactive_low=2\n", 9, "not a boolean");
}

static void test_structure_errors(void **state)
{
	(void)state;
	parse_fails("[board]\nname=x\nhal=linux\n", 3, "no [modem.NAME] section (need 1..4)");
	parse_fails("; only a comment\n\n", 1, "empty file");
	parse_fails("[board]\nname=x\nhal=linux\n[modem]\nport=/x\n", 4,
		    "section [modem] needs a name: [modem.NAME]");
	parse_fails("[board.x]\nname=x\n", 1, "unknown section [board.x] ([board] takes no name)");
	parse_fails("[board]\nname=x\nhal=linux\n[modem.a.b]\nport=/x\n", 4,
		    "bad section name 'a.b'");
	parse_fails("[board]\nname=x\nhal=linux\n[modem.]\nport=/x\n", 4, "bad section name ''");
	parse_fails("[board]\nname=x\nhal=amiga\n", 3, "hal: 'amiga' is not one of linux|sim");
	parse_fails("[board\nname=x\n", 1, "syntax error");
	parse_fails(HEAD "port=/x\n[modem.n]\nport=/x\n", 7,
		    "port: /x is already used by [modem.m]");
	parse_fails(HEAD "port=/x\nimei=490154203237518\n[modem.n]\nport=/y\n"
			 "imei=490154203237518\n",
		    9, "imei: 490154203237518 is already used by [modem.m]");
	parse_fails(HEAD "port=/x\nimei=49015420323751\n", 6, "is not 15 digits");
	parse_fails(HEAD "port=/x\nreset=g\n[gpio.g]\nchip=c\nline=1\ndirection=input\n"
			 "pulse_ms=5\n",
		    6, "reset: [gpio.g] is an input");
	parse_fails(HEAD "port=/x\n[gpio.g]\nchip=c\nline=1\ndirection=input\ninitial=1\n", 10,
		    "initial: only for direction = output");
	parse_fails(HEAD "port=/x\n[gpio.g]\nchip=c\nline=1\n[gpio.h]\nchip=c\nline=1\n", 9,
		    "line 1 on c is already used by [gpio.g]");
	parse_fails(HEAD "port=/x\n[watchdog]\ndevice=watchdog\n", 7, "not an absolute path");
	parse_fails(HEAD "port=/x\n[watchdog]\ntimeout_s=5\n", 6,
		    "[watchdog]: missing required key 'device'");
	parse_fails(HEAD "port=/x\n[gpio.g]\nline=1\n", 6, "[gpio.g]: missing required key 'chip'");
}

static void test_raw_bytes(void **state)
{
	static const char nul[] = "[board]\nname = a\0b\nhal = sim\n";
	static const char bin[] = "\x7f"
				  "ELF\x02\x01\x01\0\0\0";
	char *big;
	struct hal_board b;
	char err[HAL_BOARD_ERR_LEN];

	(void)state;
	assert_int_equal(hal_board_parse(nul, sizeof(nul) - 1, "n.conf", &b, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "n.conf:2: NUL byte in line");
	assert_int_equal(hal_board_parse(bin, sizeof(bin) - 1, NULL, &b, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "board.conf:1: NUL byte in line");

	big = malloc(HAL_BOARD_FILE_MAX + 1);
	assert_non_null(big);
	memset(big, '\n', HAL_BOARD_FILE_MAX + 1);
	assert_int_equal(hal_board_parse(big, HAL_BOARD_FILE_MAX + 1, "big", &b, err, sizeof(err)),
			 -EFBIG);
	assert_string_equal(err, "big: too large (65537 bytes, max 65536)");
	/* Exactly the maximum is read, and is only blank lines. */
	assert_int_equal(hal_board_parse(big, HAL_BOARD_FILE_MAX, "big", &b, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "big:1: empty file: expected [board] and [modem.NAME] sections");
	free(big);

	/* Not NUL-terminated: only len bytes are read. */
	assert_int_equal(hal_board_parse(HEAD "port=/dev/ttyS0 and more", sizeof(HEAD) - 1 + 15,
					 "t", &b, err, sizeof(err)),
			 0);
	assert_string_equal(b.modems[0].port, "/dev/ttyS0");
}

static void test_load_errors(void **state)
{
	struct hal_board b;
	char err[HAL_BOARD_ERR_LEN];
	char tiny[12];

	(void)state;
	assert_int_equal(hal_board_load(FIXTURES "/no-such.conf", &b, err, sizeof(err)), -ENOENT);
	assert_string_equal(err, FIXTURES "/no-such.conf: cannot open: No such file or directory");
	assert_int_equal(hal_board_load(FIXTURES "/good", &b, err, sizeof(err)), -EISDIR);
	assert_string_equal(err, FIXTURES "/good: is a directory");
	/* err is optional, and a small one is cut, never overrun. */
	assert_int_equal(hal_board_load(FIXTURES "/bad/empty.conf", &b, NULL, 0), -EINVAL);
	memset(tiny, 'x', sizeof(tiny));
	assert_int_equal(hal_board_load(FIXTURES "/bad/empty.conf", &b, tiny, sizeof(tiny)),
			 -EINVAL);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_int_equal(hal_board_load(NULL, &b, err, sizeof(err)), -EINVAL);
	assert_int_equal(hal_board_parse(NULL, 3, "x", &b, err, sizeof(err)), -EINVAL);
}

static void test_names(void **state)
{
	static const enum hal_board_profile profiles[] = {
	    HAL_BOARD_PROFILE_GENERIC, HAL_BOARD_PROFILE_SIM800, HAL_BOARD_PROFILE_SIM7600,
	    HAL_BOARD_PROFILE_EC25,    HAL_BOARD_PROFILE_E3372,	 HAL_BOARD_PROFILE_UBLOX,
	};
	enum hal_board_profile p;
	enum hal_board_backend be;

	(void)state;
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++) {
		assert_int_equal(hal_board_profile_parse(hal_board_profile_str(profiles[i]), &p),
				 0);
		assert_int_equal(p, profiles[i]);
	}
	assert_string_equal(hal_board_profile_str(HAL_BOARD_PROFILE_EC25), "ec25");
	assert_string_equal(hal_board_profile_str((enum hal_board_profile)99), "?");
	assert_int_equal(hal_board_profile_parse("EC25", &p), -EINVAL);
	assert_int_equal(hal_board_profile_parse(NULL, &p), -EINVAL);
	assert_int_equal(hal_board_backend_parse("sim", &be), 0);
	assert_int_equal(be, HAL_BOARD_BACKEND_SIM);
	assert_string_equal(hal_board_backend_str(HAL_BOARD_BACKEND_LINUX), "linux");
	assert_int_equal(hal_board_backend_parse("", &be), -EINVAL);
	assert_string_equal(hal_board_parity_str(HAL_PARITY_ODD), "odd");
	assert_null(hal_board_find_modem(NULL, "x"));
	assert_null(hal_board_find_gpio(NULL, "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_shipped_board_loads),
	    cmocka_unit_test(test_board_sim),
	    cmocka_unit_test(test_board_rpi4_sim7600),
	    cmocka_unit_test(test_board_ec25_and_generic),
	    cmocka_unit_test(test_good_full),
	    cmocka_unit_test(test_good_max_and_defaults),
	    cmocka_unit_test(test_bad_fixtures),
	    cmocka_unit_test(test_bad_table_covers_folder),
	    cmocka_unit_test(test_numbers),
	    cmocka_unit_test(test_strings_fit_or_fail),
	    cmocka_unit_test(test_port_specs),
	    cmocka_unit_test(test_bools),
	    cmocka_unit_test(test_structure_errors),
	    cmocka_unit_test(test_raw_bytes),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
