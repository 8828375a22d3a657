/*
 * voice_wav: reading an engine's WAV header, writing utterance files.
 */
#include "voice/voice_wav.h"

#include <string.h>

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

/* The fmt chunk's body: 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE). */
static bool parse_fmt(const unsigned char *b, uint32_t size, voice_wav_format *fmt, char *why,
                      size_t why_size)
{
    if (size < 16) {
        snprintf(why, why_size, "fmt chunk of %u bytes, 16 expected", (unsigned)size);
        return false;
    }
    uint16_t tag = le16(b), channels = le16(b + 2), bits = le16(b + 14);
    uint32_t rate = le32(b + 4);
    if (tag != 1 && tag != 0xFFFE) {
        snprintf(why, why_size, "format %u is not PCM", (unsigned)tag);
        return false;
    }
    if (bits != 16) {
        snprintf(why, why_size, "%u-bit samples, 16 expected", (unsigned)bits);
        return false;
    }
    if (channels < 1 || channels > 2) {
        snprintf(why, why_size, "%u channels, 1 or 2 expected", (unsigned)channels);
        return false;
    }
    if (rate < 4000 || rate > 192000) {
        snprintf(why, why_size, "sample rate %u Hz out of range", (unsigned)rate);
        return false;
    }
    fmt->rate = (int)rate;
    fmt->channels = channels;
    return true;
}

/* Walks the chunks of buf[0..have). Returns the offset of the first sample
 * when the data chunk's header is complete, 0 when more bytes are needed,
 * -1 on an error. */
static long scan(const unsigned char *buf, size_t have, voice_wav_format *fmt, bool *fmt_seen,
                 char *why, size_t why_size)
{
    if (have < 12)
        return 0;
    if (memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4)) {
        snprintf(why, why_size, "not a RIFF/WAVE stream");
        return -1;
    }
    size_t at = 12;
    for (;;) {
        if (have < at + 8)
            return 0;
        uint32_t size = le32(buf + at + 4);
        if (!memcmp(buf + at, "data", 4)) {
            if (!*fmt_seen) {
                snprintf(why, why_size, "data before the fmt chunk");
                return -1;
            }
            return (long)(at + 8);
        }
        /* Chunk sizes are padded to even; a streamed header may lie only in
         * the RIFF and data sizes, never in these. */
        size_t next = at + 8 + (size_t)size + (size & 1u);
        if (size > 256 || next > 480) {
            snprintf(why, why_size, "header longer than %zu bytes", (size_t)480);
            return -1;
        }
        if (have < next)
            return 0;
        if (!memcmp(buf + at, "fmt ", 4)) {
            if (!parse_fmt(buf + at + 8, size, fmt, why, why_size))
                return -1;
            *fmt_seen = true;
        }
        at = next;
    }
}

long voice_wav_feed(voice_wav_reader *r, const unsigned char *p, size_t n, char *why,
                    size_t why_size)
{
    size_t take = sizeof r->buf - r->have;
    if (take > n)
        take = n;
    memcpy(r->buf + r->have, p, take);
    size_t before = r->have;
    r->have += take;
    bool fmt_seen = false;
    long start = scan(r->buf, r->have, &r->fmt, &fmt_seen, why, why_size);
    if (start < 0)
        return -1;
    if (start == 0) {
        if (r->have == sizeof r->buf) {
            snprintf(why, why_size, "no data chunk in the first %zu bytes", sizeof r->buf);
            return -1;
        }
        return (long)take;
    }
    r->done = true;
    return start - (long)before;
}

bool voice_wav_begin(FILE *f, voice_wav_format fmt)
{
    unsigned char h[44];
    memcpy(h, "RIFF", 4);
    put32(h + 4, 36);
    memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put16(h + 20, 1);
    put16(h + 22, (uint16_t)fmt.channels);
    put32(h + 24, (uint32_t)fmt.rate);
    put32(h + 28, (uint32_t)(fmt.rate * fmt.channels * 2));
    put16(h + 32, (uint16_t)(fmt.channels * 2));
    put16(h + 34, 16);
    memcpy(h + 36, "data", 4);
    put32(h + 40, 0);
    return fwrite(h, 1, sizeof h, f) == sizeof h;
}

bool voice_wav_finish(FILE *f, uint32_t data_bytes)
{
    unsigned char b[4];
    put32(b, 36 + data_bytes);
    if (fseek(f, 4, SEEK_SET) || fwrite(b, 1, 4, f) != 4)
        return false;
    put32(b, data_bytes);
    if (fseek(f, 40, SEEK_SET) || fwrite(b, 1, 4, f) != 4)
        return false;
    return fflush(f) == 0;
}

bool voice_wav_info(const unsigned char *mem, size_t n, voice_wav_format *fmt,
                    uint32_t *data_bytes, char *why, size_t why_size)
{
    bool fmt_seen = false;
    size_t have = n < 512 ? n : 512;
    long start = scan(mem, have, fmt, &fmt_seen, why, why_size);
    if (start <= 0) {
        if (start == 0)
            snprintf(why, why_size, "header cut short");
        return false;
    }
    uint32_t size = le32(mem + start - 4);
    if ((size_t)start + size > n) {
        snprintf(why, why_size, "data chunk of %u bytes but %zu in the file", (unsigned)size,
                 n - (size_t)start);
        return false;
    }
    *data_bytes = size;
    return true;
}
