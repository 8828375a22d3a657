/*
 * clock: the kiosk's only source of time.
 *
 * Everything that waits (idle timeout, the "need more time?" countdown, the
 * attract loop, scrolling inertia, the status-bar clock) reads this module,
 * never SDL_GetTicks() or time(). In a headless scripted run the clock is
 * virtual and only moves when the script says `wait MS`, so a 90-second idle
 * timeout is tested in milliseconds and screenshots show a fixed time of day.
 */
#ifndef KIOSK_CLOCK_H
#define KIOSK_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Milliseconds on a monotonic scale with an arbitrary origin. */
uint64_t clock_now_ms(void);

/* Local wall-clock time for display. */
time_t clock_wall(void);

/* Switches to virtual time starting at wall time `start` (0: a fixed
 * 2026-11-22 09:30 local). Only the script harness and tests call this. */
void clock_use_virtual(time_t start);

bool clock_is_virtual(void);

/* Moves virtual time forward; ignored on the real clock. */
void clock_advance(uint64_t ms);

#endif
