/* A scratch directory of the tests and benchmarks that need real files (a
 * store on disk): made with mkdtemp by each, removed here. Header-only:
 * shared by cmocka tests and plain bench programs alike
 * (smsrelay_add_test / smsrelay_add_bench put tests/common on the include
 * path). */
#ifndef SCRATCH_DIR_H
#define SCRATCH_DIR_H

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Removes dir and the files in it (one level: a store, its -wal and -shm,
 * a lock file). */
static inline void scratch_dir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

#endif
