/* hal_rng (getrandom) and hal_clock (CLOCK_MONOTONIC / CLOCK_REALTIME) on
 * Linux. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "hal/clock.h"
#include "hal/rng.h"

static void test_rng_fills(void **state)
{
	(void)state;
	struct hal_rng r;
	assert_int_equal(hal_rng_linux_new(&r), 0);
	/* Guard bytes around the buffer stay untouched; the body changes. */
	uint8_t buf[1 + 4096 + 1];
	memset(buf, 0, sizeof(buf));
	assert_int_equal(hal_rng_fill(&r, buf + 1, 4096), 0);
	assert_int_equal(buf[0], 0);
	assert_int_equal(buf[sizeof(buf) - 1], 0);
	size_t zeros = 0;
	for (size_t i = 1; i <= 4096; i++)
		zeros += buf[i] == 0;
	/* Expected 16 zero bytes of 4096; all-zero means nothing was filled. */
	assert_true(zeros < 256);
	assert_int_equal(hal_rng_fill(&r, buf, 0), 0);
	assert_int_equal(hal_rng_fill(&r, NULL, 4), -EINVAL);
	hal_rng_destroy(&r);
}

static void test_rng_two_fills_differ(void **state)
{
	(void)state;
	struct hal_rng r;
	assert_int_equal(hal_rng_linux_new(&r), 0);
	uint8_t a[32], b[32];
	assert_int_equal(hal_rng_fill(&r, a, sizeof(a)), 0);
	assert_int_equal(hal_rng_fill(&r, b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	hal_rng_destroy(&r);
}

static void test_clock(void **state)
{
	(void)state;
	struct hal_clock *c = hal_clock_linux();
	assert_ptr_equal(c, hal_clock_linux());
	/* Not time(): glibc reads a coarse clock that may lag by a tick. */
	struct timespec b, a;
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &b), 0);
	int64_t wall = hal_clock_wall_ms(c);
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &a), 0);
	assert_true(wall >= (int64_t)b.tv_sec * 1000 + b.tv_nsec / 1000000);
	assert_true(wall <= (int64_t)a.tv_sec * 1000 + a.tv_nsec / 1000000);
	int64_t prev = hal_clock_mono_ms(c);
	for (int i = 0; i < 10000; i++) {
		int64_t now = hal_clock_mono_ms(c);
		assert_true(now >= prev);
		prev = now;
	}
	struct timespec ts;
	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	assert_true(prev <= (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rng_fills),
		cmocka_unit_test(test_rng_two_fills_differ),
		cmocka_unit_test(test_clock),
	};
	return cmocka_run_group_tests_name("hal_linux_rng_clock", tests, NULL, NULL);
}
