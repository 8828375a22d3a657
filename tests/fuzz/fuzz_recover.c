/*
 * Fuzz target: outbox_recover on arbitrary bytes, as a damaged queue file
 * and (the same bytes again) as its -wal. Every length and offset in a
 * page comes from the disk; none may be trusted. The seeds are small real
 * queue files (512-byte pages, a row spilling to overflow pages).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "outbox/outbox_recover.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool touch(void *user, const outbox_row *r)
{
    size_t *sum = user;
    /* read every field, so a bad length shows under the sanitizers */
    *sum += strlen(r->key) + strlen(r->kind) + strlen(r->payload) + r->sealed_len +
            strlen(r->masked.name) + strlen(r->last_error);
    for (size_t i = 0; i < r->sealed_len; i++)
        *sum += r->sealed[i];
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t sum = 0;
    outbox_recover_buffers(data, size, NULL, 0, touch, &sum, NULL);
    outbox_recover_buffers(NULL, 0, data, size, touch, &sum, NULL);
    return sum == (size_t)-1; /* keeps sum alive; never true */
}
