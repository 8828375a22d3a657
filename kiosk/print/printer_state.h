/*
 * printer_state: what a CUPS queue's state means for the kiosk -- the
 * XFS4IoT state the status model shows, the reason residents read, a
 * warning technicians should see before it becomes an error, and whether
 * a job waiting on the printer will ever print without someone's help.
 *
 * IPP says it in printer-state (3 idle, 4 processing, 5 stopped) and
 * printer-state-reasons, keywords with a severity suffix (-error: the
 * printer cannot print; -warning; -report). No libcups, no I/O: the
 * printer thread, kioskctl and the unit tests all judge the same way.
 *
 *   reason (any suffix)             state          reason key
 *   media-empty, media-needed       hardwareError  status.printer_paper_out
 *   media-jam                       hardwareError  status.printer_jam
 *   cover-open, door-open,
 *     interlock-open                hardwareError  status.printer_cover_open
 *   any other ...-error             hardwareError  status.printer_fault
 *   offline, timed-out, shutdown    offline        status.printer_offline
 *   paused, queue stopped or
 *     not accepting jobs            hardwareError  status.printer_stopped
 *   media-low                       online, warning status.printer_paper_low
 *   any other ...-warning           online, warning status.printer_attention
 *   cupsd unreachable               hardwareError  status.printer_no_cups
 *   no such queue                   noDevice       status.printer_missing
 * The first row that applies wins: "media-empty-error, paused" is out of
 * paper (the pause is what CUPS did about it).
 *
 * A cover in the kiosk's cabinet is opened by a technician, not by a
 * resident, so cover-open is a hardwareError rather than a userError.
 */
#ifndef KIOSK_PRINTER_STATE_H
#define KIOSK_PRINTER_STATE_H

#include <stdbool.h>

#include "print/cups_job.h"
#include "status/status.h"

typedef struct printer_verdict {
    status_state state;
    const char *reason_key;     /* static i18n key, NULL when all is well */
    const char *warning_key;    /* static i18n key for technicians (paper low), NULL none */
    bool blocks;                /* a job waiting here will not print until someone acts */
    char detail[200];           /* for technicians: queue, state, reasons, message */
} printer_verdict;

/* Judges what cups_printer_query said about destination. */
void printer_state_judge(const char *destination, const cups_printer_info *p,
                         printer_verdict *out);

/* Judges a failed query (CUPS_ERR_SERVER, CUPS_ERR_NO_QUEUE, ...) with
 * its message. */
void printer_state_judge_error(const char *destination, cups_err err, const char *why,
                               printer_verdict *out);

/* "idle", "processing", "stopped" (or "unknown"). */
const char *printer_state_name(int state);

#endif
