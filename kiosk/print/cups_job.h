/*
 * cups_job: the kiosk's words with CUPS, the spooler every Linux printer
 * driver plugs into, through libcups.
 *
 * One connection (cups_conn) to the server libcups is set up for -- the
 * CUPS_SERVER environment variable, client.conf, else the local socket --
 * on which every wait ends after a bounded time, so a hung cupsd costs the
 * printer thread seconds, never the kiosk. On it:
 *   - cups_job_submit: a document (bytes and a MIME type) as one job,
 *     through the DestJob calls (cupsGetNamedDest, cupsCopyDestInfo,
 *     cupsCreateDestJob, cupsStartDestDocument, cupsWriteRequestData,
 *     cupsFinishDestDocument), which libcups 3 keeps while it drops
 *     cupsPrintFile and CUPS_FORMAT_RAW;
 *   - cups_job_query: a job's job-state (3 pending .. 9 completed) and
 *     job-state-reasons (IPP Get-Job-Attributes);
 *   - cups_job_cancel: cupsCancelDestJob;
 *   - cups_job_purge: cupsd forgets a job, its documents and its history
 *     (Cancel-Job with purge-job);
 *   - cups_printer_query: a queue's printer-state (3 idle, 4 processing,
 *     5 stopped), printer-state-reasons and message (Get-Printer-Attributes).
 *
 * CUPS never gives up on a job by itself: behind a paused queue or an
 * unplugged USB printer it waits forever. Deciding when to give up is
 * print_job's (kiosk/print/print_job.h), what a printer's reasons mean is
 * printer_state's.
 *
 * A cups_conn belongs to one thread: libcups keeps its server name and
 * last error per thread.
 */
#ifndef KIOSK_CUPS_JOB_H
#define KIOSK_CUPS_JOB_H

#include <stdbool.h>
#include <stddef.h>

/* ESC/POS bytes go to the printer untouched: CUPS's raw type, which
 * skips every filter (libcups 2.4 takes it on raw queues and on queues
 * with a driver alike; application/octet-stream would be auto-typed). */
#define PRINT_FORMAT_ESCPOS "application/vnd.cups-raw"
#define PRINT_FORMAT_PDF "application/pdf"

/* (libcups has no names with these prefixes: CUPS_OK, CUPS_ERR_, CUPS_JOB_,
 * CUPS_QUEUE_.) */
typedef enum cups_err {
    CUPS_OK,
    CUPS_ERR_SERVER,    /* cupsd not reachable: not running, refused, timed out */
    CUPS_ERR_NO_QUEUE,  /* no such destination */
    CUPS_ERR_REFUSED,   /* the queue refused the job (not accepting, format, ...) */
    CUPS_ERR_NO_JOB,    /* no such job (purged) */
    CUPS_ERR_BUSY       /* not yet: ask again a moment later (cups_job_purge) */
} cups_err;

typedef struct cups_conn cups_conn;

/* Connects to the CUPS server; every later wait on the connection ends
 * after timeout_ms. NULL with the reason in why when cupsd cannot be
 * reached. Close with cups_conn_close. */
cups_conn *cups_conn_open(int timeout_ms, char *why, size_t why_size);
void cups_conn_close(cups_conn *c);        /* NULL ok */

/* "127.0.0.1:18631" or "/run/cups/cups.sock", for messages. */
const char *cups_conn_server(const cups_conn *c);

/* After CUPS_ERR_SERVER the connection is useless: close it and open a
 * new one later. */

/* Submits len bytes of format (PRINT_FORMAT_*) as one job called title
 * (no personal data: it shows in lpstat) to destination. The job's id in
 * *job_id. On failure *job_id is 0, nothing stays queued or spooled (unless
 * cupsd itself stopped answering), and why says what CUPS answered. */
cups_err cups_job_submit(cups_conn *c, const char *destination, const char *title,
                         const char *format, const void *data, size_t len, int *job_id,
                         char *why, size_t why_size);

#define CUPS_JOB_PENDING 3
#define CUPS_JOB_HELD 4
#define CUPS_JOB_PROCESSING 5
#define CUPS_JOB_STOPPED 6
#define CUPS_JOB_CANCELED 7
#define CUPS_JOB_ABORTED 8
#define CUPS_JOB_COMPLETED 9

typedef struct cups_job_info {
    int state;              /* CUPS_JOB_* (IPP job-state), 0 when not given */
    char reasons[200];      /* job-state-reasons, comma separated */
    char message[160];      /* job-printer-state-message, "" none */
} cups_job_info;

cups_err cups_job_query(cups_conn *c, const char *destination, int job_id, cups_job_info *out,
                        char *why, size_t why_size);

/* Cancels job_id on destination. A job that already ended is CUPS_OK. */
cups_err cups_job_cancel(cups_conn *c, const char *destination, int job_id, char *why,
                         size_t why_size);

/* Has cupsd forget job_id on destination: cancelled if it is still going,
 * its document files (the spool's d<id>-NNN) and its history (c<id>)
 * removed whatever PreserveJobFiles and PreserveJobHistory say. CUPS keeps
 * a printed document a day and a job's history with no time limit by
 * default, and a certificate's PDF carries its holder's name and ID
 * number. The job's owner may do this under cupsd's default policy
 * (Cancel-Job is @OWNER). Call it only once the job's outcome is known:
 * afterwards its state cannot be asked.
 *
 * CUPS_OK once cupsd no longer knows the job (asked afterwards: a job it
 * never knew, or no longer did, is CUPS_OK too). CUPS_ERR_BUSY when the
 * job's backend was still running (a job cancelled while printing): cupsd
 * removed the document at once but keeps the job until the backend has
 * stopped, and would write its history back to the spool later -- purge
 * it again a moment later. */
cups_err cups_job_purge(cups_conn *c, const char *destination, int job_id, char *why,
                        size_t why_size);

#define CUPS_QUEUE_IDLE 3
#define CUPS_QUEUE_PROCESSING 4
#define CUPS_QUEUE_STOPPED 5
#define CUPS_QUEUE_MAX_REASONS 8

typedef struct cups_printer_info {
    int state;              /* CUPS_QUEUE_*, 0 when not given */
    bool accepting;         /* printer-is-accepting-jobs */
    int queued;             /* queued-job-count */
    int n_reasons;          /* printer-state-reasons without "none" */
    char reasons[CUPS_QUEUE_MAX_REASONS][48];
    char message[160];      /* printer-state-message */
} cups_printer_info;

cups_err cups_printer_query(cups_conn *c, const char *destination, cups_printer_info *out,
                            char *why, size_t why_size);

#endif
