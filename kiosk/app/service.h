/*
 * service: what a device or service thread brings to the kiosk.
 *
 * Each device (the ID-card reader, later the printers) and each service
 * (later the outbox writer and the uploader) is one file that defines a
 * `const app_service`, listed once in kiosk/registry/registry.c. The app
 * starts every listed service after its window is up and stops them before
 * it closes; a service registers its event-hub handlers in start and
 * reports its state to the status model (status/status.h). It may also
 * give the script harness verbs of its own (`card`, `reader` for the
 * reader), so the harness needs no device-specific code.
 */
#ifndef KIOSK_SERVICE_H
#define KIOSK_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

struct app;

/* A script line `WORD [ARG]` that a service adds to the harness. */
typedef struct app_verb {
    const char *word;
    bool takes_arg;     /* the rest of the line, required */
    /* Parse time: false with a message when arg can never work (NULL: any). */
    bool (*check)(const char *arg, char *err, size_t err_size);
    /* Does the step; false with a message when it cannot. */
    bool (*run)(struct app *a, const char *arg, char *err, size_t err_size);
    /* After run, the harness moves the virtual clock on, handling events,
     * until this is true (at most a few virtual seconds, then the step
     * fails). NULL: done once everything posted was handled. */
    bool (*done)(struct app *a);
} app_verb;

typedef struct app_service {
    const char *name;
    /* UI thread, after the window exists. False: logged; the kiosk runs
     * without it (and its status says why). */
    bool (*start)(struct app *a);
    /* UI thread: stop and join the thread; events still queued are
     * dropped by the hub. */
    void (*stop)(struct app *a);
    /* UI thread: the resident's session ended (sign-out or idle reset);
     * forget per-resident state. May be NULL. */
    void (*session_ended)(struct app *a);
    const app_verb *verbs;
    size_t n_verbs;
} app_service;

/* Sets the services of this kiosk (a static list, kept by pointer). */
void service_install(const app_service *const *list, size_t n);

size_t service_count(void);
const app_service *service_at(size_t i);

/* The verb called word among the installed services, NULL when none. */
const app_verb *service_find_verb(const char *word);

#endif
