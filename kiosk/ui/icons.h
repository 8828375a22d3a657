/*
 * icons: the pictograms on category tiles, drawn from small vector files.
 *
 * Each pictogram is a data file assets/icons/<name>.icon that a technician
 * or designer edits without a rebuild; the catalogue names it in a
 * category's "icon". Shapes sit on a 48 x 48 design grid (x to the right,
 * y down, 0..48) and are all filled in one colour, so a pictogram reads as
 * a silhouette at any size. One shape a line; '#' starts a comment:
 *
 *   circle CX CY R                 a disc
 *   ring   CX CY R WIDTH           a circle's outline (R is the middle)
 *   arc    CX CY R A0 A1 WIDTH     part of a ring, A0 to A1 in degrees,
 *                                  0 = 3 o'clock, 90 = 6 o'clock
 *                                  (clockwise on screen), 0 < A1-A0 <= 360
 *   rect   X Y W H [R]             a rectangle, corners rounded by R
 *   poly   X1 Y1 X2 Y2 X3 Y3 ...   a simple polygon (edges do not cross),
 *                                  3 to 64 points, either direction
 *   line   X1 Y1 X2 Y2 WIDTH       a stroke with round ends
 *   path   WIDTH X1 Y1 X2 Y2 ...   strokes through 2 to 64 points, round
 *                                  joins and ends (a closed outline repeats
 *                                  its first point at the end)
 *
 * Every shape stays on the grid, half a stroke's width included (a ring or
 * an arc counted as its whole ring), so a pictogram never draws outside its
 * square. Shapes are turned into triangles once, when the file is loaded; drawing
 * is one SDL_RenderGeometry call (no SDL_image, no textures, no
 * anti-aliasing). A name with no file draws the neutral generic pictogram
 * (four rounded squares), never a letter.
 */
#ifndef KIOSK_ICONS_H
#define KIOSK_ICONS_H

#include <SDL.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/diag.h"

#define ICONS_GRID 48           /* the design grid: 0..48 on both axes */
#define ICONS_FILE_MAX 16384    /* bytes in one .icon file */
#define ICONS_MAX 128           /* .icon files in the folder */
#define ICONS_NAME_MAX 31       /* [a-z0-9-], as catalogue icon names */
#define ICONS_GENERIC "generic" /* the fallback; a generic.icon file replaces it */

typedef struct icons icons;
struct ui;

/* An empty set holding only the built-in generic pictogram. NULL when out
 * of memory. */
icons *icons_new(void);

/* Every <name>.icon file in dir, in name order, added to a new set. Each
 * problem is appended to errors as FILE:LINE:COL: message (or FILE: when
 * the file as a whole is wrong); a file with any problem is left out, so
 * its tiles show the generic pictogram. A missing folder is one problem.
 * Returns the set (perhaps with the generic pictogram only), NULL only
 * when out of memory. */
icons *icons_load(const char *dir, diag_list *errors);

/* Parses one icon's text[0..len) (any bytes) and adds it under name,
 * replacing one of that name. file names it in problems. False, with each
 * problem in errors, when the text is not a valid icon; the set is then
 * unchanged. */
bool icons_add(icons *set, const char *name, const char *text, size_t len, const char *file,
               diag_list *errors);

/* Whether set has a pictogram of that name (the generic one counts only
 * under its own name). */
bool icons_has(const icons *set, const char *name);

/* Number of triangles of a pictogram, 0 when there is none of that name
 * (for tests). */
size_t icons_triangles(const icons *set, const char *name);

/* The triangle corners of a pictogram in design units, x and y
 * interleaved, three corners per triangle, *n corners; NULL (and *n 0)
 * when there is none of that name. Valid until the set changes. For tests
 * and the fuzzer. */
const float *icons_vertices(const icons *set, const char *name, size_t *n);

/* Frees the set; NULL is fine. */
void icons_free(icons *set);

/* Draws pictogram name (NULL or unknown: the generic one) from the ui's
 * set (ui_set_icons), scaled to fit r and centred in it, in colour c.
 * Draws nothing without a set. UI thread only: it reuses a scratch buffer
 * of the set. */
void icons_draw(struct ui *u, const char *name, SDL_Rect r, SDL_Color c);

#endif
