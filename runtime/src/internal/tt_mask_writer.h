/*
 * Internal to the runtime: writes a bit-packed clamp mask in flat order, one
 * byte at a time, so that the bytes need no clearing first and the unused high
 * bits of the last byte end up 0 (element i is bit i & 7 of byte i >> 3). With a
 * NULL destination every call is a no-op (the op has no mask result).
 */
#ifndef TT_MASK_WRITER_H
#define TT_MASK_WRITER_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *next;
    uint32_t bits;
    uint32_t filled;
} mask_writer;

static inline mask_writer mask_begin(uint8_t *mask)
{
    mask_writer writer = {mask, 0u, 0u};
    return writer;
}

static inline void mask_push(mask_writer *writer, int inside)
{
    if (writer->next == NULL) {
        return;
    }
    writer->bits |= (uint32_t)(inside != 0) << writer->filled;
    if (++writer->filled == 8u) {
        *writer->next++ = (uint8_t)writer->bits;
        writer->bits = 0u;
        writer->filled = 0u;
    }
}

static inline void mask_end(mask_writer *writer)
{
    if (writer->next != NULL && writer->filled != 0u) {
        *writer->next = (uint8_t)writer->bits;
    }
}

#endif /* TT_MASK_WRITER_H */
