/*
 * catalog_loader: the catalogue is loaded off the UI thread (see
 * catalog_loader.h).
 */
#include "app/catalog_loader.h"
#include "common/clock.h"
#include "hub/hub.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Replaced catalogues waiting to be freed; more at once (replacements
 * faster than frees) are freed by the caller. */
#define DISPOSE_MAX 8

static struct {
    pthread_mutex_t mu;
    clock_cond cv;
    pthread_t thread;
    clock_thread *ct;
    bool running;
    bool quit;
    char *path;         /* newest request's file, owned; NULL when taken */
    uint64_t requested; /* newest request's number */
    int source;
    catalog *old[DISPOSE_MAX]; /* replaced catalogues waiting to be freed */
    size_t n_old;
} L = {.mu = PTHREAD_MUTEX_INITIALIZER, .source = -1};

void catalog_loaded_drop(void *payload)
{
    catalog_loaded *r = payload;
    if (!r)
        return;
    catalog_free(r->cat);
    diag_clear(&r->errors);
    free(r->path);
    free(r);
}

static void *loader_main(void *arg)
{
    (void)arg;
    clock_thread_bind(L.ct);
    pthread_mutex_lock(&L.mu);
    while (!L.quit) {
        if (L.n_old) {
            catalog *old[DISPOSE_MAX];
            size_t n = L.n_old;
            memcpy(old, L.old, n * sizeof *old);
            L.n_old = 0;
            pthread_mutex_unlock(&L.mu);
            for (size_t i = 0; i < n; i++)
                catalog_free(old[i]);
            pthread_mutex_lock(&L.mu);
            continue;
        }
        if (!L.path) {
            clock_cond_wait_until(&L.cv, &L.mu, CLOCK_FOREVER);
            continue;
        }
        char *path = L.path;
        uint64_t request = L.requested;
        L.path = NULL;
        pthread_mutex_unlock(&L.mu);

        catalog_loaded *r = calloc(1, sizeof *r);
        if (r) {
            r->request = request;
            r->path = path;
            r->errors = (diag_list)DIAG_LIST_INIT;
            r->cat = catalog_load(path, &r->errors);
        } else {
            free(path);
        }

        pthread_mutex_lock(&L.mu);
        /* A newer request came while this one loaded: its file is what the
         * technician wants now, so this result is never shown. */
        bool stale = L.requested != request;
        pthread_mutex_unlock(&L.mu);
        if (!r) {
            fprintf(stderr, "kiosk: out of memory while reloading the catalogue\n");
        } else if (stale) {
            catalog_loaded_drop(r);
        } else {
            /* ownership passes to the hub, which drops it if nobody takes it */
            hub_post(L.source, CATALOG_LOADED, r, catalog_loaded_drop);
        }
        pthread_mutex_lock(&L.mu);
    }
    pthread_mutex_unlock(&L.mu);
    clock_thread_exit(L.ct);
    return NULL;
}

int catalog_loader_start(void)
{
    if (L.running)
        return L.source;
    L.source = hub_source("catalog");
    if (L.source < 0) {
        fprintf(stderr, "kiosk: catalogue loader: no hub source left\n");
        return -1;
    }
    clock_cond_init(&L.cv);
    L.quit = false;
    L.ct = clock_thread_new("catalog");
    if (!L.ct || pthread_create(&L.thread, NULL, loader_main, NULL) != 0) {
        fprintf(stderr, "kiosk: catalogue loader: cannot start its thread\n");
        clock_thread_free(L.ct);
        L.ct = NULL;
        clock_cond_destroy(&L.cv);
        return -1;
    }
    L.running = true;
    return L.source;
}

uint64_t catalog_loader_request(const char *path)
{
    if (!L.running || !path)
        return 0;
    char *copy = strdup(path);
    if (!copy)
        return 0;
    pthread_mutex_lock(&L.mu);
    free(L.path);       /* an older request not yet started: superseded */
    L.path = copy;
    uint64_t n = ++L.requested;
    clock_cond_broadcast(&L.cv);
    pthread_mutex_unlock(&L.mu);
    return n;
}

void catalog_loader_dispose(catalog *old)
{
    if (!old)
        return;
    bool queued = false;
    pthread_mutex_lock(&L.mu);
    if (L.running && !L.quit && L.n_old < DISPOSE_MAX) {
        L.old[L.n_old++] = old;
        clock_cond_broadcast(&L.cv);
        queued = true;
    }
    pthread_mutex_unlock(&L.mu);
    if (!queued)
        catalog_free(old);
}

void catalog_loader_stop(void)
{
    if (!L.running)
        return;
    pthread_mutex_lock(&L.mu);
    L.quit = true;
    clock_cond_broadcast(&L.cv);
    pthread_mutex_unlock(&L.mu);
    pthread_join(L.thread, NULL);
    clock_thread_free(L.ct);
    L.ct = NULL;
    clock_cond_destroy(&L.cv);
    free(L.path);
    L.path = NULL;
    for (size_t i = 0; i < L.n_old; i++)
        catalog_free(L.old[i]);
    L.n_old = 0;
    L.running = false;
}
