/* The A/B store of tt_persist.h: format, load and save protocol are described there. */
#include "tt_persist.h"

#include <stddef.h>

/* ------------------------------------------------------------------ CRC-32 (IEEE) */

uint32_t tt_crc32_update(uint32_t crc, const void *data, uint32_t bytes)
{
    /* Bitwise (no table: 1 KB of flash saved; a save is rare and I/O-bound). */
    const uint8_t *p = (const uint8_t *)data;
    crc = ~crc;
    for (uint32_t i = 0; i < bytes; ++i) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

/* ------------------------------------------------------------------ header */

enum { H_MAGIC, H_VERSION, H_SEQUENCE, H_LENGTH, H_PAYLOAD_CRC, H_SLOT_BYTES, H_HEADER_CRC, H_WORDS };

static void put_u32(uint8_t *p, uint32_t value)
{
    p[0] = (uint8_t)value;
    p[1] = (uint8_t)(value >> 8);
    p[2] = (uint8_t)(value >> 16);
    p[3] = (uint8_t)(value >> 24);
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint32_t slot_offset(const tt_store *store, int slot)
{
    return slot == 0 ? 0u : store->slot_bytes;
}

static int sync_storage(const tt_store *store)
{
    const tt_storage *s = store->storage;
    return s->sync != NULL ? s->sync(s->context) : 0;
}

int tt_store_check_slot(const tt_store *store, int slot, tt_slot_info *info)
{
    const tt_storage *s = store->storage;
    uint8_t header[TT_STORE_HEADER_BYTES];
    info->valid = 0;
    info->sequence = 0u;
    info->length = 0u;
    info->payload_crc = 0u;
    info->problem = NULL;
    if (s->read(s->context, slot_offset(store, slot), header, TT_STORE_HEADER_BYTES) != 0) {
        info->problem = "unreadable header";
        return 0;
    }
    uint32_t word[H_WORDS];
    for (int i = 0; i < H_WORDS; ++i) {
        word[i] = get_u32(header + 4 * i);
    }
    if (word[H_MAGIC] != TT_STORE_MAGIC) {
        info->problem = "no record (bad magic)";
        return 0;
    }
    if (word[H_HEADER_CRC] != tt_crc32_update(0u, header, 4u * H_HEADER_CRC)) {
        info->problem = "header CRC mismatch";
        return 0;
    }
    if (word[H_VERSION] != TT_STORE_VERSION || word[H_SLOT_BYTES] != store->slot_bytes) {
        info->problem = "other format version or slot size";
        return 0;
    }
    info->sequence = word[H_SEQUENCE];
    info->length = word[H_LENGTH];
    info->payload_crc = word[H_PAYLOAD_CRC];
    if (info->length > store->slot_bytes - TT_STORE_HEADER_BYTES) {
        info->problem = "payload length over the slot size";
        return 0;
    }
    uint8_t chunk[64];
    uint32_t crc = 0u;
    for (uint32_t done = 0u; done < info->length;) {
        const uint32_t n = info->length - done < sizeof chunk ? info->length - done : (uint32_t)sizeof chunk;
        if (tt_store_read_payload(store, slot, done, chunk, n) != 0) {
            info->problem = "unreadable payload";
            return 0;
        }
        crc = tt_crc32_update(crc, chunk, n);
        done += n;
    }
    if (crc != info->payload_crc) {
        info->problem = "payload CRC mismatch";
        return 0;
    }
    info->valid = 1;
    return 1;
}

int tt_store_newest(const tt_store *store, tt_slot_info *info)
{
    tt_slot_info a, b;
    tt_store_check_slot(store, 0, &a);
    tt_store_check_slot(store, 1, &b);
    int newest = TT_STORE_NO_SLOT;
    if (a.valid && (!b.valid || a.sequence >= b.sequence)) {
        newest = 0;
    } else if (b.valid) {
        newest = 1;
    }
    if (info != NULL) {
        *info = newest == 1 ? b : a;
    }
    return newest;
}

int tt_store_read_payload(const tt_store *store, int slot, uint32_t offset, void *buffer, uint32_t bytes)
{
    const tt_storage *s = store->storage;
    if (offset > store->slot_bytes - TT_STORE_HEADER_BYTES ||
        bytes > store->slot_bytes - TT_STORE_HEADER_BYTES - offset) {
        return -1;
    }
    return s->read(s->context, slot_offset(store, slot) + TT_STORE_HEADER_BYTES + offset, buffer, bytes);
}

/* ------------------------------------------------------------------ save */

int tt_store_begin_save(const tt_store *store, tt_store_writer *writer)
{
    tt_slot_info newest;
    const int slot = tt_store_newest(store, &newest);
    writer->store = store;
    writer->slot = slot == 0 ? 1 : 0;
    writer->sequence = slot == TT_STORE_NO_SLOT ? 1u : newest.sequence + 1u;
    writer->length = 0u;
    writer->crc = 0u;
    writer->failed = store->slot_bytes <= TT_STORE_HEADER_BYTES;
    /* 1. Invalidate the target slot's header (as erasing a flash sector would). */
    uint8_t erased[TT_STORE_HEADER_BYTES];
    for (uint32_t i = 0; i < TT_STORE_HEADER_BYTES; ++i) {
        erased[i] = 0xFFu;
    }
    const tt_storage *s = store->storage;
    if (!writer->failed && s->write(s->context, slot_offset(store, writer->slot), erased, TT_STORE_HEADER_BYTES) != 0) {
        writer->failed = 1;
    }
    return writer->failed ? -1 : 0;
}

int tt_store_append(tt_store_writer *writer, const void *data, uint32_t bytes)
{
    const tt_store *store = writer->store;
    const tt_storage *s = store->storage;
    const uint32_t capacity = store->slot_bytes - TT_STORE_HEADER_BYTES;
    if (writer->failed || bytes > capacity - writer->length) {
        writer->failed = 1;
        return -1;
    }
    /* 2. The payload, after the (invalid) header. */
    const uint32_t offset = slot_offset(store, writer->slot) + TT_STORE_HEADER_BYTES + writer->length;
    if (s->write(s->context, offset, data, bytes) != 0) {
        writer->failed = 1;
        return -1;
    }
    writer->crc = tt_crc32_update(writer->crc, data, bytes);
    writer->length += bytes;
    return 0;
}

int tt_store_commit(tt_store_writer *writer)
{
    const tt_store *store = writer->store;
    const tt_storage *s = store->storage;
    if (writer->failed || sync_storage(store) != 0) {
        writer->failed = 1;
        return -1;
    }
    /* 3. The header last: the commit point. */
    uint8_t header[TT_STORE_HEADER_BYTES];
    put_u32(header + 4 * H_MAGIC, TT_STORE_MAGIC);
    put_u32(header + 4 * H_VERSION, TT_STORE_VERSION);
    put_u32(header + 4 * H_SEQUENCE, writer->sequence);
    put_u32(header + 4 * H_LENGTH, writer->length);
    put_u32(header + 4 * H_PAYLOAD_CRC, writer->crc);
    put_u32(header + 4 * H_SLOT_BYTES, store->slot_bytes);
    put_u32(header + 4 * H_HEADER_CRC, tt_crc32_update(0u, header, 4u * H_HEADER_CRC));
    if (s->write(s->context, slot_offset(store, writer->slot), header, TT_STORE_HEADER_BYTES) != 0 ||
        sync_storage(store) != 0) {
        writer->failed = 1;
        return -1;
    }
    return 0;
}
