/*
 * Fuzz target: the platform's reply to POST /v1/records, read into one
 * verdict per key (records_parse_reply), and the error of a 4xx body
 * (records_reply_error). The keys sent are fixed; the reply is anything.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "platform/records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const keys[] = {"8c1f2a8e-6b0e-4d8e-9a55-0d9b1d7e3c21",
                                       "0b7d6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e",
                                       "00000000-0000-4000-8000-000000000001"};
    records_result out[3];
    char why[200], err[160];
    records_parse_reply((const char *)data, size, keys, 3, out, why, sizeof why);
    for (int i = 0; i < 3; i++)
        if (strlen(out[i].reason) >= sizeof out[i].reason)
            __builtin_trap();
    records_reply_error((const char *)data, size, err, sizeof err);
    return 0;
}
