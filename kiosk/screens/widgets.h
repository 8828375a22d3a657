/*
 * widgets: composite pieces several screens share (category tiles, service
 * rows, the search field). Built from the ui primitives; no state.
 */
#ifndef KIOSK_WIDGETS_H
#define KIOSK_WIDGETS_H

#include "catalog/catalog.h"
#include "ui/ui.h"

/* Height of the name area of a tile of width w for this name (at most
 * three lines; longer names are cut with an ellipsis). */
int widget_tile_name_height(ui *u, int w, const char *name);

/* Height of a category tile whose name area is name_h high. */
int widget_tile_height(ui *u, int name_h);

/* A category tile: the pictogram icon_name (ui/icons.h; NULL or unknown:
 * the generic one) on a square whose colour index picks, the name and sub. */
void widget_tile(ui *u, SDL_Rect r, int index, const char *icon_name, const char *name,
                 const char *sub, int name_h, int action, intptr_t arg);

/* A button styled as a text field with a magnifier. */
void widget_search_field(ui *u, SDL_Rect r, const char *text, int action);

/* A service row in a list: name, department, a badge. Returns its height;
 * with draw false only measures. */
int widget_service_row(ui *u, int x, int y, int w, const catalog_service *svc,
                       const char *lang, int action, intptr_t arg, bool draw);

/* A scrolling list of services (catalogue indexes idx[0..n)) in cols
 * columns. Each row is a target with the given action and the service
 * index as arg. */
void widget_service_list(ui *u, ui_scroll *scroll, SDL_Rect view, int cols,
                         const catalog *cat, const size_t *idx, size_t n, const char *lang,
                         int action);

/* A small rounded label (e.g. 可自助办理). Returns its width. */
int widget_badge(ui *u, int x, int y, const char *text, SDL_Color fg, SDL_Color bg);

#endif
