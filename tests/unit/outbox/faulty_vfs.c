/* See faulty_vfs.h. Test-only: the fault state is process-wide because the
 * VFS is. */
#include "faulty_vfs.h"

#include <sqlite3.h>
#include <string.h>

struct faulty_file {
	sqlite3_file base;
	sqlite3_file *real; /* lives right after this struct */
};

static struct {
	sqlite3_vfs vfs;
	sqlite3_vfs *real;
	enum faulty_mode mode;
	unsigned n, ops;
	bool fired, dead;
} fv;

static sqlite3_file *R(sqlite3_file *f)
{
	return ((struct faulty_file *)f)->real;
}

/* true when this write/sync must fail. */
static bool faulty_hit(void)
{
	if (fv.dead)
		return true;
	if (fv.mode == FAULTY_OFF)
		return false;
	fv.ops++;
	if (fv.ops != fv.n)
		return false;
	fv.fired = true;
	if (fv.mode == FAULTY_POWER_LOSS)
		fv.dead = true;
	return true;
}

static int f_close(sqlite3_file *f)
{
	int rc = R(f)->pMethods ? R(f)->pMethods->xClose(R(f)) : SQLITE_OK;

	return rc;
}
static int f_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
	return R(f)->pMethods->xRead(R(f), b, n, o);
}
static int f_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
	return faulty_hit() ? SQLITE_IOERR_WRITE : R(f)->pMethods->xWrite(R(f), b, n, o);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return fv.dead ? SQLITE_IOERR_TRUNCATE : R(f)->pMethods->xTruncate(R(f), size);
}
static int f_sync(sqlite3_file *f, int flags)
{
	return faulty_hit() ? SQLITE_IOERR_FSYNC : R(f)->pMethods->xSync(R(f), flags);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *s)
{
	return R(f)->pMethods->xFileSize(R(f), s);
}
static int f_lock(sqlite3_file *f, int l)
{
	return R(f)->pMethods->xLock(R(f), l);
}
static int f_unlock(sqlite3_file *f, int l)
{
	return R(f)->pMethods->xUnlock(R(f), l);
}
static int f_reserved(sqlite3_file *f, int *out)
{
	return R(f)->pMethods->xCheckReservedLock(R(f), out);
}
static int f_fcntl(sqlite3_file *f, int op, void *arg)
{
	return R(f)->pMethods->xFileControl(R(f), op, arg);
}
static int f_sector(sqlite3_file *f)
{
	return R(f)->pMethods->xSectorSize(R(f));
}
static int f_devchar(sqlite3_file *f)
{
	return R(f)->pMethods->xDeviceCharacteristics(R(f));
}
static int f_shm_map(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	return R(f)->pMethods->xShmMap(R(f), pg, sz, ext, pp);
}
static int f_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return R(f)->pMethods->xShmLock(R(f), off, n, flags);
}
static void f_shm_barrier(sqlite3_file *f)
{
	R(f)->pMethods->xShmBarrier(R(f));
}
static int f_shm_unmap(sqlite3_file *f, int del)
{
	/* After a "power loss" the -shm must not be deleted either. */
	return R(f)->pMethods->xShmUnmap(R(f), fv.dead ? 0 : del);
}

static const sqlite3_io_methods faulty_io = {
	.iVersion = 2,
	.xClose = f_close,
	.xRead = f_read,
	.xWrite = f_write,
	.xTruncate = f_truncate,
	.xSync = f_sync,
	.xFileSize = f_size,
	.xLock = f_lock,
	.xUnlock = f_unlock,
	.xCheckReservedLock = f_reserved,
	.xFileControl = f_fcntl,
	.xSectorSize = f_sector,
	.xDeviceCharacteristics = f_devchar,
	.xShmMap = f_shm_map,
	.xShmLock = f_shm_lock,
	.xShmBarrier = f_shm_barrier,
	.xShmUnmap = f_shm_unmap,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	struct faulty_file *ff = (struct faulty_file *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	memset(ff->real, 0, (size_t)fv.real->szOsFile);
	rc = fv.real->xOpen(fv.real, name, ff->real, flags, out);
	/* SQLite calls xClose even when xOpen failed, if pMethods is set. */
	f->pMethods = ff->real->pMethods ? &faulty_io : NULL;
	return rc;
}
static int v_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return fv.dead ? SQLITE_IOERR_DELETE : fv.real->xDelete(fv.real, name, sync);
}
static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return fv.real->xAccess(fv.real, name, flags, out);
}
static int v_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return fv.real->xFullPathname(fv.real, name, n, out);
}
static int v_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return fv.real->xRandomness(fv.real, n, out);
}
static int v_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return fv.real->xSleep(fv.real, us);
}
static int v_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return fv.real->xCurrentTime(fv.real, out);
}
static int v_lasterr(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return fv.real->xGetLastError(fv.real, n, out);
}
static int v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return fv.real->xCurrentTimeInt64(fv.real, out);
}

int faulty_vfs_register(void)
{
	if (fv.real)
		return SQLITE_OK;
	fv.real = sqlite3_vfs_find(NULL);
	if (!fv.real)
		return SQLITE_ERROR;
	fv.vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct faulty_file) + fv.real->szOsFile,
		.mxPathname = fv.real->mxPathname,
		.zName = FAULTY_VFS_NAME,
		.xOpen = v_open,
		.xDelete = v_delete,
		.xAccess = v_access,
		.xFullPathname = v_fullpath,
		.xRandomness = v_random,
		.xSleep = v_sleep,
		.xCurrentTime = v_time,
		.xGetLastError = v_lasterr,
		.xCurrentTimeInt64 = v_time64,
	};
	return sqlite3_vfs_register(&fv.vfs, 0);
}

void faulty_vfs_arm(enum faulty_mode mode, unsigned n)
{
	fv.mode = mode;
	fv.n = n;
	fv.ops = 0;
	fv.fired = false;
	fv.dead = false;
}

unsigned faulty_vfs_ops(void)
{
	return fv.ops;
}

bool faulty_vfs_fired(void)
{
	return fv.fired;
}
