/*
 * Internal to the runtime: filter o of a split weight (tt_split_weight) as two
 * runs of input channels, for the kernels that read a split weight tap by tap.
 */
#ifndef TT_SPLIT_FILTER_H
#define TT_SPLIT_FILTER_H

#include <stddef.h>
#include <stdint.h>

/* Filter o of the logical weight as two runs of input channels (each channel
 * `taps` values): channels [0, count) at `first`, the rest at `second`. A
 * regular conv's filter o is the trained run then the frozen run; a grouped
 * (depthwise) conv's filter lies whole in one part. */
typedef struct {
    const int8_t *first;
    const int8_t *second;
    int32_t count;
} split_filter;

static inline split_filter filter_of(const int8_t *trained, const int8_t *frozen, int32_t split,
                              int32_t groups, int32_t group_in, int32_t taps, int32_t o)
{
    split_filter filter;
    if (groups == 1) {
        filter.first = trained + o * split * taps;
        filter.second = frozen + o * (group_in - split) * taps;
        filter.count = split;
    } else {
        filter.first = o < split ? trained + o * group_in * taps : frozen + (o - split) * group_in * taps;
        filter.second = NULL;
        filter.count = group_in;
    }
    return filter;
}

/* The `taps` weights of input channel c of a filter. */
static inline const int8_t *filter_channel(const split_filter *filter, int32_t c, int32_t taps)
{
    return c < filter->count ? filter->first + c * taps : filter->second + (c - filter->count) * taps;
}

#endif /* TT_SPLIT_FILTER_H */
