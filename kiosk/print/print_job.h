/*
 * print_job: one document from bytes to paper, with the kiosk's own
 * deadline.
 *
 * CUPS never marks a job that will not print: behind a paused queue, an
 * empty paper roll or an unplugged USB printer it waits forever. So the
 * kiosk watches each job itself. print_job_check looks once at the job
 * and, when it is still waiting, at its printer; it gives up -- cancelling
 * the job, so it cannot come out later for nobody -- as soon as the
 * printer says a job there will not print without someone's help
 * (stopped, paper out, jam, cover open: printer_state's "blocks"), or at
 * the deadline, whichever comes first.
 *
 * Times are the caller's (the kiosk clock on the printer thread, the real
 * one in kioskctl), so the same code runs under the script harness's
 * virtual clock. Every call does real I/O on the connection (bounded by
 * its timeout). Not thread-safe: a job belongs to one thread.
 */
#ifndef KIOSK_PRINT_JOB_H
#define KIOSK_PRINT_JOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "print/cups_job.h"
#include "print/printer_state.h"

typedef enum print_outcome {
    PRINT_WAITING,          /* submitted; look again later */
    PRINT_DONE,             /* CUPS says completed: the printer took every byte */
    PRINT_FAILED            /* given up; reason_key and detail say why */
} print_outcome;

typedef struct print_job {
    char destination[128];
    int job_id;                 /* CUPS's, 0 before or without a submission */
    uint64_t deadline_ms;
    print_outcome outcome;
    bool cancelled;             /* a job this module cancelled */
    bool server_lost;           /* FAILED because cupsd did not answer: the job
                                 * may still be in its spool */
    const char *reason_key;     /* static i18n key when FAILED */
    char detail[320];           /* for technicians, when FAILED */
    cups_job_info last;         /* the job as last seen */
    printer_verdict printer;    /* its printer as last seen (when it was asked) */
} print_job;

/* Submits len bytes of format to destination as job title, to be done by
 * deadline_ms. PRINT_WAITING, or PRINT_FAILED when CUPS refused it or
 * could not be reached (reason_key: status.printer_no_cups,
 * status.printer_missing, printer.refused). */
print_outcome print_job_start(print_job *j, cups_conn *c, const char *destination,
                              const char *title, const char *format, const void *data,
                              size_t len, uint64_t deadline_ms);

/* Looks at a waiting job once (see above); returns its outcome. A job
 * CUPS cancelled or aborted fails with printer.aborted (or its printer's
 * reason); at the deadline the reason is the printer's, else
 * printer.timeout. After PRINT_DONE or PRINT_FAILED it returns the same
 * without asking again. */
print_outcome print_job_check(print_job *j, cups_conn *c, uint64_t now_ms);

/* Gives up on a waiting job now (cancelling it), e.g. at shutdown, with
 * reason_key. */
void print_job_abandon(print_job *j, cups_conn *c, const char *reason_key, const char *detail);

#endif
