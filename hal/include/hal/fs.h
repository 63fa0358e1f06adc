/* hal_fs: file operations whose durability matters (config, keys, state).
 * write_atomic: write a temp file in the same directory, fsync it, rename it
 * over path, fsync the directory. A crash at any point leaves either the old
 * file or the new one, never a torn one. */
#ifndef HAL_FS_H
#define HAL_FS_H

#include <stddef.h>
#include <sys/types.h>

struct hal_fs_ops {
	/* Returns 0 or -errno; on error the old file (if any) is untouched and
	 * no temp file is left behind. */
	int (*write_atomic)(void *ctx, const char *path, const void *data, size_t len,
			    mode_t mode);
	/* Read a whole file of at most max bytes into a malloc'd buffer (NUL
	 * terminated for convenience; *len excludes it). Returns 0, -ENOENT,
	 * -EFBIG (larger than max) or -errno. */
	int (*read_file)(void *ctx, const char *path, size_t max, char **data, size_t *len);
	void (*destroy)(void *ctx);
};

struct hal_fs {
	const struct hal_fs_ops *ops;
	void *ctx;
};

static inline int hal_fs_write_atomic(struct hal_fs *fs, const char *path, const void *data,
				      size_t len, mode_t mode)
{
	return fs->ops->write_atomic(fs->ctx, path, data, len, mode);
}
static inline int hal_fs_read_file(struct hal_fs *fs, const char *path, size_t max, char **data,
				   size_t *len)
{
	return fs->ops->read_file(fs->ctx, path, max, data, len);
}
static inline void hal_fs_destroy(struct hal_fs *fs)
{
	if (fs && fs->ops)
		fs->ops->destroy(fs->ctx);
}

/* The system calls the Linux backend makes, as a table so tests can fail the
 * Nth call (SQLite's aSyscall habit). NULL table = the real calls. */
struct hal_fs_syscalls {
	int (*open)(const char *path, int flags, mode_t mode);
	ssize_t (*write)(int fd, const void *buf, size_t len);
	int (*fsync)(int fd);
	int (*rename)(const char *from, const char *to);
	int (*close)(int fd);
	int (*unlink)(const char *path);
};

int hal_fs_linux_new(struct hal_fs *out, const struct hal_fs_syscalls *sys);

#endif
