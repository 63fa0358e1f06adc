/* hal_fs on Linux: atomic replace (temp file in the same directory, fsync,
 * rename, fsync of the directory) and bounded whole-file reads.
 *
 * Every system call of write_atomic goes through a table (SQLite's aSyscall
 * habit) so tests can fail the Nth call. The directory is opened before the
 * rename: after the rename the new file is in place, and only the directory
 * fsync can still fail (the error is returned; the file then holds the new
 * content, whole, but its durability is not guaranteed). */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/fs.h"
#include "hal/log.h"

LOG_MODULE(log_fs, "fs");

#define FS_TEMP_TRIES 16

struct fs_linux {
	struct hal_fs_syscalls sys;
};

static int fs_real_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

static const struct hal_fs_syscalls fs_real_syscalls = {
	.open = fs_real_open,
	.write = write,
	.fsync = fsync,
	.rename = rename,
	.close = close,
	.unlink = unlink,
};

/* "<path>.tmp.XXXXXX" with random letters; the caller opens it O_EXCL. */
static void fs_temp_name(char *tmp, size_t tmp_len, const char *path)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	uint8_t rnd[6] = { 0 };
	/* Not secret: a predictable name only costs an EEXIST retry. */
	if (getrandom(rnd, sizeof(rnd), GRND_NONBLOCK) != (ssize_t)sizeof(rnd)) {
		uint64_t x = (uint64_t)getpid() ^ (uint64_t)(uintptr_t)tmp ^ (uint64_t)rand();
		memcpy(rnd, &x, sizeof(rnd));
	}
	char suffix[7];
	for (size_t i = 0; i < 6; i++)
		suffix[i] = alphabet[rnd[i] % (sizeof(alphabet) - 1)];
	suffix[6] = '\0';
	snprintf(tmp, tmp_len, "%s.tmp.%s", path, suffix);
}

/* The directory holding path: "." for a bare name, "/" for "/name". */
static char *fs_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return strdup(".");
	size_t len = slash == path ? 1 : (size_t)(slash - path);
	char *dir = malloc(len + 1);
	if (dir) {
		memcpy(dir, path, len);
		dir[len] = '\0';
	}
	return dir;
}

static int fs_write_all(const struct hal_fs_syscalls *sys, int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = sys->write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fs_create_temp(const struct hal_fs_syscalls *sys, char *tmp, size_t tmp_len,
			  const char *path, mode_t mode)
{
	for (int i = 0; i < FS_TEMP_TRIES; i++) {
		fs_temp_name(tmp, tmp_len, path);
		int fd = sys->open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
	}
	return -EEXIST;
}

/* Temp file written, synced and closed. On failure it is unlinked. */
static int fs_write_temp(const struct hal_fs_syscalls *sys, char *tmp, size_t tmp_len,
			 const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = fs_create_temp(sys, tmp, tmp_len, path, mode);
	if (fd < 0)
		return fd;
	int rc = fs_write_all(sys, fd, data, len);
	if (rc == 0 && sys->fsync(fd) < 0)
		rc = -errno;
	/* close is called once whatever happens: Linux frees the fd even when
	 * close reports an error, so it must not be retried. */
	if (sys->close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc < 0)
		sys->unlink(tmp);
	return rc;
}

static int fs_write_atomic(void *ctx, const char *path, const void *data, size_t len,
			   mode_t mode)
{
	struct fs_linux *fs = ctx;
	const struct hal_fs_syscalls *sys = &fs->sys;
	if (!path || !*path || (!data && len > 0) || path[strlen(path) - 1] == '/')
		return -EINVAL;
	size_t tmp_len = strlen(path) + sizeof(".tmp.XXXXXX");
	char *tmp = malloc(tmp_len);
	char *dir = fs_dir_of(path);
	if (!tmp || !dir) {
		free(tmp);
		free(dir);
		return -ENOMEM;
	}
	int rc = 0;
	int dfd = sys->open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	if (dfd < 0)
		rc = -errno;
	if (rc == 0)
		rc = fs_write_temp(sys, tmp, tmp_len, path, data, len, mode);
	if (rc == 0 && sys->rename(tmp, path) < 0) {
		rc = -errno;
		sys->unlink(tmp);
	}
	if (rc == 0 && sys->fsync(dfd) < 0)
		rc = -errno;
	if (dfd >= 0)
		sys->close(dfd);
	if (rc < 0)
		LOG_ERR(&log_fs, path, "atomic write: %s", strerror(-rc));
	free(tmp);
	free(dir);
	return rc;
}

/* Read until EOF into a buffer that grows up to max + 1 bytes (the extra
 * byte detects a file that is too large, even one whose st_size lies, like
 * files in /proc). */
static int fs_read_fd(int fd, size_t hint, size_t max, char **data, size_t *len)
{
	size_t cap = (hint < max ? hint : max) + 1, used = 0;
	char *buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (used == cap) {
			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			char *nbuf = realloc(buf, ncap + 1);
			if (!nbuf) {
				free(buf);
				return -ENOMEM;
			}
			buf = nbuf;
			cap = ncap;
		}
		ssize_t n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = -errno;
			free(buf);
			return rc;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > max) {
		free(buf);
		return -EFBIG;
	}
	buf[used] = '\0';
	*data = buf;
	*len = used;
	return 0;
}

static int fs_read_file(void *ctx, const char *path, size_t max, char **data, size_t *len)
{
	struct fs_linux *fs = ctx;
	if (!path || !data || !len || max == SIZE_MAX)
		return -EINVAL;
	int fd = fs->sys.open(path, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	struct stat st;
	int rc = fstat(fd, &st) < 0 ? -errno : 0;
	if (rc == 0 && S_ISDIR(st.st_mode))
		rc = -EISDIR;
	if (rc == 0 && st.st_size > 0 && (uint64_t)st.st_size > max)
		rc = -EFBIG;
	if (rc == 0)
		rc = fs_read_fd(fd, st.st_size > 0 ? (size_t)st.st_size : 0, max, data, len);
	fs->sys.close(fd);
	return rc;
}

static void fs_destroy(void *ctx)
{
	free(ctx);
}

static const struct hal_fs_ops fs_linux_ops = {
	.write_atomic = fs_write_atomic,
	.read_file = fs_read_file,
	.destroy = fs_destroy,
};

int hal_fs_linux_new(struct hal_fs *out, const struct hal_fs_syscalls *sys)
{
	if (!out)
		return -EINVAL;
	if (sys && (!sys->open || !sys->write || !sys->fsync || !sys->rename || !sys->close ||
		    !sys->unlink))
		return -EINVAL;
	struct fs_linux *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->sys = sys ? *sys : fs_real_syscalls;
	out->ops = &fs_linux_ops;
	out->ctx = fs;
	return 0;
}
