/*
 * speech: what the kiosk says, and when (the voice itself is kiosk/voice).
 *
 * Screens know nothing of it. After every frame the app calls
 * speech_after_frame, which looks at what the resident now has in front of
 * them and speaks what changed, in one utterance, replacing whatever was
 * being said:
 *  - a notice that appeared ("已安全退出，请取走身份证");
 *  - a dialog that opened: its title, its text and its buttons (the idle
 *    countdown's, with the seconds left; again at the last ten seconds);
 *  - otherwise a screen that came up or changed what it asks: the strings
 *    key voice.screen.<screen name> with {title} (the header's title),
 *    {site} and {hotline}, or, for a screen with a speech hook
 *    (screen_class.speech), what the hook composes from its own strings
 *    for its state (a card read, an error, the question being asked);
 *  - the keypad focus, when it moved: what ui_focus_label reads.
 * Every word comes from the strings files; the engine's voice for a
 * language is that file's voice.engine_voice. Long digit runs (phone
 * numbers) are read digit by digit, and masking stars are not read.
 *
 * The repeat key (on screen and on the keypad) says the last prompt again;
 * the volume keys step the volume; every session starts at the configured
 * volume again. A silent kiosk (volume 0) speaks at [voice] keypad_volume
 * as soon as the keypad is used or elder mode is chosen.
 */
#ifndef KIOSK_SPEECH_H
#define KIOSK_SPEECH_H

#include <stdbool.h>
#include <stddef.h>

#include "app/service.h"

struct app;

/* The speech service (kiosk/registry lists it): starts the voice, reports
 * its state as "voice", resets the volume at every session end, and gives
 * scripts `expect-speech TEXT`, `speech-volume N|up|down` and
 * `expect-volume N`. */
extern const app_service speech_service;

/* The header's title this frame (app_chrome calls it). */
void speech_note_title(struct app *a, const char *title);

/* After each frame (app.c): speaks what changed. */
void speech_after_frame(struct app *a);

/* The resident's keys and buttons. */
void speech_repeat(struct app *a);
void speech_volume_step(struct app *a, int dir);
/* A keypad key was used: a silent kiosk starts speaking. */
void speech_keypad_used(struct app *a);
/* Elder mode on: as with the keypad, the kiosk speaks. */
void speech_wanted(struct app *a);

/* The volume, 0..100, and whether speech is on at all (enabled, engine
 * found). */
int speech_volume(void);
bool speech_available(void);

/* Text made ready for the engine (out is always terminated): a masked
 * value ("张*", "3301**********1234", "S*****") is left out whole -- it
 * is shown, never read aloud; a run of five or more digits (a phone
 * number, a ticket's number) is read digit by digit, a date as a date;
 * line breaks and list dots become pauses. */
void speech_clean(const char *in, char *out, size_t size);

/* What the current screen says (dialogs and focus aside), composed as
 * speech_after_frame would; false when its screen has no prompt in the
 * current language (the a11y check reports that). */
bool speech_screen_prompt(struct app *a, char *out, size_t size);

#endif
