/*
 * bench_idcard: what one ID-card read costs the driver.
 *
 *  1. USB transfers per full read (find + select + text/photo read), for
 *     the three ways a reader can hand over its answer: bulk with one
 *     4096-byte IN transfer per answer (what idcard_usb does), bulk with
 *     one 64-byte packet per transfer, and HID (60 payload bytes a report).
 *  2. Wall time of a full read over the zero-latency in-process simulator
 *     (so: the driver's own CPU time plus the simulator's), 1000 reads,
 *     p50 / p99 / max.
 *  3. "Last byte to identity": parsing a captured 1295-byte answer and
 *     decoding it into an idcard_identity, i.e. what the reader thread does
 *     between the last USB packet and posting the card-read event.
 *
 * Prints figures; never fails on time (shared, noisy build machines).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "idcard/ga467_frame.h"
#include "idcard/idcard_session.h"
#include "idcard/idcard_sim.h"

#define RUNS 1000
#define CARD KIOSK_SOURCE_DIR "/assets/demo-cards/resident.json"

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, long long *ns, int n)
{
    qsort(ns, (size_t)n, sizeof *ns, cmp_ll);
    printf("  %-38s p50 %7.1f us   p99 %7.1f us   max %7.1f us\n", what,
           ns[n / 2] / 1000.0, ns[n * 99 / 100] / 1000.0, ns[n - 1] / 1000.0);
}

static unsigned transfers_for(idcard_sim *sim, size_t read_size)
{
    static idcard_session s;
    idcard_transport tr;
    idcard_sim_transport(sim, &tr);
    idcard_session_init(&s, &tr);
    s.read_size = read_size;
    idcard_identity *id = NULL;
    int rc = idcard_session_read_card(&s, &id);
    if (rc != IDCARD_OK) {
        fprintf(stderr, "bench_idcard: read failed: %s\n", idcard_result_name(rc));
        exit(1);
    }
    idcard_identity_wipe(id);
    return s.transfers;
}

int main(void)
{
    idcard_sim *sim = idcard_sim_new(1);
    if (!sim || idcard_sim_place_card(sim, CARD) != 0) {
        fprintf(stderr, "bench_idcard: cannot place %s\n", CARD);
        return 1;
    }
    printf("bench_idcard: GA 467 ID-card read (simulated reader, zero latency)\n");
    printf("USB transfers per full read (find + select + read text+photo):\n");
    printf("  bulk, 4096-byte IN transfers (driver default)   %u\n", transfers_for(sim, 4096));
    printf("  bulk, one 64-byte packet per transfer           %u\n", transfers_for(sim, 64));
    printf("  HID, 60 payload bytes per 64-byte report        %u\n", transfers_for(sim, 60));

    static long long full[RUNS], decode[RUNS];
    static idcard_session s;
    idcard_transport tr;
    idcard_sim_transport(sim, &tr);
    idcard_session_init(&s, &tr);
    for (int i = 0; i < RUNS; i++) {
        idcard_identity *id = NULL;
        long long t0 = now_ns();
        int rc = idcard_session_read_card(&s, &id);
        full[i] = now_ns() - t0;
        if (rc != IDCARD_OK) {
            fprintf(stderr, "bench_idcard: read %d failed: %s\n", i, idcard_result_name(rc));
            return 1;
        }
        idcard_identity_wipe(id);
    }

    /* Capture one answer, then time parse + decode alone. */
    uint8_t cmd[16], answer[2048];
    idcard_session_find(&s);
    idcard_session_select(&s);
    size_t n = ga467_build_command(GA467_CMD_READ, NULL, 0, cmd, sizeof cmd);
    idcard_sim_host_write(sim, cmd, n);
    int len = idcard_sim_host_read(sim, answer, sizeof answer, NULL);
    static ga467_parser p;
    for (int i = 0; i < RUNS; i++) {
        long long t0 = now_ns();
        ga467_parser_init(&p, GA467_RESPONSE);
        size_t used;
        idcard_identity *id = NULL;
        if (ga467_parser_feed(&p, answer, (size_t)len, &used) != GA467_FRAME ||
            idcard_decode_read_data(p.frame.data, p.frame.data_len, false, &id,
                                    NULL, 0) != IDCARD_OK) {
            fprintf(stderr, "bench_idcard: decode failed\n");
            return 1;
        }
        decode[i] = now_ns() - t0;
        idcard_identity_wipe(id);
    }
    explicit_bzero(answer, sizeof answer);

    printf("Time over %d reads:\n", RUNS);
    report("full read (find+select+read)", full, RUNS);
    report("last byte -> identity (parse+decode)", decode, RUNS);
    idcard_sim_free(sim);
    return 0;
}
