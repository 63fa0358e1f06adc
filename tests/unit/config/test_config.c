/* config: defaults, a full good file, the shipped example, every bad
 * fixture with its exact "FILE:LINE: message", the board cross-check, and
 * the SIGHUP diff classification. Fixtures: tests/fixtures/config/README.md. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "hal/board.h"

#define FIXTURES SMSRELAY_SOURCE_DIR "/tests/fixtures/config"
#define EXAMPLE	 SMSRELAY_SOURCE_DIR "/firmware/smsrelayd.conf.example"
#define BOARDS	 SMSRELAY_SOURCE_DIR "/boards"

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

static struct smsrelay_config *load_ok(const char *path)
{
	struct smsrelay_config *c = malloc(sizeof(*c));
	char err[CONFIG_ERR_LEN] = "unset";
	int rc;

	assert_non_null(c);
	rc = config_load(path, c, err, sizeof(err));
	if (rc)
		fail_msg("%s: rc %d: %s", path, rc, err);
	assert_string_equal(err, "");
	return c;
}

static void load_board(const char *name, struct hal_board *b)
{
	char path[256], err[HAL_BOARD_ERR_LEN];

	snprintf(path, sizeof(path), BOARDS "/%s/board.conf", name);
	if (hal_board_load(path, b, err, sizeof(err)))
		fail_msg("%s", err);
}

/* Text in memory must fail at line with msg; the model stays zeroed. */
static void parse_fails(const char *text, int line, const char *msg)
{
	struct smsrelay_config *c = malloc(sizeof(*c));
	char err[CONFIG_ERR_LEN], want[64];
	int rc;

	assert_non_null(c);
	memset(c, 0xa5, sizeof(*c));
	rc = config_parse(text, strlen(text), "mem.conf", c, err, sizeof(err));
	snprintf(want, sizeof(want), "mem.conf:%d: ", line);
	if (rc != -EINVAL || strncmp(err, want, strlen(want)) || !strstr(err, msg))
		fail_msg("<<%s>>: rc %d, err \"%s\"; want \"%s...%s\"", text, rc, err, want, msg);
	assert_true(all_zero(c, sizeof(*c)));
	free(c);
}

/* ---- defaults -------------------------------------------------------------- */

static void test_defaults(void **state)
{
	struct smsrelay_config *d = malloc(sizeof(*d)), *p = malloc(sizeof(*p));
	char err[CONFIG_ERR_LEN];

	(void)state;
	config_defaults(d);
	assert_string_equal(d->daemon.board, "sim");
	assert_string_equal(d->daemon.log, "info");
	assert_true(d->daemon.watchdog);
	assert_string_equal(d->api.bind, "127.0.0.1");
	assert_int_equal(d->api.port, 8080);
	assert_false(d->api.allow_plain_http);
	assert_int_equal(d->outbox.max_attempts, 8);
	assert_int_equal(d->outbox.inbound_part_timeout_s, 3600);
	assert_int_equal(d->routing.fail_threshold, 3);
	assert_false(d->routing.allow_any);
	assert_int_equal(d->routing.n_allow, 0);
	assert_false(d->twilio.present);
	assert_int_equal(d->telesign.message_type, CONFIG_TELESIGN_ARN);
	assert_int_equal(d->webhooks.backoff_initial_s, 10);
	assert_int_equal(d->webhooks.backoff_max_s, 600);
	assert_int_equal(d->webhooks.retry_for_h, 72);
	assert_int_equal(d->n_modems, 0);
	/* An empty file gives exactly the defaults (bar the source name). */
	assert_int_equal(config_parse("", 0, "empty.conf", p, err, sizeof(err)), 0);
	assert_string_equal(p->source, "empty.conf");
	memset(p->source, 0, sizeof(p->source));
	assert_memory_equal(d, p, sizeof(*d));
	/* Comments and blank lines only: still the defaults. */
	assert_int_equal(config_parse("; nothing\n\n# here\n", 18, NULL, p, err, sizeof(err)), 0);
	assert_string_equal(p->source, "smsrelayd.conf");
	free(d);
	free(p);
}

/* ---- good files ------------------------------------------------------------- */

static void test_full(void **state)
{
	struct smsrelay_config *c = load_ok(FIXTURES "/good/full.conf");
	const struct config_modem *m0, *m1;
	struct hal_board b;
	char err[CONFIG_ERR_LEN], path[CONFIG_PATH_LEN + 32];

	(void)state;
	assert_string_equal(c->daemon.board, "sim");
	assert_string_equal(c->daemon.log, "warn,modem=debug,at=info");
	assert_int_equal(c->daemon.log_target, CONFIG_LOG_SYSLOG);
	assert_false(c->daemon.watchdog);
	assert_true(c->store.full_check);
	assert_int_equal(c->store.busy_timeout_ms, 2500);
	assert_int_equal(c->outbox.retry_max_s, 1800);
	assert_int_equal(c->outbox.inbound_part_timeout_s, 600);
	assert_string_equal(c->api.bind, "0.0.0.0");
	assert_int_equal(c->api.port, 8443);
	assert_string_equal(c->api.tls_key, "/etc/smsrelay/tls/key.pem");
	assert_int_equal(c->api.max_per_ip, 10);
	assert_int_equal(c->webhooks.replay_window_s, 120);
	assert_int_equal(c->routing.n_allow, 3);
	assert_int_equal(c->routing.allow_countries[2], 49);
	assert_int_equal(c->routing.n_deny, 2);
	assert_string_equal(c->routing.deny_prefixes[1], "+44909");
	assert_int_equal(c->routing.utc_offset_min, -300);
	assert_int_equal(c->routing.sticky_ttl_s, 0);

	assert_int_equal(c->n_modems, 2);
	m0 = config_find_modem(c, "modem0");
	m1 = config_find_modem(c, "modem1");
	assert_non_null(m0);
	assert_non_null(m1);
	assert_null(config_find_modem(c, "modem2"));
	assert_string_equal(m0->pin, "1234"); /* from secrets/modem0.pin */
	assert_non_null(strstr(m0->pin_file, "secrets/modem0.pin"));
	assert_true(m0->has_profile);
	assert_int_equal(m0->profile, HAL_BOARD_PROFILE_SIM7600);
	assert_false(m0->delivery_reports);
	assert_int_equal(m0->channel.rate_per_min, 12);
	assert_int_equal(m0->channel.n_numbers, 1);
	assert_int_equal(m0->line, 57);
	assert_string_equal(m1->pin, "0000");
	assert_false(m1->channel.enabled);
	assert_false(m1->has_profile);
	assert_int_equal(m1->channel.rate_per_min, 10); /* modem default */

	assert_true(c->twilio.present);
	assert_string_equal(c->twilio.auth_token, "0123456789abcdef0123456789abcdef");
	assert_string_equal(c->twilio.from, "+15005550006");
	assert_int_equal(c->twilio.channel.n_numbers, 2);
	assert_string_equal(c->twilio.channel.numbers[1], "ACME");
	assert_int_equal(c->twilio.max_in_flight, 32);
	assert_true(c->telesign.present);
	assert_string_equal(c->telesign.api_key, "c2VjcmV0LXRlbGVzaWduLWtleS1mb3ItdGVzdHM=");
	assert_int_equal(c->telesign.message_type, CONFIG_TELESIGN_OTP);
	assert_int_equal(c->telesign.channel.rate_per_min, 600); /* cloud default */

	assert_int_equal(c->n_routes, 2);
	assert_string_equal(c->routes[0].prefix, "+49");
	assert_int_equal(c->routes[0].n_channels, 2);
	assert_string_equal(c->routes[0].channels[1], "twilio");
	assert_string_equal(c->routes[1].channels[1], "telesign");

	load_board("sim", &b);
	assert_int_equal(config_check_board(c, &b, err, sizeof(err)), 0);
	assert_int_equal(config_board_path(c, path, sizeof(path)), 0);
	assert_string_equal(path, "/opt/smsrelay/boards/sim/board.conf");
	assert_int_equal(config_store_path(c, &b, path, sizeof(path)), 0);
	assert_string_equal(path, "/srv/smsrelay/db/messages.db");
	free(c);
}

static void test_example(void **state)
{
	struct smsrelay_config *c = load_ok(EXAMPLE);
	struct hal_board b;
	char err[CONFIG_ERR_LEN], path[CONFIG_PATH_LEN + 32];

	(void)state;
	assert_string_equal(c->daemon.board, "generic-usb-modem");
	assert_string_equal(c->api.bind, "127.0.0.1");
	assert_int_equal(c->n_modems, 1);
	load_board(c->daemon.board, &b);
	if (config_check_board(c, &b, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(config_board_path(c, path, sizeof(path)), 0);
	assert_string_equal(path, CONFIG_BOARDS_DIR_DEFAULT "/generic-usb-modem/board.conf");
	/* No store.path and no data_dir: the board's data_dir. */
	assert_int_equal(config_store_path(c, &b, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/smsrelay.db"));
	assert_true(!strncmp(path, b.data_dir, strlen(b.data_dir)));
	free(c);
}

/* ---- bad fixtures ----------------------------------------------------------- */

struct bad_case {
	const char *file;
	int line;
	const char *msg;
};

static const struct bad_case bad_fixtures[] = {
    {"unknown_key", 3, "unknown key 'prot' in [api]"},
    {"unknown_section", 4, "unknown section [smtp]"},
    {"bad_bool", 2, "watchdog: 'maybe' is not a boolean (allowed: true/false"},
    {"port_range", 3, "port: 70000 is out of range (allowed: 1..65535)"},
    {"negative_limit", 2, "max_connections: -5 is out of range (allowed: 1..10000)"},
    {"long_path", 2, "path: value too long (150 characters, max 127)"},
    {"plain_http", 2, "bind = 0.0.0.0 would serve plain HTTP off loopback"},
    {"tls_no_key", 3, "tls_cert is set but tls_key is not"},
    {"duplicate_key", 4, "duplicate key 'port' (first at line 2)"},
    {"secret_missing", 3, "auth_token_file: cannot open "},
    {"secret_unreadable", 3, "secrets/adir is not a regular file"},
    {"secret_empty", 3, "api_key_file: "},
    {"secret_twice", 3, "give either pin or pin_file, not both"},
    {"bad_sid", 2, "account_sid: 'AC123' is not AC followed by 32 hex digits"},
    {"twilio_missing", 1, "[twilio]: missing required key 'auth_token' (or 'auth_token_file')"},
    {"bad_log", 2, "log: bad item 'modem=loud'"},
    {"bad_pin", 2, "pin: bad character at position 3 (allowed: digits)"},
    {"route_no_twilio", 2, "channels: twilio has no [twilio] section"},
    {"bad_route", 1, "bad route prefix [route.49]"},
    {"reserved_modem", 1, "[modem.twilio]: 'twilio' is reserved"},
    {"empty_section", 3, "section has no keys"},
    {"continuation", 3, "indented line continues 'log' from line 2"},
    {"retry_order", 2, "retry_base_s (600) is above retry_max_s (60)"},
    {"bad_country", 2, "allow_countries: bad country calling code '+49'"},
    {"syntax", 2, "syntax error"},
    {"enum", 2, "message_type: unknown value 'SPAM' (allowed: ARN, OTP, MKT)"},
    {"bad_bind", 2, "bind: 'localhost' is not an IPv4 or IPv6 address"},
};

static void test_bad_fixtures(void **state)
{
	struct smsrelay_config *c = malloc(sizeof(*c));

	(void)state;
	assert_non_null(c);
	for (size_t i = 0; i < sizeof(bad_fixtures) / sizeof(bad_fixtures[0]); i++) {
		const struct bad_case *t = &bad_fixtures[i];
		char path[256], want[300], err[CONFIG_ERR_LEN];
		int rc;

		snprintf(path, sizeof(path), FIXTURES "/bad/%s.conf", t->file);
		snprintf(want, sizeof(want), "%s:%d: ", path, t->line);
		memset(c, 0x5a, sizeof(*c));
		rc = config_load(path, c, err, sizeof(err));
		if (rc != -EINVAL || strncmp(err, want, strlen(want)) || !strstr(err, t->msg))
			fail_msg("%s: rc %d, err \"%s\"; want \"%s...%s\"", t->file, rc, err, want,
				 t->msg);
		assert_null(strchr(err, '\n'));
		assert_true(all_zero(c, sizeof(*c)));
	}
	free(c);
}

static void test_not_on_board(void **state)
{
	struct smsrelay_config *c = load_ok(FIXTURES "/good/not_on_board.conf");
	struct hal_board b;
	char err[CONFIG_ERR_LEN];

	(void)state;
	load_board("sim", &b);
	assert_int_equal(config_check_board(c, &b, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, FIXTURES "/good/not_on_board.conf:2: [modem.modem7]: board 'sim' "
				     "has no modem 'modem7' (it has: modem0, modem1)");
	free(c);
	c = load_ok(FIXTURES "/good/route_not_on_board.conf");
	assert_int_equal(config_check_board(c, &b, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "route_not_on_board.conf:2: [route.+49]: channels: 'modem9' "
				    "is not a modem of board 'sim'"));
	assert_int_equal(config_check_board(NULL, &b, err, sizeof(err)), -EINVAL);
	free(c);
}

static void test_load_errors(void **state)
{
	struct smsrelay_config *c = malloc(sizeof(*c));
	char err[CONFIG_ERR_LEN], *big;

	(void)state;
	assert_int_equal(config_load(FIXTURES "/nope.conf", c, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "nope.conf: cannot open"));
	assert_int_equal(config_load(FIXTURES "/good", c, err, sizeof(err)), -EISDIR);
	big = calloc(1, CONFIG_FILE_MAX + 1);
	assert_non_null(big);
	memset(big, '\n', CONFIG_FILE_MAX + 1);
	assert_int_equal(config_parse(big, CONFIG_FILE_MAX + 1, "big.conf", c, err, sizeof(err)),
			 -EFBIG);
	assert_true(all_zero(c, sizeof(*c)));
	assert_int_equal(config_parse(big, CONFIG_FILE_MAX, "big.conf", c, err, sizeof(err)), 0);
	free(big);
	{
		static const char nul[] = "[daemon]\nlog = a\0b\n";

		assert_int_equal(config_parse(nul, sizeof(nul) - 1, "n.conf", c, err, sizeof(err)),
				 -EINVAL);
		assert_string_equal(err, "n.conf:2: NUL byte in line");
	}
	free(c);
}

/* Values in memory: the cases the fixture table does not cover. */
static void test_values(void **state)
{
	(void)state;
	parse_fails("[api]\nport = 80x\n", 2, "port: '80x' is not a number (allowed: 1..65535)");
	parse_fails("[outbox]\ninbound_part_timeout_s = 59\n", 2, "out of range");
	parse_fails("[api]\nport = +80\n", 2, "is not a number");
	parse_fails("[api]\nport = 99999999999999999999\n", 2, "out of range");
	parse_fails("[api]\nmax_per_ip = 500\n", 2, "max_per_ip (500) is above max_connections");
	parse_fails("[api]\ntls_key = /k.pem\ntls_cert = c.pem\n", 3,
		    "tls_cert: 'c.pem' is not an absolute path");
	parse_fails("[api]\npublic_url = ftp://x\n", 2, "is not an http:// or https:// URL");
	parse_fails("[api]\nbind = ::\n", 2, "bind = :: would serve plain HTTP");
	parse_fails("log = info\n", 1, "key 'log' is outside of any [section]");
	parse_fails("[modem]\npin = 1234\n", 1, "section [modem] needs a name: [modem.NAME]");
	parse_fails("[api.x]\nport = 1\n", 1, "[api] takes no name");
	parse_fails("[api]\nport = 1\n[daemon]\nlog = info\n[api]\nthreads = 1\n", 5,
		    "section [api] appears twice (first at line 1)");
	parse_fails("[modem.a]\npin = 123456789\n", 2, "pin: value too long (9 characters, max 8)");
	parse_fails("[modem.a]\npin = 123\n", 2, "pin: value too short (3 characters, min 4)");
	parse_fails("[modem.a]\nprofile = nokia\n", 2, "profile: unknown value 'nokia' (allowed: generic");
	parse_fails("[modem.a]\nnumbers = +491 +491\n", 2, "numbers: +491 is listed twice");
	parse_fails("[modem.a]\nnumbers = TOOLONGSENDER\n", 2, "bad number 'TOOLONGSENDER'");
	parse_fails("[modem.a]\nnumbers = 1 2 3 4 5 6 7 8 9\n", 2, "bad number '1'");
	parse_fails("[modem.a]\nnumbers = A B C D E F G H I\n", 2, "too many numbers (max 8)");
	parse_fails("[modem.a]\nsmsc = 0171\n", 2, "smsc: '0171' is not an E.164 number");
	parse_fails("[modem.a]\nx=1\n[modem.b]\nx=1\n", 2, "unknown key 'x' in [modem.a]");
	parse_fails("[modem.a]\nburst=1\n[modem.b]\nburst=1\n[modem.c]\nburst=1\n[modem.d]\nburst=1\n"
		    "[modem.e]\nburst=1\n",
		    9, "too many modems");
	parse_fails("[route.+44]\nchannels = modem\n", 2, "'modem' is not a channel");
	parse_fails("[route.+44]\nchannels = a b c d e\n", 2, "too many channels (max 4)");
	parse_fails("[route.+44]\nchannels = a a\n", 2, "a is listed twice");
	parse_fails("[routing]\ndeny_prefixes = +1 1876\n", 2, "bad prefix '1876'");
	/* [webhooks]: a first retry after the cap, or under a day of retries. */
	parse_fails("[webhooks]\nbackoff_max_s = 60\nbackoff_initial_s = 61\n", 3,
		    "backoff_initial_s (61) is above backoff_max_s (60)");
	parse_fails("[webhooks]\nretry_for_h = 23\n", 2, "(allowed: 24..720)");
	parse_fails("[webhooks]\nbackoff_initial_s = 0\n", 2, "(allowed: 1..3600)");
	parse_fails("[routing]\nallow_countries = ,\n", 2, "allow_countries: empty list");
	parse_fails("[routing]\nutc_offset_min = -841\n", 2, "(allowed: -840..840)");
	parse_fails("[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\n"
		    "auth_token = 0123456789\n",
		    1, "missing required key 'from' or 'messaging_service_sid'");
	parse_fails("[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\n"
		    "auth_token = 0123456789\nfrom = +15005550006\napi_key_sid = "
		    "SK0123456789abcdef0123456789abcdef\n",
		    5, "api_key_sid needs api_key_secret");
	parse_fails("[telesign]\ncustomer_id = abc\napi_key = not base64!\n", 3,
		    "api_key: bad character at position 4");
	parse_fails("[daemon]\nboard = a-very-long-board-name-that-is-over-31\n", 2,
		    "board: board name too long");
	parse_fails("[daemon]\nlog = \n", 2, "log: empty value");
	parse_fails("[daemon]\nlog = info,\x01\n", 2, "log: bad character 0x01");
}

static void test_secret_never_printed(void **state)
{
	struct smsrelay_config *c = malloc(sizeof(*c));
	char err[CONFIG_ERR_LEN];
	const char *text = "[twilio]\nauth_token = s3cr3t s3cr3t\n";

	(void)state;
	assert_int_equal(config_parse(text, strlen(text), "m.conf", c, err, sizeof(err)), -EINVAL);
	assert_null(strstr(err, "s3cr3t"));
	assert_non_null(strstr(err, "auth_token: bad character at position 7"));
	free(c);
}

static void test_long_line(void **state)
{
	char text[400];

	(void)state;
	snprintf(text, sizeof(text), "[api]\npublic_url = https://%0300d\n", 0);
	parse_fails(text, 2, "line too long (max 198 characters)");
}

/* ---- SIGHUP diff ------------------------------------------------------------- */

static bool has_change(const struct config_diff *d, const char *key, bool restart)
{
	for (unsigned i = 0; i < d->n; i++)
		if (!strcmp(d->changes[i].key, key))
			return d->changes[i].restart == restart;
	return false;
}

static void test_diff(void **state)
{
	struct smsrelay_config *a = load_ok(FIXTURES "/good/full.conf");
	struct smsrelay_config *b = malloc(sizeof(*b));
	struct config_diff d;

	(void)state;
	*b = *a;
	assert_int_equal(config_diff(a, b, &d), 0);
	assert_int_equal(d.n_total, 0);

	/* Live. */
	snprintf(b->daemon.log, sizeof(b->daemon.log), "debug");
	b->routing.fail_threshold = 9;
	b->routing.allow_countries[0] = 33;
	b->modems[0].channel.rate_per_min = 20;
	b->twilio.auth_token[0] = 'X';
	b->api.token_rate_per_min = 1;
	b->webhooks.timeout_s = 30;
	b->routes[0].n_channels = 1;
	memset(b->routes[0].channels[1], 0, CONFIG_NAME_LEN);
	/* Restart. */
	b->api.port = 9000;
	snprintf(b->daemon.board, sizeof(b->daemon.board), "rpi4-sim7600");
	snprintf(b->store.path, sizeof(b->store.path), "/tmp/x.db");
	snprintf(b->modems[0].pin, sizeof(b->modems[0].pin), "9999");
	b->api.allow_plain_http = true;

	assert_int_equal(config_diff(a, b, &d), 0);
	assert_true(has_change(&d, "daemon.log", false));
	assert_true(has_change(&d, "routing.fail_threshold", false));
	assert_true(has_change(&d, "routing.allow_countries", false));
	assert_true(has_change(&d, "modem.modem0.rate_per_min", false));
	assert_true(has_change(&d, "twilio.auth_token", false));
	assert_true(has_change(&d, "api.token_rate_per_min", false));
	assert_true(has_change(&d, "webhooks.timeout_s", false));
	assert_true(has_change(&d, "route.+49", false));
	assert_true(has_change(&d, "api.port", true));
	assert_true(has_change(&d, "daemon.board", true));
	assert_true(has_change(&d, "store.path", true));
	assert_true(has_change(&d, "modem.modem0.pin", true));
	assert_true(has_change(&d, "api.allow_plain_http", true));
	assert_int_equal(d.n_total, 13);
	assert_int_equal(d.n, 13);
	assert_int_equal(d.n_restart, 5);
	/* The secret's value never appears. */
	for (unsigned i = 0; i < d.n; i++)
		assert_null(strstr(d.changes[i].key, "0123456789abcdef"));

	/* Sections added and removed. */
	*b = *a;
	b->twilio.present = false;
	b->n_modems = 1;
	b->n_routes = 1;
	snprintf(b->modems[0].name, sizeof(b->modems[0].name), "modem3");
	assert_int_equal(config_diff(a, b, &d), 0);
	assert_true(has_change(&d, "twilio", true));
	assert_true(has_change(&d, "modem.modem0", true));
	assert_true(has_change(&d, "modem.modem1", true));
	assert_true(has_change(&d, "modem.modem3", true));
	assert_true(has_change(&d, "route.+1", false));
	assert_int_equal(d.n_total, 5);
	assert_int_equal(d.n_restart, 4);

	/* The list is bounded; the counts stay right. */
	config_defaults(b);
	assert_int_equal(config_diff(a, b, &d), 0);
	assert_true(d.n_total > 0 && d.n <= CONFIG_DIFF_MAX && d.n_restart <= d.n_total);
	assert_int_equal(config_diff(NULL, b, &d), -EINVAL);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_full),
	    cmocka_unit_test(test_example),
	    cmocka_unit_test(test_bad_fixtures),
	    cmocka_unit_test(test_not_on_board),
	    cmocka_unit_test(test_load_errors),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_secret_never_printed),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
