/*
 * Safe persistence of the trained parameters: a store of two slots, A and B, on an
 * abstract byte-addressed storage (on a board: two flash sectors; here a host file or
 * a semihosting file), so that an interruption during a save never loses the last
 * good saved state.
 *
 * Layout: slot A at offset 0, slot B at offset slot_bytes; each slot is a header of
 * TT_STORE_HEADER_BYTES then the payload (up to slot_bytes - TT_STORE_HEADER_BYTES
 * bytes). The header, 7 little-endian u32:
 *
 *     0  magic "TTAB" (0x42415454)      16  CRC-32 of the payload
 *     4  format version (1)             20  slot_bytes (the store's geometry)
 *     8  sequence number (1, 2, ...)    24  CRC-32 of bytes 0..23 of the header
 *    12  payload length in bytes
 *
 * CRC-32 is the IEEE one (reflected polynomial 0xEDB88320, initial and final XOR
 * 0xFFFFFFFF): Python's zlib.crc32. The payload is opaque here (the dataset program
 * stores its TTPW parameter serialization).
 *
 * A slot is valid when its magic, version, slot_bytes and header CRC are right, the
 * length fits the slot, and the payload's CRC matches. Load picks the valid slot with
 * the higher sequence number. Save writes the other slot (the one not holding the
 * newest valid record; A when neither is valid), in this order:
 *   1. invalidate its header (TT_STORE_HEADER_BYTES of 0xFF: erased flash),
 *   2. the payload,
 *   3. sync, then the header with sequence = newest + 1 (the commit point), sync.
 * An interruption before step 3 completes leaves that slot invalid (bad magic or CRC)
 * and the other slot, the last good state, untouched.
 */
#ifndef TT_PERSIST_H
#define TT_PERSIST_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TT_STORE_MAGIC 0x42415454u /* "TTAB" */
#define TT_STORE_VERSION 1u
#define TT_STORE_HEADER_BYTES 28u
#define TT_STORE_NO_SLOT (-1)

/* The storage: each call returns 0 on success, nonzero on an error. Reading past the
 * end of what was ever written is an error (or returns bytes that fail the CRC). */
typedef struct tt_storage {
    int (*read)(void *context, uint32_t offset, void *buffer, uint32_t bytes);
    int (*write)(void *context, uint32_t offset, const void *buffer, uint32_t bytes);
    int (*sync)(void *context); /* NULL: writes are durable when write returns */
    void *context;
} tt_storage;

typedef struct tt_store {
    const tt_storage *storage;
    uint32_t slot_bytes; /* header + payload capacity of one slot */
} tt_store;

/* What a slot holds. */
typedef struct tt_slot_info {
    int valid;
    uint32_t sequence;
    uint32_t length;      /* payload bytes */
    uint32_t payload_crc;
    const char *problem;  /* why not valid (a constant string), or NULL */
} tt_slot_info;

/* A save in progress (tt_store_begin_save ... tt_store_commit). */
typedef struct tt_store_writer {
    const tt_store *store;
    int slot;          /* 0 = A, 1 = B */
    uint32_t sequence; /* the sequence number it will commit */
    uint32_t length;   /* payload bytes appended so far */
    uint32_t crc;      /* running CRC-32 of the payload */
    int failed;
} tt_store_writer;

/* CRC-32 (IEEE, = zlib.crc32): tt_crc32_update(0, data, n) is the CRC of data;
 * feed pieces by passing the previous result. */
uint32_t tt_crc32_update(uint32_t crc, const void *data, uint32_t bytes);

/* Checks one slot (0 = A, 1 = B), reading its whole payload for the CRC. Returns info->valid. */
int tt_store_check_slot(const tt_store *store, int slot, tt_slot_info *info);

/* The valid slot with the highest sequence (its info in *info), or TT_STORE_NO_SLOT. */
int tt_store_newest(const tt_store *store, tt_slot_info *info);

/* Reads payload bytes [offset, offset + bytes) of a slot; 0 on success. */
int tt_store_read_payload(const tt_store *store, int slot, uint32_t offset, void *buffer, uint32_t bytes);

/* Starts a save into the slot not holding the newest valid record, and invalidates its header. 0 on success. */
int tt_store_begin_save(const tt_store *store, tt_store_writer *writer);
/* Appends payload bytes; 0 on success (an error or overflow makes the commit fail). */
int tt_store_append(tt_store_writer *writer, const void *data, uint32_t bytes);
/* Writes the header (the commit point) and syncs; 0 on success. */
int tt_store_commit(tt_store_writer *writer);

#ifdef __cplusplus
}
#endif

#endif /* TT_PERSIST_H */
