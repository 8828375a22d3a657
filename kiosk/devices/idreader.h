/*
 * idreader: the ID-card reader in the kiosk -- one room off the hallway.
 *
 * The reader thread (drivers/idcard) posts each event to the event hub
 * under the source "idcard" with the idcard_event_type as its kind; this
 * file's handler turns them into the reader's phase and its entry in the
 * status model, and checks a card's validity before anyone sees it. The
 * screen on top gets the event next: the sign-in screen, the only one that
 * asks for a card, takes the identity with idreader_take_identity and
 * hands it to the session store. Anywhere else the identity is wiped
 * unread, so a card placed on the attract loop signs nobody in.
 *
 * Screens use the small API below and never touch the driver.
 */
#ifndef KIOSK_IDREADER_H
#define KIOSK_IDREADER_H

#include <stdbool.h>
#include <stddef.h>

#include "app/app.h"
#include "app/service.h"
#include "hub/hub.h"
#include "idcard/idcard_reader.h"

/* The service listed in kiosk/registry. */
extern const app_service idreader_service;

typedef enum idreader_phase {
    IDREADER_WAITING,   /* no card, or the last one was handled */
    IDREADER_READING,   /* a card is in the field */
    IDREADER_FAILED     /* idreader_error_key says why */
} idreader_phase;

idreader_phase idreader_phase_now(void);

/* The i18n key of the last failure (while IDREADER_FAILED), else NULL. */
const char *idreader_error_key(void);

/* A reader (or the simulator) is attached and answering. */
bool idreader_present(void);

/* The reader cannot read cards now: unplugged or not answering, or its
 * SAM failed on the last card. The sign-in screen then says only that,
 * what to do and where to go -- no card picture, no "place your card". */
bool idreader_fault(void);

/* While the last card was refused as expired (idreader_error_key is
 * "card.expired"): the end of its 有效期 in *until and whether it is a
 * resident ID card (else a permit) in *resident; true. False otherwise.
 * Forgotten when the card is lifted. */
bool idreader_expired_until(idcard_date *until, bool *resident);

/* Demo mode: the simulator stands in for a reader. */
bool idreader_demo(void);

/* A card lies on the reader (read, or failed and not yet lifted). */
bool idreader_card_on_reader(void);

/* Forgets a failure shown on an earlier visit (the sign-in screen opening
 * afresh); a read in progress stays. */
void idreader_clear_failure(void);

/* Demo mode: lifts any demo card and places the one at path (a demo card
 * name such as "resident" or a file). False with a message when there is no
 * simulator or the card cannot be placed. */
bool idreader_place_demo_card(app *a, const char *name, char *err, size_t err_size);

/* For a screen's event callback: the identity of a valid card just read,
 * taken out of ev (the caller owns it: session_sign_in it, or
 * idcard_identity_wipe it), or NULL for any other event. */
idcard_identity *idreader_take_identity(hub_event *ev);

/* True when ev is the reader's CARD_REMOVED. */
bool idreader_is_removal(const hub_event *ev);

#endif
