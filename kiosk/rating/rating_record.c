/*
 * rating_record: see rating_record.h.
 */
#include "rating/rating_record.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "rating/rating_sign.h"

static bool empty(const char *s)
{
    return !s || !*s;
}

char *rating_record_payload(const rating_record *r, char *why, size_t wsize)
{
    if (!r || empty(r->transaction) || !r->codes || empty(r->channel) ||
        !*rating_level_name(r->level)) {
        snprintf(why, wsize, "rating: transaction, level, codes and channel are required");
        return NULL;
    }
    if (strlen(r->transaction) > RATING_TXN_MAX) {
        snprintf(why, wsize, "rating: the transaction number is longer than %d bytes",
                 RATING_TXN_MAX);
        return NULL;
    }
    bool poor = rating_level_is_poor(r->level);
    if (poor != (r->n_reasons > 0) || r->n_reasons > RATING_RECORD_MAX_REASONS) {
        snprintf(why, wsize, poor ? "rating: a poor rating needs at least one reason"
                                  : "rating: only a poor rating carries reasons");
        return NULL;
    }
    char when[RATING_TIME_SIZE];
    rating_time_format(r->when, when);
    json_t *reasons = json_array(), *indicators = json_array();
    for (size_t i = 0; i < r->n_reasons; i++) {
        json_array_append_new(reasons, json_string(r->reasons[i] ? r->reasons[i] : ""));
        json_array_append_new(indicators, json_string(r->indicators[i] ? r->indicators[i] : ""));
    }
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:b, s:b, s:b}",
                          "transaction", r->transaction,
                          "level", rating_level_name(r->level),
                          "code", rating_code(r->codes, r->level),
                          "scheme", rating_scheme_name(r->codes->scheme),
                          "channel", r->channel,
                          "source", r->source ? r->source : "",
                          "region", r->region ? r->region : "",
                          "time", when,
                          "count", 1,
                          "reasons", reasons,
                          "indicators", indicators,
                          "anonymous", r->anonymous,
                          "comment", r->comment,
                          "phone", r->phone);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text)
        snprintf(why, wsize, "rating: out of memory or a text not UTF-8");
    return text;
}
