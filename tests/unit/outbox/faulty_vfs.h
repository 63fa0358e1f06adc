/* A SQLite VFS shim for crash tests: wraps the default (unix) VFS and
 * counts every xWrite and xSync. Armed, it fails the Nth one once, or
 * simulates a power loss at the Nth: that one and every write, sync,
 * truncate and delete after it fail, so nothing reaches the disk after it
 * (SQLite's test_syscall.c habit: fail the Nth call). */
#ifndef TEST_FAULTY_VFS_H
#define TEST_FAULTY_VFS_H

#include <stdbool.h>

enum faulty_mode {
	FAULTY_OFF,
	FAULTY_FAIL_ONCE,   /* the Nth write/sync returns an I/O error */
	FAULTY_POWER_LOSS,  /* from the Nth write/sync on, nothing is written */
};

#define FAULTY_VFS_NAME "faulty"

/* Registers the shim (not as default). Returns an SQLite result code. */
int faulty_vfs_register(void);
/* Resets the counter and arms the mode at op n (1-based). */
void faulty_vfs_arm(enum faulty_mode mode, unsigned n);
/* Writes+syncs seen since the last arm. */
unsigned faulty_vfs_ops(void);
/* Whether the fault has happened. */
bool faulty_vfs_fired(void);

#endif
