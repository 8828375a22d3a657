/*
 * print_job: see print_job.h.
 */
#include "print/print_job.h"

#include <stdio.h>
#include <string.h>

static const char *job_state_name(int state)
{
    switch (state) {
    case CUPS_JOB_PENDING: return "pending";
    case CUPS_JOB_HELD: return "held";
    case CUPS_JOB_PROCESSING: return "processing";
    case CUPS_JOB_STOPPED: return "stopped";
    case CUPS_JOB_CANCELED: return "canceled";
    case CUPS_JOB_ABORTED: return "aborted";
    case CUPS_JOB_COMPLETED: return "completed";
    }
    return "unknown";
}

static print_outcome fail(print_job *j, const char *reason_key, const char *detail)
{
    j->outcome = PRINT_FAILED;
    j->reason_key = reason_key;
    snprintf(j->detail, sizeof j->detail, "%s", detail);
    return PRINT_FAILED;
}

/* Cancels the job and fails it: whatever the printer does later, this
 * receipt must not come out for the next resident to find. */
static print_outcome give_up(print_job *j, cups_conn *c, const char *reason_key,
                             const char *detail)
{
    char why[300], text[sizeof j->detail];
    cups_err e = cups_job_cancel(c, j->destination, j->job_id, why, sizeof why);
    j->cancelled = e == CUPS_OK;
    snprintf(text, sizeof text, "%.150s; job %.60s-%d %s%.80s", detail, j->destination, j->job_id,
             j->cancelled ? "cancelled" : "not cancelled: ", j->cancelled ? "" : why);
    return fail(j, reason_key, text);
}

print_outcome print_job_start(print_job *j, cups_conn *c, const char *destination,
                              const char *title, const char *format, const void *data,
                              size_t len, uint64_t deadline_ms)
{
    memset(j, 0, sizeof *j);
    snprintf(j->destination, sizeof j->destination, "%s", destination);
    j->deadline_ms = deadline_ms;
    j->outcome = PRINT_WAITING;
    char why[300];
    cups_err e = cups_job_submit(c, destination, title, format, data, len, &j->job_id, why,
                                 sizeof why);
    if (e == CUPS_OK)
        return PRINT_WAITING;
    if (e == CUPS_ERR_REFUSED) {
        /* a queue refusing jobs says why in its state (rejecting, stopped) */
        cups_printer_info p;
        char pwhy[300];
        if (cups_printer_query(c, destination, &p, pwhy, sizeof pwhy) == CUPS_OK) {
            printer_state_judge(destination, &p, &j->printer);
            if (j->printer.reason_key && j->printer.state != STATUS_ONLINE) {
                char text[sizeof j->detail];
                snprintf(text, sizeof text, "%.150s; %.160s", why, j->printer.detail);
                return fail(j, j->printer.reason_key, text);
            }
        }
        return fail(j, "printer.refused", why);
    }
    printer_state_judge_error(destination, e, why, &j->printer);
    j->server_lost = e == CUPS_ERR_SERVER;
    return fail(j, j->printer.reason_key, why);
}

print_outcome print_job_check(print_job *j, cups_conn *c, uint64_t now_ms)
{
    if (j->outcome != PRINT_WAITING)
        return j->outcome;
    char why[300], text[sizeof j->detail];
    cups_err e = cups_job_query(c, j->destination, j->job_id, &j->last, why, sizeof why);
    if (e == CUPS_ERR_SERVER) {
        /* the job is spooled on disk and a restarted cupsd may still print
         * it, but nobody can say when: the resident is told now */
        printer_state_judge_error(j->destination, e, why, &j->printer);
        j->server_lost = true;
        return fail(j, j->printer.reason_key, why);
    }
    if (e != CUPS_OK)
        return fail(j, "printer.aborted", why);
    int st = j->last.state;
    if (st == CUPS_JOB_COMPLETED) {
        j->outcome = PRINT_DONE;
        return PRINT_DONE;
    }
    if (st == CUPS_JOB_CANCELED || st == CUPS_JOB_ABORTED) {
        /* cancelled by someone else, or the backend gave up: its printer
         * most likely says why */
        cups_printer_info p;
        const char *key = "printer.aborted";
        if (cups_printer_query(c, j->destination, &p, why, sizeof why) == CUPS_OK) {
            printer_state_judge(j->destination, &p, &j->printer);
            if (j->printer.reason_key && j->printer.state != STATUS_ONLINE)
                key = j->printer.reason_key;
        }
        snprintf(text, sizeof text, "job %.60s-%d %s (%.100s)%s%.100s", j->destination, j->job_id,
                 job_state_name(st), j->last.reasons, *j->last.message ? ": " : "",
                 j->last.message);
        return fail(j, key, text);
    }
    /* still waiting: will it ever print? */
    cups_printer_info p;
    e = cups_printer_query(c, j->destination, &p, why, sizeof why);
    if (e == CUPS_OK)
        printer_state_judge(j->destination, &p, &j->printer);
    else
        printer_state_judge_error(j->destination, e, why, &j->printer);
    if (e == CUPS_ERR_SERVER) {
        j->server_lost = true;
        return fail(j, j->printer.reason_key, why);
    }
    if (j->printer.blocks) {
        snprintf(text, sizeof text, "job %.60s-%d %s and will not print: %.200s", j->destination,
                 j->job_id, job_state_name(st), j->printer.detail);
        return give_up(j, c, j->printer.reason_key, text);
    }
    if (now_ms >= j->deadline_ms) {
        snprintf(text, sizeof text, "job %.60s-%d still %s at its deadline: %.200s", j->destination,
                 j->job_id, job_state_name(st), j->printer.detail);
        return give_up(j, c, j->printer.reason_key ? j->printer.reason_key : "printer.timeout",
                       text);
    }
    return PRINT_WAITING;
}

void print_job_abandon(print_job *j, cups_conn *c, const char *reason_key, const char *detail)
{
    if (j->outcome != PRINT_WAITING)
        return;
    if (c && j->job_id > 0)
        give_up(j, c, reason_key, detail);
    else
        fail(j, reason_key, detail);
}
