/*
 * idreader: the bridge between the ID-card reader thread (drivers/idcard)
 * and the UI thread. The reader thread posts each event as an SDL user
 * event (SDL_PushEvent is thread-safe); the UI thread turns it into session
 * state. The UI never waits on USB.
 */
#ifndef KIOSK_IDREADER_H
#define KIOSK_IDREADER_H

#include "app/app.h"

/* Starts the reader thread from the [idcard] settings. A kiosk without a
 * reader still runs (residents then see "reader unavailable"), so failure
 * is logged, not fatal. */
void idreader_start(app *a);
void idreader_stop(app *a);

/* Handles a reader event; false when ev is not one. */
bool idreader_handle(app *a, const SDL_Event *ev);

/* The simulator behind the reader in demo mode, else NULL. */
struct idcard_sim *idreader_sim(app *a);

/* Path of demo card NAME (assets/demo-cards/NAME.json) or NAME itself when
 * it already names a file. */
void idreader_card_path(const app *a, const char *name, char *out, size_t size);

#endif
