/*
 * voice: speech output -- one utterance at a time, never waiting on the UI.
 *
 * The UI thread says what to speak (voice_say) and returns at once. A
 * thread of its own runs the engine (voice_engine.h) for each utterance
 * and streams its samples, as they come, to the sound device through SDL
 * (the kiosk) and/or to a WAV file per utterance (headless runs, so tests
 * can hear what each screen said). A new utterance, or voice_hush, stops
 * the one being spoken at once: its engine is killed and the sound queued
 * for the device is dropped, so speech follows the screen and never talks
 * over it.
 *
 * Volume is applied to the samples here (0..100, a square law so that
 * steps sound even), not through the system mixer: the kiosk owns it,
 * and setting it back at every session end is one call.
 *
 * Nothing of what is spoken is kept: the text of an utterance is wiped
 * when it ends, and the history (voice_history) holds only counts, for
 * tests and benchmarks. The texts themselves come from the strings files
 * (app/speech.c), not from code.
 */
#ifndef KIOSK_VOICE_H
#define KIOSK_VOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VOICE_TEXT_MAX 4000     /* bytes of one utterance; longer is cut */
#define VOICE_TAG_MAX 32

typedef struct voice_setup {
    const char *command;    /* the engine: "espeak-ng" or a path */
    int rate;               /* words per minute */
    int volume;             /* 0..100 at start */
    bool audio;             /* play through SDL's default sound device */
    const char *wav_dir;    /* also write each utterance there, and a line
                               for each to wav_dir/speech.tsv: seq, tag,
                               engine voice, characters, rate, channels,
                               frames, done|cut|failed, microseconds to
                               the first sound, file; NULL none */
} voice_setup;

/* Starts the speech thread. False with why filled when the engine cannot
 * be found or the thread cannot start: the kiosk then runs silent, and
 * voice_say does nothing. No sound device is not a failure (speech still
 * goes to wav_dir); voice_audio_ok tells. */
bool voice_start(const voice_setup *s, char *why, size_t why_size);

/* Stops and joins the thread, ending any utterance. Safe when not started. */
void voice_stop(void);

bool voice_running(void);

/* False while started with audio and the sound device could not be opened
 * (why filled with SDL's reason). */
bool voice_audio_ok(char *why, size_t why_size);

/* Speaks text (UTF-8, cut at VOICE_TEXT_MAX) with the engine's voice
 * (e.g. "cmn", "en-gb"), replacing whatever is being said or waiting.
 * tag names the utterance in the history and its WAV file (a screen
 * name). Returns at once; does nothing when not running. */
void voice_say(const char *text, const char *engine_voice, const char *tag);

/* Stops speaking now and forgets what was waiting. */
void voice_hush(void);

/* The volume, 0..100; applies from the next block of sound (~50 ms). */
void voice_set_volume(int volume);
int voice_volume(void);

/* Waits until nothing is being said or waiting (the sound played out, or
 * written); false after timeout_ms of real time. For the script harness,
 * benchmarks and tests. */
bool voice_wait_idle(int timeout_ms);

/* What one finished utterance was, without its text. */
typedef struct voice_said {
    uint32_t seq;               /* 1, 2, ... since voice_start */
    char tag[VOICE_TAG_MAX];
    char engine_voice[24];
    size_t chars;               /* characters (code points) of the text */
    int rate;                   /* samples per second */
    int channels;
    uint64_t frames;            /* sample frames produced */
    bool cut;                   /* stopped by the next utterance or a hush */
    bool failed;                /* the engine failed (no sound at all) */
    uint64_t first_audio_us;    /* from voice_say to the first block handed
                                   to the device or file; 0 when none */
    uint64_t first_audio_at_us; /* when that was, CLOCK_MONOTONIC */
    char file[64];              /* its WAV file's name in wav_dir, "" none */
} voice_said;

/* Copies the last (at most max) finished utterances, oldest first; returns
 * how many. */
int voice_history(voice_said *out, int max);

/* The seq the next utterance will get: history entries with seq >= this
 * came after the call. */
uint32_t voice_next_seq(void);

#endif
