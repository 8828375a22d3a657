/*
 * outbox_fixture: see outbox_fixture.h.
 */
#include "outbox_fixture.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/storage.h"

outbox_key *outbox_fixture_open(char *dir)
{
    if (!mkdtemp(dir) || !storage_open(dir, NULL))
        return NULL;
    char why[300];
    return outbox_key_load(why, sizeof why);
}

int outbox_fixture_close(outbox_key *key, const char *dir)
{
    outbox_key_free(key);
    storage_close();
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}
