/*
 * outbox_fault: storage faults on demand, for tests and the script harness.
 *
 * A SQLite VFS named OUTBOX_FAULT_VFS that forwards every call to the
 * default one (the files are the same files on disk) and, when armed,
 * answers like a failing disk would: SQLITE_FULL from a write once the
 * disk "fills", SQLITE_READONLY from a write and read-only opens once the
 * file system "goes read-only". This is how the unit tests and the
 * headless e2e scripts (`storage full|readonly|ok`) prove what a resident
 * sees when the storage fails, without root to fill or remount a disk.
 *
 * The kiosk uses it only when it runs headless under a script; a kiosk in
 * service opens its queue on the default VFS.
 */
#ifndef KIOSK_OUTBOX_FAULT_H
#define KIOSK_OUTBOX_FAULT_H

#include <stdbool.h>

#define OUTBOX_FAULT_VFS "kiosk-fault"

typedef enum outbox_fault_mode {
    OUTBOX_FAULT_NONE,
    OUTBOX_FAULT_FULL,      /* writes fail with SQLITE_FULL */
    OUTBOX_FAULT_READONLY,  /* writes fail, new opens are read-only */
} outbox_fault_mode;

/* Registers the VFS (not as the default); idempotent, any thread. False
 * when SQLite refused it. */
bool outbox_fault_register(void);

/* Arms a fault, effective from the next call into the VFS. For
 * OUTBOX_FAULT_FULL, writes_first writes still succeed before the disk is
 * full (a commit that fails half-way); 0 fails the very next one. */
void outbox_fault_set(outbox_fault_mode mode, int writes_first);

outbox_fault_mode outbox_fault_get(void);

#endif
