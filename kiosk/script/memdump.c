/*
 * memdump: see memdump.h.
 *
 * Reads its own /proc/self/mem region by region (no ptrace, no gdb: a
 * process may always read itself). Only writable mappings are read: data a
 * session typed or a card carried can only have been written to one of
 * them; code, fonts and other read-only file mappings cannot hold it.
 * All-zero pages are left out (wiped memory is zeros; they cannot hold a
 * field either), which keeps the file small, and regions larger than
 * MEMDUMP_REGION_MAX are skipped and counted: those are the sanitizer's
 * shadow and reserved address space (terabytes, almost all unmapped), not
 * data. The copy goes through a buffer of its own mapping, which is itself
 * left out, so the dump never sees its own bounce copy.
 */
#include "memdump.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEMDUMP_CHUNK (1u << 20)
#define MEMDUMP_REGION_MAX (4ull << 30)
#define MEMDUMP_PAGE 4096u

static bool all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

bool memdump_self(const char *path, memdump_stats *stats, char *why, size_t why_size)
{
    memdump_stats st = {0};
    FILE *maps = fopen("/proc/self/maps", "re");
    int mem = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
    int out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    unsigned char *buf = mmap(NULL, MEMDUMP_CHUNK, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    bool ok = maps && mem >= 0 && out >= 0 && buf != MAP_FAILED;
    if (!ok)
        snprintf(why, why_size, "cannot open %s: %s",
                 !maps ? "/proc/self/maps" : mem < 0 ? "/proc/self/mem" : path, strerror(errno));
    /* Nothing below maps or unmaps while the list is read (stdio's buffer
     * and the bounce buffer exist already), so the list read line by line
     * is the list of the whole dump. */
    char line[512];
    static const unsigned char gap[16];
    while (ok && fgets(line, sizeof line, maps)) {
        uintptr_t lo, hi;
        char perms[8];
        if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s", &lo, &hi, perms) != 3)
            continue;
        if (perms[0] != 'r' || perms[1] != 'w')
            continue;
        if (lo == (uintptr_t)buf)
            continue;
        if (hi - lo > MEMDUMP_REGION_MAX) {
            st.skipped_regions++;
            continue;
        }
        st.regions++;
        for (uintptr_t at = lo; at < hi;) {
            size_t want = hi - at < MEMDUMP_CHUNK ? (size_t)(hi - at) : MEMDUMP_CHUNK;
            ssize_t got = pread(mem, buf, want, (off_t)at);
            if (got <= 0) {
                st.unreadable += want;     /* e.g. a guard page: nothing there */
                at += want;
                continue;
            }
            for (size_t off = 0; off < (size_t)got; off += MEMDUMP_PAGE) {
                size_t n = (size_t)got - off < MEMDUMP_PAGE ? (size_t)got - off : MEMDUMP_PAGE;
                if (all_zero(buf + off, n))
                    continue;
                if (write(out, buf + off, n) != (ssize_t)n) {
                    snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
                    ok = false;
                    break;
                }
                st.bytes += n;
            }
            at += (size_t)got;
        }
        if (ok && write(out, gap, sizeof gap) != (ssize_t)sizeof gap)
            ok = false;
    }
    if (buf != MAP_FAILED) {
        memset(buf, 0, MEMDUMP_CHUNK);
        munmap(buf, MEMDUMP_CHUNK);
    }
    if (maps)
        fclose(maps);
    if (mem >= 0)
        close(mem);
    if (out >= 0 && close(out) != 0 && ok) {
        snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
        ok = false;
    }
    if (stats)
        *stats = st;
    return ok;
}
