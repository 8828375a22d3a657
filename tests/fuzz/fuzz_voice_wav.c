/*
 * Fuzz target: the WAV header reader (voice/voice_wav.h) on what a speech
 * engine might write -- fed whole, then again in pieces whose sizes come
 * from the input's first byte, as a pipe would deliver them. Both ways
 * must agree on where the samples start and on the format; an accepted
 * format must be in range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "voice/voice_wav.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t piece = (size_t)(data[0] % 17) + 1;
    data++;
    size--;
    char why[160];
    voice_wav_reader whole = {0};
    long at_whole = voice_wav_feed(&whole, data, size, why, sizeof why);

    voice_wav_reader parts = {0};
    long at_parts = -1;
    size_t fed = 0;
    while (fed < size && !parts.done) {
        size_t n = size - fed < piece ? size - fed : piece;
        long used = voice_wav_feed(&parts, data + fed, n, why, sizeof why);
        if (used < 0)
            break;
        if ((size_t)used > n)
            abort();
        fed += (size_t)used;
        if (parts.done)
            at_parts = (long)fed;
        else if ((size_t)used < n)
            abort();    /* not done, yet it left bytes unread */
    }
    if (whole.done != parts.done)
        abort();
    if (whole.done) {
        if (at_whole != at_parts)
            abort();
        if (whole.fmt.rate != parts.fmt.rate || whole.fmt.channels != parts.fmt.channels)
            abort();
        if (whole.fmt.rate < 4000 || whole.fmt.rate > 192000 || whole.fmt.channels < 1 ||
            whole.fmt.channels > 2)
            abort();
    }
    return 0;
}
