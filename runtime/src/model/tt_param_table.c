/* The parameter table of a generated model: see tt_model.h. */
#include "tt_model.h"

#include <stddef.h>
#include <string.h>

const tt_param_info *tt_param_table_info(const tt_param_table *table, int32_t index)
{
    return index >= 0 && index < table->count ? &table->params[index] : NULL;
}

static const tt_split_info *split_of(const tt_param_table *table, int32_t index)
{
    for (int32_t i = 0; i < table->split_count; ++i) {
        if (table->splits[i].index == index) {
            return &table->splits[i];
        }
    }
    return NULL;
}

/* The writable arrays hold their values only after the model's tt_init. */
static void ensure_ready(const tt_param_table *table)
{
    if (!*table->ready) {
        table->init();
    }
}

int32_t tt_param_table_get(const tt_param_table *table, int32_t index, void *dst, int32_t bytes)
{
    const tt_param_info *info = tt_param_table_info(table, index);
    if (info == NULL || bytes != info->bytes) {
        return -1;
    }
    ensure_ready(table);
    const tt_split_info *split = split_of(table, index);
    if (split != NULL) { /* gather: trained then frozen channels of each row */
        uint8_t *out = (uint8_t *)dst;
        for (int32_t r = 0; r < split->rows; ++r) {
            memcpy(out, split->trained + r * split->trained_row, (size_t)split->trained_row);
            out += split->trained_row;
            memcpy(out, split->frozen + r * split->frozen_row, (size_t)split->frozen_row);
            out += split->frozen_row;
        }
        return bytes;
    }
    memcpy(dst, info->data, (size_t)bytes);
    return bytes;
}

int32_t tt_param_table_set(const tt_param_table *table, int32_t index, const void *src, int32_t bytes)
{
    const tt_param_info *info = tt_param_table_info(table, index);
    if (info == NULL || bytes != info->bytes || table->writable[index] == NULL) {
        return -1;
    }
    ensure_ready(table);
    const tt_split_info *split = split_of(table, index);
    if (split != NULL) { /* the frozen channels must keep their values; scatter the trained ones */
        const uint8_t *in = (const uint8_t *)src;
        const int32_t row = split->trained_row + split->frozen_row;
        for (int32_t r = 0; r < split->rows; ++r) {
            if (memcmp(in + r * row + split->trained_row, split->frozen + r * split->frozen_row,
                       (size_t)split->frozen_row) != 0) {
                return -1;
            }
        }
        for (int32_t r = 0; r < split->rows; ++r) {
            memcpy(split->trained + r * split->trained_row, in + r * row, (size_t)split->trained_row);
        }
        return bytes;
    }
    memcpy(table->writable[index], src, (size_t)bytes);
    return bytes;
}
