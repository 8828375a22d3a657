/*
 * dynlib: a library loaded when it is first needed, not when the kiosk
 * starts.
 *
 * The Chinese input engines (librime, zinnia) and OpenCC pull in a dozen
 * libraries between them (Boost, glog, LevelDB, yaml-cpp, ...). Linked in
 * the ordinary way they cost every start-up about 15 ms and 6 MB of
 * resident memory before any resident has touched a key; loaded here on
 * first use, a kiosk whose residents never write Chinese never pays, and a
 * kiosk without the library still starts (that one mode says it is
 * unavailable).
 */
#ifndef KIOSK_DYNLIB_H
#define KIOSK_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

/* One symbol to bind: its name and where its address goes. */
typedef struct dynlib_symbol {
    const char *name;
    void **slot;
} dynlib_symbol;

/* Opens the library soname (e.g. "librime.so.1") once and binds every
 * symbol of syms into its slot. Returns the library handle, kept open for
 * the life of the process, or NULL with a message in err naming the library
 * (and package, when given) or the missing symbol; then no slot is set.
 * Opening the same soname again returns the same handle. */
void *dynlib_load(const char *soname, const char *package, const dynlib_symbol *syms,
                  size_t n, char *err, size_t err_size);

#endif
