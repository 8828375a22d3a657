/*
 * doc: a long, scrollable document made of blocks (headings, paragraphs,
 * numbered items, label/value pairs, a QR code). Used by the one-time guide
 * and the help pages.
 *
 * Layout (line breaking every paragraph) happens once per width, language
 * and text size, not per frame; drawing then touches only the blocks in
 * view, so scrolling a long guide costs the same as a short one.
 */
#ifndef KIOSK_DOC_H
#define KIOSK_DOC_H

#include "ui/ui.h"

typedef enum doc_kind {
    DOC_TITLE,      /* large bold */
    DOC_NOTE,       /* small muted line(s) */
    DOC_HEADING,    /* section heading with an accent mark */
    DOC_PARA,       /* body text */
    DOC_ITEM,       /* "1." + body text, hanging indent; num 0 = bullet */
    DOC_KV,         /* label above value */
    DOC_QR,         /* text = payload, text2 = caption */
    DOC_BADGE,      /* text = label; num 1 = positive colour */
    DOC_END         /* end-of-document rule with a centred note */
} doc_kind;

typedef struct doc_block {
    doc_kind kind;
    char *text;     /* owned */
    char *text2;    /* owned, may be NULL */
    int num;
    int y, h;       /* from doc_layout */
} doc_block;

typedef struct doc {
    doc_block *blocks;
    int n, cap;
    int width;      /* laid out for this width; 0 = needs layout */
    int height;
} doc;

/* Appends a block (copies the strings). Returns false when out of memory;
 * the document stays usable. */
bool doc_add(doc *d, doc_kind kind, const char *text, const char *text2, int num);

void doc_clear(doc *d);

/* Computes every block's height for width w with the current theme. */
void doc_layout(doc *d, ui *u, int w);

/* Draws the blocks that intersect the clip, with the document's top at y. */
void doc_draw(doc *d, ui *u, int x, int y);

#endif
