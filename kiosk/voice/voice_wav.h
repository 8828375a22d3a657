/*
 * voice_wav: the RIFF/WAVE bits the voice path needs -- reading the header
 * an engine writes in front of its samples, and writing an utterance to a
 * file (headless runs keep what the kiosk said as WAV files, so tests can
 * check that each screen spoke and for how long).
 *
 * Only 16-bit PCM, 1 or 2 channels, is accepted: that is what speech
 * engines write, and anything else is an engine fault, reported as such.
 */
#ifndef KIOSK_VOICE_WAV_H
#define KIOSK_VOICE_WAV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct voice_wav_format {
    int rate;           /* samples per second, 4000..192000 */
    int channels;       /* 1 or 2 */
} voice_wav_format;

/* A header reader fed in pieces, as bytes come off a pipe. */
typedef struct voice_wav_reader {
    unsigned char buf[512];     /* the header seen so far */
    size_t have;
    bool done;                  /* the "data" chunk started */
    voice_wav_format fmt;
} voice_wav_reader;

/* Feeds n bytes. Returns how many of them belong to the header (the rest
 * are samples), or -1 with why filled when this is not a 16-bit PCM WAV
 * stream or the header is longer than the reader keeps. A streamed header
 * may carry sizes of 0 or 0x7fffffff: they are ignored, the samples run to
 * the end of the stream. Once r->done, call no more. */
long voice_wav_feed(voice_wav_reader *r, const unsigned char *p, size_t n, char *why,
                    size_t why_size);

/* Starts a WAV file at f for fmt with sizes of 0, to be filled in by voice_wav_finish; false on a write
 * error. */
bool voice_wav_begin(FILE *f, voice_wav_format fmt);

/* Writes the final sizes for data_bytes of samples (the file must still be
 * open for writing and seekable); false on an error. */
bool voice_wav_finish(FILE *f, uint32_t data_bytes);

/* Reads the format and the sample count of a whole WAV file's header in
 * mem[0..n); false with why filled when it is not one voice_wav_begin
 * would write. For tests and kioskctl. */
bool voice_wav_info(const unsigned char *mem, size_t n, voice_wav_format *fmt,
                    uint32_t *data_bytes, char *why, size_t why_size);

#endif
