/*
 * The debug build's arena checker (generated code calls it when compiled with
 * -DTT_DEBUG_ARENA=1; backends/c/arena_check.py computes its tables).
 *
 * A generated function calls tt_arena_debug_enter() first: it poisons the whole arena
 * (TT_ARENA_POISON in every byte), fills the guard zones below and above it with
 * TT_ARENA_CANARY and takes a snapshot. After each op it calls tt_arena_debug_step():
 *
 *   1. every arena byte outside the op's may-change spans must equal the snapshot
 *      (a byte of a live buffer, or a poisoned byte of a dead one, that the op was not
 *      allowed to write), and the guard zones must still hold their canaries;
 *   2. every byte outside the live-after spans (no later op reads it) is poisoned;
 *   3. a new snapshot is taken.
 *
 * Spans are pairs [start, end) of arena byte offsets, sorted and disjoint. A finding
 * is counted and the first one kept (tt_arena_debug_status); the generated program
 * goes on, so a test sees every finding of a run.
 */
#ifndef TT_DEBUG_ARENA_H
#define TT_DEBUG_ARENA_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TT_ARENA_POISON 0xFFu /* float NaN, int8 -1, int32 -1: a stale float read spreads NaN */
#define TT_ARENA_CANARY 0x5Au
#define TT_ARENA_GUARD 64 /* bytes of each guard zone; a multiple of every alignment */

/* One checkpoint: after one op of a generated function. */
typedef struct {
    const char *what;     /* the op, e.g. "%y = qtrain.conv2d" */
    int32_t change_first; /* index of its first may-change span in the span table */
    int32_t change_count;
    int32_t live_first; /* index of its first live-after span */
    int32_t live_count;
} tt_arena_step;

enum {
    TT_ARENA_OK = 0,
    TT_ARENA_LIVE_CHANGED = 1, /* a byte that a later op reads changed */
    TT_ARENA_DEAD_CHANGED = 2, /* a poisoned (dead) byte outside the op's outputs changed */
    TT_ARENA_GUARD_BELOW = 3,  /* the canary below the arena changed */
    TT_ARENA_GUARD_ABOVE = 4   /* the canary above the arena changed */
};

typedef struct {
    int32_t findings;     /* checkpoints that found something since the last reset */
    int32_t kind;         /* TT_ARENA_* of the first finding */
    const char *function; /* where: the IR function, */
    int32_t step;         /* the checkpoint's index in it, */
    const char *what;     /* and the op */
    int32_t offset;       /* first offending byte (arena offset; guard: offset in the guard) */
    int32_t expected;     /* its value before the op */
    int32_t actual;       /* and after */
} tt_arena_debug_report;

/* `arena` points TT_ARENA_GUARD bytes into storage of bytes + 2 * TT_ARENA_GUARD. */
void tt_arena_debug_enter(uint8_t *arena, uint8_t *snapshot, int32_t bytes);
/* `previous`: the checkpoint before (NULL for the first), whose live-after spans tell a
 * live byte from a dead one in a report. */
void tt_arena_debug_step(uint8_t *arena, uint8_t *snapshot, int32_t bytes, const char *function,
                         int32_t step_index, const tt_arena_step *step, const tt_arena_step *previous,
                         const int32_t *spans);
const tt_arena_debug_report *tt_arena_debug_status(void);
void tt_arena_debug_reset(void);

#ifdef __cplusplus
}
#endif

#endif /* TT_DEBUG_ARENA_H */
