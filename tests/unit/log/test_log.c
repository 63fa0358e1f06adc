/* Logging: levels per module checked before formatting, instance tags, the
 * level spec parser, escaping for AT traffic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>

#include <cmocka.h>

#include "hal/log.h"

LOG_MODULE(log_alpha, "alpha");
LOG_MODULE(log_beta, "beta");

struct captured {
	int count;
	int level;
	char module[32];
	char instance[32];
	char msg[256];
};

static void capture(void *arg, int level, const char *module, const char *instance,
		    const char *msg)
{
	struct captured *c = arg;
	c->count++;
	c->level = level;
	snprintf(c->module, sizeof(c->module), "%s", module);
	snprintf(c->instance, sizeof(c->instance), "%s", instance ? instance : "");
	snprintf(c->msg, sizeof(c->msg), "%s", msg);
}

static int evaluated;
static int side_effect(void)
{
	return ++evaluated;
}

static int setup(void **state)
{
	(void)state;
	assert_int_equal(log_set_levels("info,alpha=info,beta=info"), 0);
	return 0;
}

static void test_levels_per_module(void **state)
{
	(void)state;
	struct captured c = { 0 };
	log_set_sink(capture, &c);
	assert_int_equal(log_set_levels("alpha=debug,beta=error"), 0);
	LOG_DBG(&log_alpha, "modem0", "hello %d", 42);
	assert_int_equal(c.count, 1);
	assert_string_equal(c.module, "alpha");
	assert_string_equal(c.instance, "modem0");
	assert_string_equal(c.msg, "hello 42");
	assert_int_equal(c.level, LOG_LEVEL_DBG);
	LOG_WRN(&log_beta, NULL, "dropped");
	assert_int_equal(c.count, 1);
	LOG_ERR(&log_beta, NULL, "kept");
	assert_int_equal(c.count, 2);
	assert_string_equal(c.instance, "");
	log_set_sink(NULL, NULL);
}

static void test_arguments_not_evaluated_when_disabled(void **state)
{
	(void)state;
	struct captured c = { 0 };
	log_set_sink(capture, &c);
	assert_int_equal(log_set_levels("beta=warn"), 0);
	evaluated = 0;
	LOG_DBG(&log_beta, NULL, "%d", side_effect());
	assert_int_equal(evaluated, 0);
	assert_int_equal(c.count, 0);
	LOG_WRN(&log_beta, NULL, "%d", side_effect());
	assert_int_equal(evaluated, 1);
	log_set_sink(NULL, NULL);
}

static void test_bad_spec_changes_nothing(void **state)
{
	(void)state;
	assert_int_equal(log_set_levels("alpha=debug"), 0);
	assert_int_equal(log_set_levels("alpha=info,beta=loud"), -EINVAL);
	assert_true(log_enabled(&log_alpha, LOG_LEVEL_DBG));
	assert_int_equal(log_set_levels(""), -EINVAL);
	assert_int_equal(log_set_levels("=debug"), -EINVAL);
	assert_int_equal(log_set_levels("*=err"), 0);
	assert_int_equal(log_default_level, LOG_LEVEL_ERR);
	assert_int_equal(log_level_parse("warning"), LOG_LEVEL_WRN);
	assert_int_equal(log_level_parse("DBG"), LOG_LEVEL_DBG);
	assert_int_equal(log_level_parse("x"), -EINVAL);
}

static void test_escape(void **state)
{
	(void)state;
	char out[64];
	static const char at[] = "AT+CMGS=23\r\n\x1a\x1b";
	log_escape(out, sizeof(out), at, sizeof(at) - 1);
	assert_string_equal(out, "AT+CMGS=23\\r\\n\\x1a\\x1b");
	char small[8];
	log_escape(small, sizeof(small), "0123456789", 10);
	assert_string_equal(small, "0123...");
	assert_true(strlen(small) < sizeof(small));
	log_escape(small, sizeof(small), "", 0);
	assert_string_equal(small, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_levels_per_module, setup),
		cmocka_unit_test_setup(test_arguments_not_evaluated_when_disabled, setup),
		cmocka_unit_test_setup(test_bad_spec_changes_nothing, setup),
		cmocka_unit_test_setup(test_escape, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
