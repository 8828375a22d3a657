/*
 * The outbox database: schema and migration from version 1, the row life
 * cycle, caps, purge, sealing and masking, and the faults (corrupt file,
 * disk full, read-only storage) with nothing half-written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outbox/outbox_db.h"
#include "outbox/outbox_fault.h"
#include "outbox/outbox_store.h"
#include "outbox_fixture.h"

static char dir[] = "/tmp/test-outbox-XXXXXX";
static char path[512];
static outbox_key *key;

/* ---- helpers ---- */

static void wipe_db(void)
{
    char p[600];
    static const char *const sides[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, sides[i]);
        unlink(p);
    }
}

static outbox_db *open_db(int max_waiting, int max_age)
{
    outbox_db_config cfg = {.path = path, .max_waiting = max_waiting,
                            .max_age_days = max_age, .retention_days = 7};
    outbox_db *db = NULL;
    char why[600];
    assert_int_equal(outbox_db_open(&cfg, &db, NULL, why, sizeof why), OUTBOX_OK);
    return db;
}

static const outbox_txn resident = {
    .kind = "form",
    .item_code = "11330100MB0000000X4000111000000",
    .payload = "{\"form\": \"social-security\"}",
    .personal = {.name = "张三丰", .id_number = "330106199001011234", .phone = "13800138000",
                 .address = "浙江省杭州市西湖区文新街道", .free_text = "请尽快办理谢谢"},
};

static int64_t count_rows(void)
{
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(h, "SELECT count(*) FROM outbox", -1, &st, NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(h);
    return n;
}

static int setup(void **state)
{
    key = outbox_fixture_open(dir);
    assert_non_null(key);
    snprintf(path, sizeof path, "%s/outbox.db", dir);
    assert_true(outbox_fault_register());
    return 0;
}

static int teardown(void **state)
{
    return outbox_fixture_close(key, dir);
}

/* ---- tests ---- */

static void test_key_file(void **state)
{
    char p[600];
    snprintf(p, sizeof p, "%s/keys/device.key", dir);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_size, OUTBOX_KEY_BYTES);
    char why[300];
    outbox_key *again = outbox_key_load(why, sizeof why); /* same key back */
    size_t len;
    unsigned char *blob = outbox_seal(key, &resident.personal, "k", &len);
    outbox_opened o;
    assert_true(outbox_unseal(again, blob, len, "k", &o));
    outbox_opened_free(&o);
    free(blob);
    outbox_key_free(again);
}

static void test_seal_and_mask(void **state)
{
    size_t len;
    unsigned char *blob = outbox_seal(key, &resident.personal, "key-1", &len);
    assert_non_null(blob);
    outbox_opened o;
    assert_true(outbox_unseal(key, blob, len, "key-1", &o));
    assert_string_equal(o.p.name, "张三丰");
    assert_string_equal(o.p.id_number, "330106199001011234");
    assert_string_equal(o.p.free_text, "请尽快办理谢谢");
    outbox_opened_free(&o);
    /* another row's key as associated data does not open it */
    assert_false(outbox_unseal(key, blob, len, "key-2", &o));
    blob[len - 1] ^= 1;
    assert_false(outbox_unseal(key, blob, len, "key-1", &o));
    free(blob);

    outbox_masked m;
    outbox_mask(&resident.personal, &m);
    assert_string_equal(m.name, "张*丰");
    assert_string_equal(m.id_number, "3301**********1234");
    assert_string_equal(m.phone, "138****8000");
    assert_string_equal(m.address, "浙江****");
    char ph[24];
    outbox_mask_phone("1234", ph, sizeof ph);
    assert_string_equal(ph, "****");
}

static void test_schema_fresh(void **state)
{
    wipe_db();
    outbox_db_config cfg = {.path = path, .retention_days = 7};
    outbox_db *db;
    outbox_open_info info;
    char why[600];
    assert_int_equal(outbox_db_open(&cfg, &db, &info, why, sizeof why), OUTBOX_OK);
    assert_true(info.created);
    outbox_db_close(db);
    sqlite3 *h;
    sqlite3_open(path, &h);
    sqlite3_stmt *st;
    sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL);
    sqlite3_step(st);
    assert_int_equal(sqlite3_column_int(st, 0), OUTBOX_SCHEMA_VERSION);
    sqlite3_finalize(st);
    sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL);
    sqlite3_step(st);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
    sqlite3_finalize(st);
    sqlite3_close(h);
}

/* A file made by the first release (its DDL, written here by hand as that
 * release wrote it) is upgraded in place, its rows kept and counted. */
static void test_migrate_from_v1(void **state)
{
    wipe_db();
    sqlite3 *h;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(h,
                     "PRAGMA journal_mode=WAL;"
                     "CREATE TABLE outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                     " key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
                     " item_code TEXT NOT NULL DEFAULT '', payload TEXT NOT NULL DEFAULT '{}',"
                     " sealed BLOB, name_masked TEXT NOT NULL DEFAULT '',"
                     " id_masked TEXT NOT NULL DEFAULT '', phone_masked TEXT NOT NULL DEFAULT '',"
                     " created_wall INTEGER NOT NULL, created_mono INTEGER NOT NULL,"
                     " state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,"
                     " next_attempt INTEGER NOT NULL DEFAULT 0,"
                     " last_error TEXT NOT NULL DEFAULT '');"
                     "CREATE INDEX outbox_state_seq ON outbox(state, seq);"
                     "INSERT INTO outbox(key, kind, created_wall, created_mono, state) VALUES"
                     " ('00000000-0000-4000-8000-000000000001', 'form', 1700000000, 5, 'pending'),"
                     " ('00000000-0000-4000-8000-000000000002', 'form', 1700000001, 6, 'inflight'),"
                     " ('00000000-0000-4000-8000-000000000003', 'form', 1700000002, 7, 'acked');"
                     "PRAGMA user_version = 1;",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(h);

    outbox_db_config cfg = {.path = path, .retention_days = 7};
    outbox_db *db;
    outbox_open_info info;
    char why[600];
    assert_int_equal(outbox_db_open(&cfg, &db, &info, why, sizeof why), OUTBOX_OK);
    assert_int_equal(info.migrated_from, 1);
    outbox_counts c;
    assert_int_equal(outbox_db_counts(db, &c), OUTBOX_OK);
    /* the in-flight row of the crashed run goes back to pending */
    assert_int_equal(c.by_state[OUTBOX_PENDING], 2);
    assert_int_equal(c.by_state[OUTBOX_ACKED], 1);
    assert_int_equal(c.waiting, 2);
    assert_int_equal(c.oldest_waiting, 1700000000);
    outbox_receipt r;
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
    assert_int_equal(r.seq, 4);
    outbox_db_close(db);
}

static void test_life_cycle(void **state)
{
    wipe_db();
    outbox_db *db = open_db(0, 0);
    char why[600];
    outbox_receipt r[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(outbox_db_enqueue(db, key, &resident, &r[i], why, sizeof why), OUTBOX_OK);
    assert_int_equal(r[0].seq, 1);
    assert_int_equal(r[2].seq, 3);
    assert_string_not_equal(r[0].key, r[1].key);
    assert_int_equal(strlen(r[0].key), 36);

    outbox_row rows[8];
    size_t n;
    int64_t now = time(NULL) + 1;
    assert_int_equal(outbox_db_next_batch(db, now, rows, 2, &n), OUTBOX_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].seq, 1);
    assert_int_equal(rows[1].seq, 2);
    assert_int_equal(rows[0].state, OUTBOX_IN_FLIGHT);
    assert_string_equal(rows[0].masked.name, "张*丰");
    outbox_opened o;
    assert_true(outbox_unseal(key, rows[0].sealed, rows[0].sealed_len, rows[0].key, &o));
    assert_string_equal(o.p.phone, "13800138000");
    outbox_opened_free(&o);

    assert_int_equal(outbox_db_mark_acked(db, rows[0].seq, now), OUTBOX_OK);
    assert_int_equal(outbox_db_mark_retry(db, rows[1].seq, now, "HTTP 503"), OUTBOX_OK);
    assert_int_equal(outbox_db_mark_acked(db, 99, now), OUTBOX_ERR_INVALID);
    outbox_row_clear(&rows[0]);
    outbox_row_clear(&rows[1]);

    /* the retried row waits its back-off; row 3 is next */
    assert_int_equal(outbox_db_next_batch(db, now, rows, 8, &n), OUTBOX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].seq, 3);
    assert_int_equal(outbox_db_mark_rejected(db, rows[0].seq, now, "item code unknown"), OUTBOX_OK);
    outbox_row_clear(&rows[0]);
    assert_int_equal(outbox_db_next_batch(db, now + outbox_backoff(1), rows, 8, &n), OUTBOX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].seq, 2);
    assert_int_equal(rows[0].attempts, 1);
    assert_string_equal(rows[0].last_error, "HTTP 503");
    outbox_row_clear(&rows[0]);

    outbox_counts c;
    assert_int_equal(outbox_db_counts(db, &c), OUTBOX_OK);
    assert_int_equal(c.by_state[OUTBOX_ACKED], 1);
    assert_int_equal(c.by_state[OUTBOX_REJECTED], 1);
    assert_int_equal(c.by_state[OUTBOX_IN_FLIGHT], 1);
    assert_string_equal(c.last_error, "item code unknown");

    assert_int_equal(outbox_backoff(1), 30);
    assert_int_equal(outbox_backoff(2), 60);
    assert_int_equal(outbox_backoff(20), 3600);

    /* purge: nothing within retention, the acked row after it */
    int purged;
    assert_int_equal(outbox_db_purge(db, now, &purged), OUTBOX_OK);
    assert_int_equal(purged, 0);
    assert_int_equal(outbox_db_purge(db, now + 8 * 86400, &purged), OUTBOX_OK);
    assert_int_equal(purged, 1);
    outbox_db_close(db);
    char wal[600];
    snprintf(wal, sizeof wal, "%s-wal", path);
    struct stat st;
    assert_true(stat(wal, &st) != 0 || st.st_size == 0); /* truncated */
    assert_int_equal(count_rows(), 2);
}

static void test_caps(void **state)
{
    wipe_db();
    outbox_db *db = open_db(3, 0);
    char why[600];
    outbox_receipt r;
    for (int i = 0; i < 3; i++)
        assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why),
                     OUTBOX_ERR_CAP_COUNT);
    assert_non_null(strstr(why, "max_waiting 3"));
    /* acknowledging one makes room */
    assert_int_equal(outbox_db_mark_acked(db, 1, time(NULL)), OUTBOX_OK);
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
    outbox_db_close(db);

    /* age: a waiting row from 40 days ago stops new ones at 30 days */
    wipe_db();
    db = open_db(0, 30);
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
    outbox_db_close(db);
    sqlite3 *h;
    sqlite3_open(path, &h);
    sqlite3_exec(h, "UPDATE outbox SET created_wall = created_wall - 40 * 86400", NULL, NULL,
                 NULL);
    sqlite3_close(h);
    db = open_db(0, 30);
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why),
                     OUTBOX_ERR_CAP_AGE);
    outbox_db_close(db);
    assert_int_equal(count_rows(), 1);
}

/* A key the caller derives (a rating's, from its transaction number):
 * the same inputs always give the same UUID-shaped key, and the second
 * row under it is refused as a duplicate with nothing written. */
static void test_derived_key(void **state)
{
    (void)state;
    char k1[OUTBOX_UUID_SIZE], k2[OUTBOX_UUID_SIZE], k3[OUTBOX_UUID_SIZE];
    outbox_uuid_for("rating", "20261202-000001-ab12", k1);
    outbox_uuid_for("rating", "20261202-000001-ab12", k2);
    outbox_uuid_for("rating", "20261202-000002-ab12", k3);
    assert_string_equal(k1, k2);
    assert_string_not_equal(k1, k3);
    assert_true(outbox_is_uuid(k1));
    assert_int_equal(k1[14], '8');      /* version 8 */
    char r4[OUTBOX_UUID_SIZE];
    outbox_uuid(r4);
    assert_true(outbox_is_uuid(r4));
    assert_false(outbox_is_uuid("not-a-uuid"));
    assert_false(outbox_is_uuid("3F2A0000-0000-4000-8000-000000000000"));  /* upper case */

    wipe_db();
    outbox_db *db = open_db(0, 0);
    char why[600];
    outbox_receipt r;
    outbox_txn t = resident;
    t.kind = "rating";
    t.key = k1;
    assert_int_equal(outbox_db_enqueue(db, key, &t, &r, why, sizeof why), OUTBOX_OK);
    assert_string_equal(r.key, k1);
    assert_int_equal(outbox_db_enqueue(db, key, &t, &r, why, sizeof why), OUTBOX_ERR_DUPLICATE);
    assert_non_null(strstr(why, "already queued"));
    t.key = "3F2A";
    assert_int_equal(outbox_db_enqueue(db, key, &t, &r, why, sizeof why), OUTBOX_ERR_INVALID);
    t.key = k3;
    assert_int_equal(outbox_db_enqueue(db, key, &t, &r, why, sizeof why), OUTBOX_OK);
    outbox_db_close(db);
    assert_int_equal(count_rows(), 2);
}

static void test_corrupt_moved_aside(void **state)
{
    wipe_db();
    outbox_db *db = open_db(0, 0);
    char why[600];
    outbox_receipt r;
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
    outbox_db_close(db);
    /* garbage over the second page (the table's b-tree) */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 4096, SEEK_SET);
    for (int i = 0; i < 4096; i++)
        fputc(0xA5, f);
    fclose(f);
    outbox_db_config cfg = {.path = path, .retention_days = 7};
    outbox_open_info info;
    assert_int_equal(outbox_db_open(&cfg, &db, &info, why, sizeof why), OUTBOX_OK);
    assert_true(info.created);
    assert_non_null(strstr(info.moved_aside, "outbox.db.corrupt-"));
    struct stat st;
    assert_int_equal(stat(info.moved_aside, &st), 0); /* kept, never deleted */
    outbox_counts c;
    outbox_db_counts(db, &c);
    assert_int_equal(c.waiting, 0);
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
    outbox_db_close(db);
    unlink(info.moved_aside);
}

static void test_disk_full(void **state)
{
    wipe_db();
    outbox_db_config cfg = {.path = path, .vfs = OUTBOX_FAULT_VFS, .retention_days = 7};
    outbox_db *db;
    char why[600];
    assert_int_equal(outbox_db_open(&cfg, &db, NULL, why, sizeof why), OUTBOX_OK);
    outbox_receipt r;
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
    outbox_fault_set(OUTBOX_FAULT_FULL, 0);
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_ERR_FULL);
    assert_non_null(strstr(why, "the disk is full"));
    assert_int_equal(r.seq, 0);
    outbox_fault_set(OUTBOX_FAULT_FULL, 1); /* fails in the middle of the commit's writes */
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_ERR_FULL);
    outbox_fault_set(OUTBOX_FAULT_NONE, 0);
    /* space again: the same connection works, nothing half-written */
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
    outbox_db_close(db);
    assert_int_equal(count_rows(), 2);
    db = open_db(0, 0);
    outbox_db_close(db);
}

static void test_read_only(void **state)
{
    wipe_db();
    outbox_db *db = open_db(0, 0);
    char why[600];
    outbox_receipt r;
    assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
    outbox_db_close(db);
    outbox_fault_set(OUTBOX_FAULT_READONLY, 0);
    outbox_db_config cfg = {.path = path, .vfs = OUTBOX_FAULT_VFS, .retention_days = 7};
    assert_int_equal(outbox_db_open(&cfg, &db, NULL, why, sizeof why), OUTBOX_ERR_READONLY);
    assert_non_null(strstr(why, "read-only"));
    assert_null(db);
    /* a read-only file system without the file: no database at all */
    wipe_db();
    assert_int_equal(outbox_db_open(&cfg, &db, NULL, why, sizeof why) != OUTBOX_OK, 1);
    outbox_fault_set(OUTBOX_FAULT_NONE, 0);
}

/* Nothing personal in the clear in the file, its -wal or -shm. */
static bool file_has(const char *file, const char *needle)
{
    FILE *f = fopen(file, "rb");
    if (!f)
        return false;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    bool found = false;
    size_t nl = strlen(needle);
    for (size_t i = 0; i + nl <= got && !found; i++)
        found = !memcmp(buf + i, needle, nl);
    free(buf);
    return found;
}

static void test_privacy(void **state)
{
    wipe_db();
    outbox_db *db = open_db(0, 0);
    char why[600];
    outbox_receipt r;
    for (int i = 0; i < 20; i++)
        assert_int_equal(outbox_db_enqueue(db, key, &resident, &r, why, sizeof why), OUTBOX_OK);
    const char *needles[] = {"张三丰", "330106199001011234", "13800138000", "西湖区文新街道",
                             "请尽快办理", "0106199001"};
    static const char *const sides[] = {"", "-wal", "-shm"};
    for (int pass = 0; pass < 2; pass++) {
        for (int s = 0; s < 3; s++) {
            char p[600];
            snprintf(p, sizeof p, "%s%s", path, sides[s]);
            for (size_t i = 0; i < sizeof needles / sizeof *needles; i++)
                if (file_has(p, needles[i]))
                    fail_msg("%s holds a personal field in the clear", p);
        }
        outbox_db_close(db); /* and again after the checkpoint on close */
        db = NULL;
    }
    char kp[600];
    snprintf(kp, sizeof kp, "%s/keys/device.key", dir);
    (void)kp;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_file),        cmocka_unit_test(test_seal_and_mask),
        cmocka_unit_test(test_schema_fresh),    cmocka_unit_test(test_migrate_from_v1),
        cmocka_unit_test(test_life_cycle),      cmocka_unit_test(test_caps),
        cmocka_unit_test(test_derived_key),
        cmocka_unit_test(test_corrupt_moved_aside), cmocka_unit_test(test_disk_full),
        cmocka_unit_test(test_read_only),       cmocka_unit_test(test_privacy),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
