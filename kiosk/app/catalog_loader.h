/*
 * catalog_loader: loads and checks a replaced catalogue on a thread of its
 * own, so the touch screen never freezes while it does.
 *
 * A 16 MiB catalogue takes seconds to read, parse, check and index; done
 * on the UI thread (as app_reload_catalog did until issue 13) the screen
 * froze that long whenever a technician replaced the file. Now the UI
 * thread only asks (catalog_loader_request), and the loader thread posts
 * the finished load -- a catalogue that validated completely, or the list
 * of problems -- to the event hub (source "catalog"), where the app's
 * handler swaps it in on the UI thread between two frames.
 *
 * Requests are numbered. A request made while a load runs is not lost: the
 * running load finishes, its result is thrown away unposted, and the newest
 * file is loaded next. Only the newest request's result is ever posted
 * (the app also checks the number, for a request made after the post).
 */
#ifndef KIOSK_CATALOG_LOADER_H
#define KIOSK_CATALOG_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "common/diag.h"

/* The hub event kind the loader posts; the payload is a catalog_loaded. */
enum { CATALOG_LOADED = 1 };

/* One finished load. The handler that adopts cat sets it to NULL; the
 * drop function (catalog_loaded_drop) frees whatever is left. */
typedef struct catalog_loaded {
    uint64_t request;   /* from catalog_loader_request */
    char *path;
    catalog *cat;       /* NULL when the file was refused */
    diag_list errors;   /* why it was refused (may also hold warnings) */
} catalog_loaded;

void catalog_loaded_drop(void *payload);

/* Starts the thread (UI thread, after hub_init). Returns the hub source its
 * results come from, or -1 (with a message on stderr) when the thread could
 * not start: callers then load on their own thread. */
int catalog_loader_start(void);

/* Asks for path (copied) to be loaded; returns the request's number (from
 * 1, increasing), or 0 when the loader is not running or out of memory. */
uint64_t catalog_loader_request(const char *path);

/* Frees old (a catalogue just replaced, which nothing refers to any more)
 * on the loader thread: freeing a 16 MiB catalogue's hundreds of thousands
 * of pieces takes about a frame. Freed here when the loader is not running
 * or already has several waiting. NULL is fine. */
void catalog_loader_dispose(catalog *old);

/* Stops and joins the thread (UI thread, before hub_shutdown, which drops a
 * result still queued). A load in progress is finished first: catalog_load
 * has no cancellation point, and a few seconds at shutdown are harmless. */
void catalog_loader_stop(void);

#endif
