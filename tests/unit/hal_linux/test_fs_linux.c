/* hal_fs Linux backend: atomic write, and a failure at every system call of
 * it through the syscall table (SQLite's test_syscall habit): the old file
 * stays intact byte for byte and no temp file is left behind. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "hal/fs.h"

/* ---- a syscall table that counts calls and fails the Nth of one kind ---- */

enum sc_kind { SC_OPEN, SC_WRITE, SC_FSYNC, SC_RENAME, SC_CLOSE, SC_UNLINK, SC_COUNT };

static const char *const sc_names[SC_COUNT] = { "open",   "write", "fsync",
						"rename", "close", "unlink" };

static struct {
	int calls[SC_COUNT];
	int fail_kind; /* -1: none */
	int fail_nth;  /* 1-based */
	int fail_errno;
	size_t write_max;   /* cap per write call, to force partial writes */
	int eintr_writes;   /* the first n writes fail with EINTR */
} sc;

static void sc_reset(void)
{
	memset(&sc, 0, sizeof(sc));
	sc.fail_kind = -1;
}

/* True when this call must fail (and sets errno). */
static bool sc_fail(enum sc_kind k)
{
	sc.calls[k]++;
	if ((int)k == sc.fail_kind && sc.calls[k] == sc.fail_nth) {
		errno = sc.fail_errno;
		return true;
	}
	return false;
}

static int sc_open(const char *path, int flags, mode_t mode)
{
	return sc_fail(SC_OPEN) ? -1 : open(path, flags, mode);
}

static ssize_t sc_write(int fd, const void *buf, size_t len)
{
	if (sc_fail(SC_WRITE))
		return -1;
	if (sc.eintr_writes > 0) {
		sc.eintr_writes--;
		errno = EINTR;
		return -1;
	}
	if (sc.write_max && len > sc.write_max)
		len = sc.write_max;
	return write(fd, buf, len);
}

static int sc_fsync(int fd)
{
	return sc_fail(SC_FSYNC) ? -1 : fsync(fd);
}

static int sc_rename(const char *from, const char *to)
{
	return sc_fail(SC_RENAME) ? -1 : rename(from, to);
}

static int sc_close(int fd)
{
	if (sc_fail(SC_CLOSE)) {
		close(fd); /* Linux: the fd is gone even when close fails */
		return -1;
	}
	return close(fd);
}

static int sc_unlink(const char *path)
{
	return sc_fail(SC_UNLINK) ? -1 : unlink(path);
}

static const struct hal_fs_syscalls sc_table = {
	.open = sc_open,
	.write = sc_write,
	.fsync = sc_fsync,
	.rename = sc_rename,
	.close = sc_close,
	.unlink = sc_unlink,
};

/* ---- fixture ---- */

struct fixture {
	char dir[64];
	char path[PATH_MAX];
	struct hal_fs fs;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/hal_fs_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/state.json", f->dir);
	sc_reset();
	assert_int_equal(hal_fs_linux_new(&f->fs, &sc_table), 0);
	*state = f;
	return 0;
}

/* Number of entries in dir other than . and .. */
static int dir_entries(const char *dir, char *first, size_t first_len)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n++ == 0 && first)
			snprintf(first, first_len, "%s", e->d_name);
	}
	closedir(d);
	return n;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	hal_fs_destroy(&f->fs);
	DIR *d = opendir(f->dir);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		char p[PATH_MAX];
		if (e->d_name[0] == '.' && (!e->d_name[1] || e->d_name[1] == '.'))
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void assert_file(const char *path, const char *want, size_t want_len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	assert_int_equal(n, want_len);
	assert_memory_equal(buf, want, want_len);
}

static const char old_data[] = "{\"version\":1,\"modem\":\"EC25\"}\n";
static const char new_data[] = "{\"version\":2,\"modem\":\"SIM7600\",\"baud\":115200}\n";

static void test_write_and_read_back(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(hal_fs_write_atomic(&f->fs, f->path, old_data, strlen(old_data), 0600),
			 0);
	assert_file(f->path, old_data, strlen(old_data));
	struct stat st;
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(hal_fs_write_atomic(&f->fs, f->path, new_data, strlen(new_data), 0600),
			 0);
	assert_file(f->path, new_data, strlen(new_data));
	assert_int_equal(dir_entries(f->dir, NULL, 0), 1);

	char *data = NULL;
	size_t len = 0;
	assert_int_equal(hal_fs_read_file(&f->fs, f->path, strlen(new_data), &data, &len), 0);
	assert_int_equal(len, strlen(new_data));
	assert_string_equal(data, new_data);
	free(data);
	assert_int_equal(hal_fs_read_file(&f->fs, f->path, strlen(new_data) - 1, &data, &len),
			 -EFBIG);
	char missing[PATH_MAX];
	snprintf(missing, sizeof(missing), "%s/missing", f->dir);
	assert_int_equal(hal_fs_read_file(&f->fs, missing, 100, &data, &len), -ENOENT);
	assert_int_equal(hal_fs_read_file(&f->fs, f->dir, 100, &data, &len), -EISDIR);
	/* Empty data is a valid (empty) file. */
	assert_int_equal(hal_fs_write_atomic(&f->fs, f->path, NULL, 0, 0600), 0);
	assert_int_equal(hal_fs_read_file(&f->fs, f->path, 0, &data, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(data, "");
	free(data);
}

static void test_bad_args(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(hal_fs_write_atomic(&f->fs, "", "x", 1, 0600), -EINVAL);
	assert_int_equal(hal_fs_write_atomic(&f->fs, f->path, NULL, 1, 0600), -EINVAL);
	char dirpath[PATH_MAX];
	snprintf(dirpath, sizeof(dirpath), "%s/", f->dir);
	assert_int_equal(hal_fs_write_atomic(&f->fs, dirpath, "x", 1, 0600), -EINVAL);
	char nodir[PATH_MAX];
	snprintf(nodir, sizeof(nodir), "%s/no/such/file", f->dir);
	assert_int_equal(hal_fs_write_atomic(&f->fs, nodir, "x", 1, 0600), -ENOENT);
	assert_int_equal(dir_entries(f->dir, NULL, 0), 0);
	struct hal_fs_syscalls partial = sc_table;
	partial.rename = NULL;
	struct hal_fs other;
	assert_int_equal(hal_fs_linux_new(&other, &partial), -EINVAL);
}

static void test_partial_writes_and_eintr(void **state)
{
	struct fixture *f = *state;
	sc.write_max = 3;
	sc.eintr_writes = 2;
	assert_int_equal(hal_fs_write_atomic(&f->fs, f->path, new_data, strlen(new_data), 0644),
			 0);
	assert_file(f->path, new_data, strlen(new_data));
	/* 2 interrupted + ceil(len / 3) partial writes. */
	assert_int_equal(sc.calls[SC_WRITE], 2 + (int)((strlen(new_data) + 2) / 3));
}

/* Fail the nth call of kind during an overwrite of old_data with new_data. */
static void run_failure(struct fixture *f, enum sc_kind kind, int nth, int err)
{
	sc_reset();
	assert_int_equal(hal_fs_write_atomic(&f->fs, f->path, old_data, strlen(old_data), 0600),
			 0);
	sc_reset();
	sc.write_max = 7;
	sc.fail_kind = (int)kind;
	sc.fail_nth = nth;
	sc.fail_errno = err;
	int rc = hal_fs_write_atomic(&f->fs, f->path, new_data, strlen(new_data), 0600);
	if (rc != -err)
		fail_msg("%s #%d: rc %d, want %d", sc_names[kind], nth, rc, -err);
}

static void test_every_step_fails_cleanly(void **state)
{
	struct fixture *f = *state;
	/* A clean run counts the calls of each kind (not hard-coded). */
	assert_int_equal(hal_fs_write_atomic(&f->fs, f->path, old_data, strlen(old_data), 0600),
			 0);
	sc_reset();
	sc.write_max = 7;
	assert_int_equal(hal_fs_write_atomic(&f->fs, f->path, new_data, strlen(new_data), 0600),
			 0);
	int clean[SC_COUNT];
	memcpy(clean, sc.calls, sizeof(clean));
	assert_int_equal(clean[SC_OPEN], 2);   /* the directory, the temp file */
	assert_true(clean[SC_WRITE] > 1);      /* partial writes */
	assert_int_equal(clean[SC_FSYNC], 2);  /* the temp file, the directory */
	assert_int_equal(clean[SC_RENAME], 1);
	assert_int_equal(clean[SC_UNLINK], 0);

	static const enum sc_kind kinds[] = { SC_OPEN, SC_WRITE, SC_FSYNC, SC_RENAME, SC_CLOSE };
	int cases = 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		for (int nth = 1; nth <= clean[kinds[k]]; nth++) {
			/* The last close is the directory's, whose error does not
			 * matter once the data is in place (its own test below). */
			if (kinds[k] == SC_CLOSE && nth == clean[SC_CLOSE])
				continue;
			run_failure(f, kinds[k], nth, kinds[k] == SC_OPEN ? EACCES : EIO);
			char name[256] = "";
			assert_int_equal(dir_entries(f->dir, name, sizeof(name)), 1);
			assert_string_equal(name, "state.json");
			bool after_rename = kinds[k] == SC_FSYNC && nth == clean[SC_FSYNC];
			if (after_rename) {
				/* Directory fsync: the rename happened, the new file is
				 * whole, and the caller hears about the failure. */
				assert_file(f->path, new_data, strlen(new_data));
			} else {
				assert_file(f->path, old_data, strlen(old_data));
			}
			cases++;
		}
	}
	/* dir open, temp open, each write, 2 fsyncs, rename, temp close. */
	assert_int_equal(cases, 2 + clean[SC_WRITE] + 2 + 1 + 1);
}

static void test_crash_before_rename(void **state)
{
	struct fixture *f = *state;
	run_failure(f, SC_RENAME, 1, EIO);
	assert_file(f->path, old_data, strlen(old_data));
	assert_int_equal(dir_entries(f->dir, NULL, 0), 1);
	/* The temp file was written in full and then removed. */
	assert_int_equal(sc.calls[SC_UNLINK], 1);
}

static void test_dir_close_failure_is_ignored(void **state)
{
	struct fixture *f = *state;
	sc_reset();
	assert_int_equal(hal_fs_write_atomic(&f->fs, f->path, old_data, strlen(old_data), 0600),
			 0);
	int closes = sc.calls[SC_CLOSE];
	sc_reset();
	sc.fail_kind = SC_CLOSE;
	sc.fail_nth = closes;
	sc.fail_errno = EIO;
	assert_int_equal(hal_fs_write_atomic(&f->fs, f->path, new_data, strlen(new_data), 0600),
			 0);
	assert_file(f->path, new_data, strlen(new_data));
}

static void test_real_syscalls(void **state)
{
	struct fixture *f = *state;
	struct hal_fs real;
	assert_int_equal(hal_fs_linux_new(&real, NULL), 0);
	assert_int_equal(hal_fs_write_atomic(&real, f->path, old_data, strlen(old_data), 0600), 0);
	assert_file(f->path, old_data, strlen(old_data));
	char *data;
	size_t len;
	assert_int_equal(hal_fs_read_file(&real, f->path, 4096, &data, &len), 0);
	assert_int_equal(len, strlen(old_data));
	free(data);
	hal_fs_destroy(&real);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_and_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_writes_and_eintr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_step_fails_cleanly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_before_rename, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_close_failure_is_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_syscalls, setup, teardown),
	};
	return cmocka_run_group_tests_name("hal_linux_fs", tests, NULL, NULL);
}
