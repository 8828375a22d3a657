/*
 * outbox_fault: see outbox_fault.h.
 *
 * The shim wraps each file in a small struct that points at the default
 * VFS's own file object, allocated beside it; everything but xWrite and
 * xOpen passes straight through, so locking, the WAL index and syncs are
 * exactly the default VFS's. The mode is an atomic: the script harness
 * arms it on the UI thread while the outbox thread writes.
 */
#include "outbox/outbox_fault.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>

typedef struct fault_file {
    sqlite3_file base;
    sqlite3_file *real; /* the default VFS's file, owned */
} fault_file;

static sqlite3_vfs fault_vfs;
static sqlite3_vfs *base_vfs;
static sqlite3_io_methods fault_methods;
static atomic_int fault_mode = OUTBOX_FAULT_NONE;
static atomic_int writes_left = 0;

static sqlite3_file *real(sqlite3_file *f)
{
    return ((fault_file *)f)->real;
}

static int f_close(sqlite3_file *f)
{
    sqlite3_file *r = real(f);
    int rc = r->pMethods->xClose(r);
    free(r);
    return rc;
}

static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return real(f)->pMethods->xRead(real(f), buf, n, off);
}

static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    switch (atomic_load(&fault_mode)) {
    case OUTBOX_FAULT_FULL:
        /* the unix VFS answers ENOSPC with SQLITE_FULL */
        if (atomic_fetch_sub(&writes_left, 1) <= 0)
            return SQLITE_FULL;
        break;
    case OUTBOX_FAULT_READONLY:
        return SQLITE_READONLY;
    default:
        break;
    }
    return real(f)->pMethods->xWrite(real(f), buf, n, off);
}

/* The rest go straight through to the real file. */
#define PASS(name, params, args)                                                   \
    static int f_##name params                                                     \
    {                                                                              \
        return real(f)->pMethods->x##name args;                                    \
    }
PASS(Truncate, (sqlite3_file * f, sqlite3_int64 size), (real(f), size))
PASS(Sync, (sqlite3_file * f, int flags), (real(f), flags))
PASS(FileSize, (sqlite3_file * f, sqlite3_int64 * size), (real(f), size))
PASS(Lock, (sqlite3_file * f, int lock), (real(f), lock))
PASS(Unlock, (sqlite3_file * f, int lock), (real(f), lock))
PASS(CheckReservedLock, (sqlite3_file * f, int *out), (real(f), out))
PASS(FileControl, (sqlite3_file * f, int op, void *arg), (real(f), op, arg))
PASS(SectorSize, (sqlite3_file * f), (real(f)))
PASS(DeviceCharacteristics, (sqlite3_file * f), (real(f)))
PASS(ShmMap, (sqlite3_file * f, int page, int size, int extend, void volatile **pp),
     (real(f), page, size, extend, pp))
PASS(ShmLock, (sqlite3_file * f, int offset, int n, int flags), (real(f), offset, n, flags))
PASS(ShmUnmap, (sqlite3_file * f, int del), (real(f), del))
#undef PASS

static void f_ShmBarrier(sqlite3_file *f)
{
    real(f)->pMethods->xShmBarrier(real(f));
}

static int f_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    fault_file *p = (fault_file *)f;
    p->base.pMethods = NULL; /* SQLite skips xClose when open fails */
    p->real = calloc(1, (size_t)base_vfs->szOsFile);
    if (!p->real)
        return SQLITE_NOMEM;
    if (atomic_load(&fault_mode) == OUTBOX_FAULT_READONLY && (flags & SQLITE_OPEN_READWRITE)) {
        /* what the unix VFS does when open(O_RDWR) fails with EROFS: an
         * existing file opens read-only, a missing one cannot be made */
        struct stat st;
        if ((flags & SQLITE_OPEN_CREATE) && (!name || stat(name, &st) != 0)) {
            free(p->real);
            return SQLITE_CANTOPEN;
        }
        flags = (flags & ~(SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)) | SQLITE_OPEN_READONLY;
    }
    int rc = base_vfs->xOpen(base_vfs, name, p->real, flags, out);
    if (rc != SQLITE_OK || !p->real->pMethods) {
        free(p->real);
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    p->base.pMethods = &fault_methods;
    return SQLITE_OK;
}

static int registered_rc = SQLITE_ERROR;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void do_register(void)
{
    base_vfs = sqlite3_vfs_find(NULL);
    if (!base_vfs)
        return;
    fault_vfs = *base_vfs;
    fault_vfs.zName = OUTBOX_FAULT_VFS;
    fault_vfs.szOsFile = (int)sizeof(fault_file);
    fault_vfs.xOpen = f_open;
    fault_vfs.pNext = NULL;
    fault_methods = (sqlite3_io_methods){
        .iVersion = 2,
        .xClose = f_close,
        .xRead = f_read,
        .xWrite = f_write,
        .xTruncate = f_Truncate,
        .xSync = f_Sync,
        .xFileSize = f_FileSize,
        .xLock = f_Lock,
        .xUnlock = f_Unlock,
        .xCheckReservedLock = f_CheckReservedLock,
        .xFileControl = f_FileControl,
        .xSectorSize = f_SectorSize,
        .xDeviceCharacteristics = f_DeviceCharacteristics,
        .xShmMap = f_ShmMap,
        .xShmLock = f_ShmLock,
        .xShmBarrier = f_ShmBarrier,
        .xShmUnmap = f_ShmUnmap,
    };
    registered_rc = sqlite3_vfs_register(&fault_vfs, 0);
}

bool outbox_fault_register(void)
{
    pthread_once(&once, do_register);
    return registered_rc == SQLITE_OK;
}

void outbox_fault_set(outbox_fault_mode mode, int writes_first)
{
    atomic_store(&writes_left, writes_first < 0 ? 0 : writes_first);
    atomic_store(&fault_mode, (int)mode);
}

outbox_fault_mode outbox_fault_get(void)
{
    return (outbox_fault_mode)atomic_load(&fault_mode);
}
