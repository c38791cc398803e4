/*
 * The static arena of a generated model.c, which includes this header once, after
 * its model.h (TT_ARENA_BYTES) and `#define TT_ARENA_ALIGNMENT`. Every activation,
 * gradient and mask lives at a planned offset of it: TT_S8(offset), TT_I32(offset),
 * TT_F32(offset) and TT_U8(offset) are the typed pointers there.
 *
 * Each generated function starts with TT_ARENA_ENTER() and follows each op with
 * TT_ARENA_STEP(tables, k): no code in a normal build. In the debug build
 * (-DTT_DEBUG_ARENA=1) the arena sits between two guard zones and these run the
 * checker of tt_debug_arena.h on the model's tables `tables##_function`,
 * `tables##_steps` and `tables##_spans` (defined before the functions).
 */
#ifndef TT_MODEL_ARENA_H
#define TT_MODEL_ARENA_H

#include <stddef.h>
#include <stdint.h>

#if !defined(TT_ARENA_BYTES) || !defined(TT_ARENA_ALIGNMENT)
#error "tt_model_arena.h: define TT_ARENA_BYTES and TT_ARENA_ALIGNMENT first (a generated model.c does)"
#endif

#ifndef TT_DEBUG_ARENA
static uint8_t tt_arena[TT_ARENA_BYTES] __attribute__((aligned(TT_ARENA_ALIGNMENT)));
#define TT_ARENA_ENTER() ((void)0)
#define TT_ARENA_STEP(tables, k) ((void)0)
#else
#include "tt_debug_arena.h"
#if TT_ARENA_ALIGNMENT > TT_ARENA_GUARD
#error "tt_model_arena.h: the arena alignment exceeds the debug build's guard zone"
#endif
static uint8_t tt_arena_storage[TT_ARENA_GUARD + TT_ARENA_BYTES + TT_ARENA_GUARD]
    __attribute__((aligned(TT_ARENA_ALIGNMENT)));
#define tt_arena (tt_arena_storage + TT_ARENA_GUARD)
static uint8_t tt_arena_snapshot[TT_ARENA_BYTES];
#define TT_ARENA_ENTER() tt_arena_debug_enter(tt_arena, tt_arena_snapshot, TT_ARENA_BYTES)
#define TT_ARENA_STEP(tables, k)                                                                   \
    tt_arena_debug_step(tt_arena, tt_arena_snapshot, TT_ARENA_BYTES, tables##_function, (k),       \
                        &tables##_steps[(k)], (k) > 0 ? &tables##_steps[(k) - 1] : NULL, tables##_spans)
#endif

#define TT_S8(offset) ((int8_t *)(tt_arena + (offset)))
#define TT_I32(offset) ((int32_t *)(tt_arena + (offset)))
#define TT_F32(offset) ((float *)(tt_arena + (offset)))
#define TT_U8(offset) (tt_arena + (offset))

#endif /* TT_MODEL_ARENA_H */
