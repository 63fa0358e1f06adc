/* hal_gpio libgpiod v1 backend. This machine has no GPIO chip, so:
 *   - the real library answers the "no such chip" paths;
 *   - the rest runs on a fake chip injected with the linker's --wrap on the
 *     libgpiod calls (third-party calls with no seam: STYLE.md allows --wrap
 *     there). The fake keeps physical levels, so the active-low flag the
 *     backend passes to the kernel is checked too.
 * Real hardware is covered by gpio-sim in the integration tier (needs root
 * and the gpio-sim module). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gpiod.h>

#include "hal/gpio.h"

/* ---- fake chip ---- */

#define FAKE_LINES 32

struct fake_line {
	unsigned offset;
	char name[16];
	bool requested;
	bool output;
	bool active_low;
	int physical;
	bool held_elsewhere;
};

struct fake_chip {
	struct fake_line lines[FAKE_LINES];
	int open_count;
};

static struct fake_chip fake;
static bool fake_on;

static void fake_reset(void)
{
	memset(&fake, 0, sizeof(fake));
	for (unsigned i = 0; i < FAKE_LINES; i++) {
		fake.lines[i].offset = i;
		/* Raspberry Pi style names (gpiochip0 line names are GPIO<n>). */
		snprintf(fake.lines[i].name, sizeof(fake.lines[i].name), "GPIO%u", i);
	}
	fake_on = true;
}

struct gpiod_chip *__real_gpiod_chip_open_lookup(const char *descr);
void __real_gpiod_chip_close(struct gpiod_chip *chip);
struct gpiod_line *__real_gpiod_chip_get_line(struct gpiod_chip *chip, unsigned int offset);
struct gpiod_line *__real_gpiod_chip_find_line(struct gpiod_chip *chip, const char *name);
int __real_gpiod_line_request_output_flags(struct gpiod_line *line, const char *consumer,
					   int flags, int default_val);
int __real_gpiod_line_request_input_flags(struct gpiod_line *line, const char *consumer,
					  int flags);
int __real_gpiod_line_set_value(struct gpiod_line *line, int value);
int __real_gpiod_line_get_value(struct gpiod_line *line);
void __real_gpiod_line_release(struct gpiod_line *line);

struct gpiod_chip *__wrap_gpiod_chip_open_lookup(const char *descr);
void __wrap_gpiod_chip_close(struct gpiod_chip *chip);
struct gpiod_line *__wrap_gpiod_chip_get_line(struct gpiod_chip *chip, unsigned int offset);
struct gpiod_line *__wrap_gpiod_chip_find_line(struct gpiod_chip *chip, const char *name);
int __wrap_gpiod_line_request_output_flags(struct gpiod_line *line, const char *consumer,
					   int flags, int default_val);
int __wrap_gpiod_line_request_input_flags(struct gpiod_line *line, const char *consumer,
					  int flags);
int __wrap_gpiod_line_set_value(struct gpiod_line *line, int value);
int __wrap_gpiod_line_get_value(struct gpiod_line *line);
void __wrap_gpiod_line_release(struct gpiod_line *line);

static struct fake_line *as_line(struct gpiod_line *l)
{
	return (struct fake_line *)(void *)l;
}

struct gpiod_chip *__wrap_gpiod_chip_open_lookup(const char *descr)
{
	if (!fake_on)
		return __real_gpiod_chip_open_lookup(descr);
	if (strcmp(descr, "fakechip0") != 0) {
		errno = ENOENT;
		return NULL;
	}
	fake.open_count++;
	return (struct gpiod_chip *)(void *)&fake;
}

void __wrap_gpiod_chip_close(struct gpiod_chip *chip)
{
	if (!fake_on) {
		__real_gpiod_chip_close(chip);
		return;
	}
	assert_ptr_equal(chip, &fake);
	fake.open_count--;
}

struct gpiod_line *__wrap_gpiod_chip_get_line(struct gpiod_chip *chip, unsigned int offset)
{
	if (!fake_on)
		return __real_gpiod_chip_get_line(chip, offset);
	if (offset >= FAKE_LINES) {
		errno = EINVAL; /* what libgpiod says for an offset past the end */
		return NULL;
	}
	return (struct gpiod_line *)(void *)&fake.lines[offset];
}

struct gpiod_line *__wrap_gpiod_chip_find_line(struct gpiod_chip *chip, const char *name)
{
	if (!fake_on)
		return __real_gpiod_chip_find_line(chip, name);
	for (unsigned i = 0; i < FAKE_LINES; i++)
		if (strcmp(fake.lines[i].name, name) == 0)
			return (struct gpiod_line *)(void *)&fake.lines[i];
	errno = ENOENT;
	return NULL;
}

static int fake_request(struct gpiod_line *line, int flags, bool output, int value)
{
	struct fake_line *l = as_line(line);
	if (l->held_elsewhere || l->requested) {
		errno = EBUSY;
		return -1;
	}
	l->requested = true;
	l->output = output;
	l->active_low = (flags & GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) != 0;
	if (output)
		l->physical = l->active_low ? !value : !!value;
	return 0;
}

int __wrap_gpiod_line_request_output_flags(struct gpiod_line *line, const char *consumer,
					   int flags, int default_val)
{
	if (!fake_on)
		return __real_gpiod_line_request_output_flags(line, consumer, flags, default_val);
	assert_non_null(consumer);
	return fake_request(line, flags, true, default_val);
}

int __wrap_gpiod_line_request_input_flags(struct gpiod_line *line, const char *consumer,
					  int flags)
{
	if (!fake_on)
		return __real_gpiod_line_request_input_flags(line, consumer, flags);
	assert_non_null(consumer);
	return fake_request(line, flags, false, 0);
}

int __wrap_gpiod_line_set_value(struct gpiod_line *line, int value)
{
	if (!fake_on)
		return __real_gpiod_line_set_value(line, value);
	struct fake_line *l = as_line(line);
	if (!l->requested || !l->output) {
		errno = EPERM;
		return -1;
	}
	l->physical = l->active_low ? !value : !!value;
	return 0;
}

int __wrap_gpiod_line_get_value(struct gpiod_line *line)
{
	if (!fake_on)
		return __real_gpiod_line_get_value(line);
	struct fake_line *l = as_line(line);
	if (!l->requested) {
		errno = EPERM;
		return -1;
	}
	return l->active_low ? !l->physical : l->physical;
}

void __wrap_gpiod_line_release(struct gpiod_line *line)
{
	if (!fake_on) {
		__real_gpiod_line_release(line);
		return;
	}
	as_line(line)->requested = false;
}

/* ---- tests on the real library: no chip on this machine ---- */

static void test_no_chip(void **state)
{
	(void)state;
	fake_on = false;
	struct hal_gpio g;
	assert_int_equal(hal_gpio_linux_new(&g), 0);
	struct hal_gpio_line pwrkey = { .name = "pwrkey", .chip = "gpiochip0", .line = "GPIO4",
					.active_low = false, .output = true, .initial = 0 };
	assert_int_equal(hal_gpio_add_line(&g, &pwrkey), -ENOENT);
	pwrkey.chip = "no-such-chip-label";
	assert_int_equal(hal_gpio_add_line(&g, &pwrkey), -ENOENT);
	assert_false(hal_gpio_has_line(&g, "pwrkey"));
	int v = -1;
	assert_int_equal(hal_gpio_set(&g, "pwrkey", 1), -ENOENT);
	assert_int_equal(hal_gpio_get(&g, "pwrkey", &v), -ENOENT);
	assert_int_equal(v, -1);
	hal_gpio_destroy(&g);
}

/* ---- tests on the fake chip ---- */

static int fake_setup(void **state)
{
	fake_reset();
	struct hal_gpio *g = calloc(1, sizeof(*g));
	assert_non_null(g);
	assert_int_equal(hal_gpio_linux_new(g), 0);
	*state = g;
	return 0;
}

static int fake_teardown(void **state)
{
	struct hal_gpio *g = *state;
	hal_gpio_destroy(g);
	free(g);
	/* Every chip handle and request was given back. */
	assert_int_equal(fake.open_count, 0);
	for (unsigned i = 0; i < FAKE_LINES; i++)
		assert_false(fake.lines[i].requested);
	fake_on = false;
	return 0;
}

static void test_polarity_and_values(void **state)
{
	struct hal_gpio *g = *state;
	/* SIM7600 HAT style: pwrkey through a transistor, so active high on the
	 * pin; reset active low; status as an input by offset. */
	const struct hal_gpio_line pwrkey = { "pwrkey", "fakechip0", "GPIO4", false, true, 0 };
	const struct hal_gpio_line reset = { "reset", "fakechip0", "GPIO17", true, true, 0 };
	const struct hal_gpio_line status = { "status", "fakechip0", "22", true, false, 0 };
	assert_int_equal(hal_gpio_add_line(g, &pwrkey), 0);
	assert_int_equal(hal_gpio_add_line(g, &reset), 0);
	assert_int_equal(hal_gpio_add_line(g, &status), 0);
	assert_true(hal_gpio_has_line(g, "reset"));
	/* Initial logical 0: an active-low line sits high. */
	assert_int_equal(fake.lines[4].physical, 0);
	assert_int_equal(fake.lines[17].physical, 1);

	assert_int_equal(hal_gpio_set(g, "reset", 1), 0);
	assert_int_equal(fake.lines[17].physical, 0);
	int v = -1;
	assert_int_equal(hal_gpio_get(g, "reset", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(hal_gpio_set(g, "pwrkey", 1), 0);
	assert_int_equal(fake.lines[4].physical, 1);

	/* The modem drives STATUS low = active. */
	fake.lines[22].physical = 0;
	assert_int_equal(hal_gpio_get(g, "status", &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(hal_gpio_set(g, "status", 1), -EPERM);
	assert_int_equal(hal_gpio_get(g, "status", NULL), -EINVAL);
}

static void test_errors(void **state)
{
	struct hal_gpio *g = *state;
	const struct hal_gpio_line pwrkey = { "pwrkey", "fakechip0", "GPIO4", false, true, 0 };
	assert_int_equal(hal_gpio_add_line(g, &pwrkey), 0);
	/* The same logical name twice, even on another line. */
	const struct hal_gpio_line dup = { "pwrkey", "fakechip0", "GPIO5", false, true, 0 };
	assert_int_equal(hal_gpio_add_line(g, &dup), -EEXIST);
	assert_false(fake.lines[5].requested);
	/* Unknown chip, line name, offset. */
	const struct hal_gpio_line nochip = { "a", "gpiochip9", "GPIO5", false, true, 0 };
	const struct hal_gpio_line noline = { "b", "fakechip0", "GPIO99", false, true, 0 };
	const struct hal_gpio_line nooff = { "c", "fakechip0", "99", false, true, 0 };
	assert_int_equal(hal_gpio_add_line(g, &nochip), -ENOENT);
	assert_int_equal(hal_gpio_add_line(g, &noline), -ENOENT);
	assert_int_equal(hal_gpio_add_line(g, &nooff), -ENOENT);
	/* Held by another consumer. */
	fake.lines[6].held_elsewhere = true;
	const struct hal_gpio_line busy = { "d", "fakechip0", "GPIO6", false, true, 0 };
	assert_int_equal(hal_gpio_add_line(g, &busy), -EBUSY);
	assert_int_equal(fake.open_count, 1); /* failed adds closed their chip */
	/* Bad descriptions. */
	const struct hal_gpio_line noname = { NULL, "fakechip0", "GPIO7", false, true, 0 };
	const struct hal_gpio_line longname = { "a-logical-name-that-is-far-too-long", "fakechip0",
						"GPIO7", false, true, 0 };
	assert_int_equal(hal_gpio_add_line(g, &noname), -EINVAL);
	assert_int_equal(hal_gpio_add_line(g, &longname), -EINVAL);
	assert_int_equal(hal_gpio_add_line(g, NULL), -EINVAL);
	/* Unknown logical names. */
	int v;
	assert_int_equal(hal_gpio_set(g, "led", 1), -ENOENT);
	assert_int_equal(hal_gpio_get(g, "led", &v), -ENOENT);
	assert_int_equal(hal_gpio_set(g, NULL, 1), -ENOENT);
}

static void test_table_full(void **state)
{
	struct hal_gpio *g = *state;
	int added = 0;
	for (unsigned i = 0; i < FAKE_LINES; i++) {
		char name[16], line[16];
		snprintf(name, sizeof(name), "l%u", i);
		snprintf(line, sizeof(line), "%u", i);
		const struct hal_gpio_line l = { name, "fakechip0", line, false, true, 0 };
		int rc = hal_gpio_add_line(g, &l);
		if (rc == -ENOSPC)
			break;
		assert_int_equal(rc, 0);
		added++;
	}
	assert_true(added > 0 && added < FAKE_LINES);
	assert_int_equal(fake.open_count, added);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_chip),
		cmocka_unit_test_setup_teardown(test_polarity_and_values, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_errors, fake_setup, fake_teardown),
		cmocka_unit_test_setup_teardown(test_table_full, fake_setup, fake_teardown),
	};
	return cmocka_run_group_tests_name("hal_linux_gpio", tests, NULL, NULL);
}
