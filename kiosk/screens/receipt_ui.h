/*
 * receipt_ui: the receipt at the end of every transaction -- a form sent,
 * a queue ticket taken, an appointment booked -- and what the screen says
 * about it.
 *
 * One path for all of them, so a receipt looks and behaves the same
 * whichever service made it: the screen says what it knows (service,
 * transaction number, a ticket or appointment code, next steps); this
 * module adds the rest (the site, the time, the signed-in resident masked,
 * the QR code, the hotline), keeps the receipt for a reprint
 * (receipt_store), hands it to the receipt printer (printer_print_receipt:
 * a hand-over, never a wait; drawn in the loop's next round, after the
 * page, since drawing takes a few frames on a slow kiosk) and follows the
 * printer's answer on the hub.
 *
 * Never stuck on a printer: whatever the printer does, the transaction is
 * complete. While printing the page says so; when the printer fails (out
 * of paper, offline, cupsd down, no answer within its deadline) or no
 * receipt printer is configured, the page shows the receipt itself --
 * time, masked identity, the QR code to photograph, the hotline -- and the
 * receipt stays in data_dir for `kioskctl receipt reprint NUMBER`.
 *
 * A receipt made twice for the same number in one session (a resident who
 * opens the same queue ticket again: the platform answers with the same
 * ticket) is shown, not printed a second time.
 *
 * UI thread only.
 */
#ifndef KIOSK_RECEIPT_UI_H
#define KIOSK_RECEIPT_UI_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "app/app.h"
#include "app/service.h"
#include "print/receipt.h"

typedef enum receipt_ui_print {
    RECEIPT_UI_NONE,        /* no receipt (yet) */
    RECEIPT_UI_PRINTING,    /* handed to the printer thread */
    RECEIPT_UI_PRINTED,     /* CUPS completed the job: "请取走回执" */
    RECEIPT_UI_SCREEN       /* not printed: the receipt is on the screen */
} receipt_ui_print;

/* Why a receipt is on screen, for the sentence that says so. */
typedef enum receipt_ui_why {
    RECEIPT_UI_FAILED,      /* the printer could not print it */
    RECEIPT_UI_NO_PRINTER,  /* this kiosk has no receipt printer */
    RECEIPT_UI_PRINTED_BEFORE /* printed earlier in this session */
} receipt_ui_why;

/* One receipt and its printing; lives in the screen's state. Holds masked
 * identity only (张*, 3301**********0014). */
typedef struct receipt_ui {
    receipt_ui_print print;
    receipt_ui_why why;     /* RECEIPT_UI_SCREEN: why */
    uint64_t ticket;        /* printer_print_receipt's, while printing */
    time_t at;              /* the receipt's time */
    char number[64];        /* the transaction number */
    char qr[512];           /* the QR code's text */
    char masked_name[64];   /* the signed-in resident, masked, or "" */
    char masked_id[32];
} receipt_ui;

/* What the screen knows about the transaction; strings are the caller's
 * and only read during receipt_ui_issue. */
typedef struct receipt_ui_facts {
    const catalog_service *service;
    const char *number;             /* the transaction number; required */
    const char *key;                /* the outbox key, NULL for none */
    receipt_code_kind code_kind;    /* a ticket or appointment code, or none */
    const char *code;
    const char *next_steps;         /* NULL/"": none */
    bool materials;                 /* list the service's materials to bring */
} receipt_ui_facts;

/* The transaction is complete: fills r, keeps the receipt for a reprint,
 * and prints it (or puts it on screen). Never waits on the printer. */
void receipt_ui_issue(app *a, receipt_ui *r, const receipt_ui_facts *f);

/* The printer's answer to r's job: true when ev was it (r changed, redraw;
 * a printed number is remembered for the session). False for any other
 * event. */
bool receipt_ui_take(app *a, receipt_ui *r, const hub_event *ev);

/* The printing state in one line ("正在打印回执…", "请取走回执", "打印机
 * 暂时不能打印…"); 0 high when there is no receipt. align as ui_paragraph. */
int receipt_ui_status(ui *u, const receipt_ui *r, int x, int y, int w, ui_align align,
                      bool draw);

/* The receipt on screen when it is not on paper: time, masked identity,
 * the QR code to photograph, the hotline. 0 high otherwise. */
int receipt_ui_on_screen(app *a, ui *u, const receipt_ui *r, int x, int y, int w, bool draw);

/* Wipes r (the masked identity included). */
void receipt_ui_clear(receipt_ui *r);

/* The service "receipt": draws each receipt and hands it to the printer a
 * round of the main loop after the page that made it was drawn. */
extern const app_service receipt_service;

#endif
