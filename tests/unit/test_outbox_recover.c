/*
 * outbox_recover: rows come back from truly damaged queue files -- pages
 * overwritten with garbage so that integrity_check fails, the header page
 * gone, rows still only in the -wal, rows of the first schema version --
 * each key once, and garbage never reads as a row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outbox/outbox_crypt.h"
#include "outbox/outbox_db.h"
#include "outbox/outbox_recover.h"
#include "outbox_fixture.h"

#define ROWS 600

static char dir[] = "/tmp/test-recover-XXXXXX";
static char path[512];
static outbox_key *key;
static char keys[ROWS][OUTBOX_UUID_SIZE];

static const outbox_txn resident = {
    .kind = "form",
    .item_code = "330106-003-00-001",
    .payload = "{\"form\": \"pension-certification\", \"answers\": {\"lives-here\": \"yes\"}}",
    .personal = {.name = "张三", .id_number = "330106199003070014", .phone = "13800138000",
                 .address = "浙江省杭州市西湖区文新街道", .free_text = "请尽快办理"},
};

static void wipe(void)
{
    char p[600];
    static const char *const sides[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, sides[i]);
        unlink(p);
    }
}

/* ROWS rows; checkpointed into the main file unless keep_wal. The
 * connection stays open when keep_wal (so the -wal is not folded in). */
static outbox_db *fill(bool keep_wal)
{
    wipe();
    outbox_db_config cfg = {.path = path, .retention_days = 7};
    outbox_db *db = NULL;
    char why[600];
    assert_int_equal(outbox_db_open(&cfg, &db, NULL, why, sizeof why), OUTBOX_OK);
    for (int i = 0; i < ROWS; i++) {
        outbox_receipt r;
        assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
        snprintf(keys[i], sizeof keys[i], "%s", r.key);
    }
    if (keep_wal)
        return db;
    outbox_db_close(db);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    return NULL;
}

/* Overwrites page pgno (1-based) of the file with a fixed garbage pattern. */
static void smash(uint32_t pgno)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = (unsigned char)(i * 167 + 13);
    assert_int_equal(fseek(f, (long)(pgno - 1) * 4096, SEEK_SET), 0);
    assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
    fclose(f);
}

static bool integrity_ok(void)
{
    sqlite3 *h;
    if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return false;
    sqlite3_stmt *st;
    bool ok = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              !strcmp((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    sqlite3_close(h);
    return ok;
}

typedef struct found {
    int n, unknown, repeats, personal_in_clear;
    bool got[ROWS];
} found;

static bool collect(void *user, const outbox_row *r)
{
    found *f = user;
    int idx = -1;
    for (int i = 0; i < ROWS; i++)
        if (!strcmp(keys[i], r->key))
            idx = i;
    if (idx < 0) {
        f->unknown++;
        return true;
    }
    if (f->got[idx])
        f->repeats++;
    f->got[idx] = true;
    f->n++;
    /* the row as stored: masked copies, sealed blob opens with the key */
    assert_string_equal(r->item_code, "330106-003-00-001");
    assert_string_equal(r->masked.id_number, "3301**********0014");
    assert_int_equal(r->state, OUTBOX_PENDING);
    assert_non_null(strstr(r->payload, "pension-certification"));
    outbox_opened o;
    assert_true(outbox_unseal(key, r->sealed, r->sealed_len, r->key, &o));
    assert_string_equal(o.p.id_number, "330106199003070014");
    outbox_opened_free(&o);
    if (strstr(r->payload, "330106199003070014"))
        f->personal_in_clear++;
    return true;
}

static int setup(void **state)
{
    key = outbox_fixture_open(dir);
    assert_non_null(key);
    snprintf(path, sizeof path, "%s/outbox.db", dir);
    return 0;
}

static int teardown(void **state)
{
    return outbox_fixture_close(key, dir);
}

/* An intact file: every row, once. */
static void test_intact(void **state)
{
    fill(false);
    found f = {0};
    outbox_recover_stats st;
    char why[300];
    assert_true(outbox_recover_file(path, collect, &f, &st, why, sizeof why));
    assert_int_equal(f.n, ROWS);
    assert_int_equal(f.unknown, 0);
    assert_int_equal(f.repeats, 0);
    assert_int_equal(st.rows, ROWS);
}

/* Two leaf pages in the middle and the header page smashed: integrity
 * fails, SQLite cannot even open it, and all rows but those on the two
 * pages come back. */
static void test_smashed_pages(void **state)
{
    fill(false);
    smash(1);
    smash(9);
    smash(20);
    assert_false(integrity_ok());
    found f = {0};
    outbox_recover_stats st;
    char why[300];
    assert_true(outbox_recover_file(path, collect, &f, &st, why, sizeof why));
    assert_int_equal(f.unknown, 0);
    assert_int_equal(f.repeats, 0);
    assert_int_equal(f.personal_in_clear, 0);
    /* a 4 KiB page holds a handful of these rows */
    assert_true(f.n < ROWS);
    assert_true(f.n >= ROWS - 3 * 12);
    print_message("recovered %d of %d rows from %ld pages\n", f.n, ROWS, st.pages);
}

/* Rows that only ever reached the -wal (the kiosk died before a
 * checkpoint), with the main file's header smashed too. */
static void test_rows_in_wal(void **state)
{
    outbox_db *db = fill(true);
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", path);
    assert_int_equal(access(wal, F_OK), 0);
    found f = {0};
    char why[300];
    assert_true(outbox_recover_file(path, collect, &f, NULL, why, sizeof why));
    outbox_db_close(db);
    assert_int_equal(f.n, ROWS);
    assert_int_equal(f.repeats, 0);
}

/* A row of the first schema version (15 columns) is read too. */
static bool one_v1(void *user, const outbox_row *r)
{
    int *n = user;
    assert_string_equal(r->key, "00000000-0000-4000-8000-000000000001");
    assert_string_equal(r->kind, "form");
    assert_int_equal(r->created_wall, 1700000000);
    assert_int_equal(r->state, OUTBOX_PENDING);
    (*n)++;
    return true;
}

static void test_first_schema(void **state)
{
    wipe();
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(h,
                     "CREATE TABLE outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                     " key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
                     " item_code TEXT NOT NULL DEFAULT '', payload TEXT NOT NULL DEFAULT '{}',"
                     " sealed BLOB, name_masked TEXT NOT NULL DEFAULT '',"
                     " id_masked TEXT NOT NULL DEFAULT '', phone_masked TEXT NOT NULL DEFAULT '',"
                     " created_wall INTEGER NOT NULL, created_mono INTEGER NOT NULL,"
                     " state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,"
                     " next_attempt INTEGER NOT NULL DEFAULT 0,"
                     " last_error TEXT NOT NULL DEFAULT '');"
                     "INSERT INTO outbox(key, kind, created_wall, created_mono) VALUES"
                     " ('00000000-0000-4000-8000-000000000001', 'form', 1700000000, 5);"
                     "CREATE TABLE other(a, b, c);"
                     "INSERT INTO other VALUES ('not a key', 1, 2);",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(h);
    int n = 0;
    char why[300];
    assert_true(outbox_recover_file(path, one_v1, &n, NULL, why, sizeof why));
    assert_int_equal(n, 1);
}

/* Garbage and truncated images never read as rows and never crash. */
static bool no_row(void *user, const outbox_row *r)
{
    fail_msg("garbage read as a row with key %s", r->key);
    return true;
}

static void test_garbage(void **state)
{
    unsigned char buf[3 * 4096];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)(i * 31 + 7);
    memcpy(buf, "SQLite format 3", 16);
    for (size_t len = 0; len <= sizeof buf; len += 509)
        assert_true(outbox_recover_buffers(buf, len, buf, len, no_row, NULL, NULL));
    /* every page a table leaf claiming many cells */
    for (size_t p = 0; p < 3; p++) {
        buf[p * 4096 + (p ? 0 : 100)] = 13;
        buf[p * 4096 + (p ? 3 : 103)] = 0xff;
    }
    assert_true(outbox_recover_buffers(buf, sizeof buf, NULL, 0, no_row, NULL, NULL));
    char why[300];
    assert_false(outbox_recover_file("/nonexistent/outbox.db", no_row, NULL, NULL, why,
                                     sizeof why));
    assert_non_null(strstr(why, "/nonexistent/outbox.db"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intact),      cmocka_unit_test(test_smashed_pages),
        cmocka_unit_test(test_rows_in_wal), cmocka_unit_test(test_first_schema),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
