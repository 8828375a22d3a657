#include "clock.h"

/* Virtual time does not start at 0: code that treats 0 as "never happened"
 * must keep working under the script harness. */
#define VIRTUAL_ORIGIN 1000000u

static bool virtual_mode;
static uint64_t virtual_ms;
static time_t virtual_start;

uint64_t clock_now_ms(void)
{
    if (virtual_mode)
        return virtual_ms;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

time_t clock_wall(void)
{
    if (virtual_mode)
        return virtual_start + (time_t)((virtual_ms - VIRTUAL_ORIGIN) / 1000u);
    return time(NULL);
}

void clock_use_virtual(time_t start)
{
    if (start == 0) {
        struct tm tm = {0};
        tm.tm_year = 2026 - 1900;
        tm.tm_mon = 10;
        tm.tm_mday = 22;
        tm.tm_hour = 9;
        tm.tm_min = 30;
        tm.tm_isdst = -1;
        start = mktime(&tm);
    }
    virtual_mode = true;
    virtual_start = start;
    virtual_ms = VIRTUAL_ORIGIN;
}

bool clock_is_virtual(void)
{
    return virtual_mode;
}

void clock_advance(uint64_t ms)
{
    if (virtual_mode)
        virtual_ms += ms;
}
