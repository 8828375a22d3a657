/*
 * receipt_store: every receipt the kiosk made, kept for a reprint.
 *
 * A printer that is out of paper must not cost the resident their
 * receipt: the transaction is complete and the receipt is shown on
 * screen, and a technician (or the resident at a window) can have it
 * printed later with `kioskctl receipt reprint NUMBER`. So the UI saves
 * each receipt's description -- the texts, not the raster -- as
 * data_dir/receipts/<transaction number>.json (mode 0600, written to a
 * temporary name, synced and renamed: never half a file).
 *
 * Personal data: only what the receipt itself shows, already masked
 * (张*, 3301**********0014); receipt_store_save refuses an identity that
 * is not masked, so the file holds nothing the paper would not.
 *
 * Purged by age with the outbox's [outbox] retention_days, by the outbox
 * thread's hourly purge (outbox.c): the receipt goes when its
 * transaction's row may go.
 *
 * Any thread; each call opens and closes its files. Storage must be open
 * (storage_open). The UI queues receipts (receipt_store_queue) so that it
 * never waits on the disk.
 */
#ifndef KIOSK_RECEIPT_STORE_H
#define KIOSK_RECEIPT_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "print/receipt.h"

#define RECEIPT_STORE_DIR "receipts"

/* A receipt read back: rc points into the file's texts; key is the
 * outbox's idempotency key ("" for an online application). */
typedef struct receipt_stored {
    receipt rc;
    const char *key;
    void *json_;
} receipt_stored;

/* Saves rc (its transaction_no names the file; letters, digits and '-'
 * only) with the transaction's key (NULL: none). False with why. */
bool receipt_store_save(const receipt *rc, const char *key, char *why, size_t why_size);

/* The same, for the UI thread: checks and encodes rc here (false with why
 * when refused), and leaves the writing and its fsync to the store's
 * writer thread, started on first use, which writes in order and reports
 * a failure on stderr. */
bool receipt_store_queue(const receipt *rc, const char *key, char *why, size_t why_size);

/* Waits until every queued receipt is written. */
void receipt_store_flush(void);

/* Writes what is queued and ends the writer thread (at shutdown; a later
 * receipt_store_queue starts it again). */
void receipt_store_stop(void);

/* Loads the receipt whose transaction number or key is id. False with why
 * ("no receipt 2026...: purged or never made"). Free with
 * receipt_stored_free. */
bool receipt_store_load(const char *id, receipt_stored *out, char *why, size_t why_size);
void receipt_stored_free(receipt_stored *s);

/* Calls fn for each receipt kept (in no order); returns how many. */
typedef void (*receipt_store_fn)(const receipt_stored *s, void *ctx);
int receipt_store_each(receipt_store_fn fn, void *ctx);

/* Deletes every receipt saved before cutoff (its file's modification
 * time); returns how many. */
int receipt_store_purge(time_t cutoff);

/* The QR code's text for transaction number no: the progress link
 * (endpoint/progress/NO) when the kiosk has a platform, else the number
 * itself, which the resident types into 办件查询. */
void receipt_store_progress_link(const char *endpoint, const char *no, char *out, size_t size);

#endif
