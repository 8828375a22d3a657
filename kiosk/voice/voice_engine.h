/*
 * voice_engine: the speech engines the kiosk can run, and running one.
 *
 * An engine is a program that reads UTF-8 text on its standard input and
 * writes 16-bit PCM WAV on its standard output. It runs as a separate
 * process for each utterance: espeak-ng is GPL and stays out of the
 * kiosk's address space, a crash or a hang of the engine costs one
 * utterance, and stopping speech is one kill. Adding an engine is one row
 * in the table of voice_engine.c (how its command line is built).
 */
#ifndef KIOSK_VOICE_ENGINE_H
#define KIOSK_VOICE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define VOICE_ENGINE_ARGS 16

typedef struct voice_engine {
    const char *name;           /* matched against the command's base name */
    /* Fills argv (at most VOICE_ENGINE_ARGS - 1 entries and a NULL) for one
     * utterance in voice at rate words per minute; strings live in store. */
    void (*argv)(const char *command, const char *voice, int rate, char **argv, char *store,
                 size_t store_size);
} voice_engine;

/* The engine for command ("espeak-ng", "/usr/bin/espeak-ng"), NULL when no
 * row knows it. */
const voice_engine *voice_engine_find(const char *command);

/* The full path of command, found on PATH when it has no '/'; false when
 * it is not an executable file. */
bool voice_engine_locate(const char *command, char *path, size_t size);

/* One utterance being synthesised. */
typedef struct voice_proc {
    pid_t pid;
    int out;            /* the engine's standard output, non-blocking */
} voice_proc;

/* Starts engine e as path for text in voice at rate. The text is written
 * to the engine's input and closed at once (it fits a pipe: the caller
 * keeps utterances under 4 KiB). False with why filled when the process
 * could not start. */
bool voice_proc_start(voice_proc *p, const voice_engine *e, const char *path, const char *voice,
                      int rate, const char *text, char *why, size_t why_size);

/* Reads what the engine wrote, waiting at most timeout_ms for it. Returns
 * the byte count, 0 at the end of its output, -2 when nothing came in
 * time, -1 on an error. */
long voice_proc_read(voice_proc *p, void *buf, size_t n, int timeout_ms);

/* Ends the process (killed if still running), reaps it and closes the
 * pipe. Returns its exit status as waitpid gives it; -1 if there was none. */
int voice_proc_end(voice_proc *p, bool kill_it);

#endif
