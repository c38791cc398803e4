/* The debug build's arena checker: see tt_debug_arena.h. */
#include "tt_debug_arena.h"

#include <string.h>

static tt_arena_debug_report report;

const tt_arena_debug_report *tt_arena_debug_status(void)
{
    return &report;
}

void tt_arena_debug_reset(void)
{
    memset(&report, 0, sizeof report);
}

static void record(int32_t kind, const char *function, int32_t step_index, const char *what, int32_t offset,
                   int32_t expected, int32_t actual)
{
    if (report.findings++ > 0) {
        return; /* keep the first */
    }
    report.kind = kind;
    report.function = function;
    report.step = step_index;
    report.what = what;
    report.offset = offset;
    report.expected = expected;
    report.actual = actual;
}

/* The first offset in [start, end) where the two differ, or -1. */
static int32_t first_difference(const uint8_t *a, const uint8_t *b, int32_t start, int32_t end)
{
    for (int32_t i = start; i < end; ++i) {
        if (a[i] != b[i]) {
            return i;
        }
    }
    return -1;
}

static int32_t first_not(const uint8_t *bytes, int32_t count, uint8_t value)
{
    for (int32_t i = 0; i < count; ++i) {
        if (bytes[i] != value) {
            return i;
        }
    }
    return -1;
}

void tt_arena_debug_enter(uint8_t *arena, uint8_t *snapshot, int32_t bytes)
{
    memset(arena - TT_ARENA_GUARD, TT_ARENA_CANARY, TT_ARENA_GUARD);
    memset(arena + bytes, TT_ARENA_CANARY, TT_ARENA_GUARD);
    memset(arena, TT_ARENA_POISON, (size_t)bytes);
    memcpy(snapshot, arena, (size_t)bytes);
}

/* Whether `offset` lies in one of the step's live-after spans (sorted, disjoint). */
static int is_live(const tt_arena_step *step, const int32_t *spans, int32_t offset)
{
    if (step == 0) {
        return 0; /* before the first op everything is poisoned */
    }
    const int32_t *live = spans + 2 * step->live_first;
    for (int32_t s = 0; s < step->live_count; ++s) {
        if (offset >= live[2 * s] && offset < live[2 * s + 1]) {
            return 1;
        }
    }
    return 0;
}

void tt_arena_debug_step(uint8_t *arena, uint8_t *snapshot, int32_t bytes, const char *function,
                         int32_t step_index, const tt_arena_step *step, const tt_arena_step *previous,
                         const int32_t *spans)
{
    const int32_t *change = spans + 2 * step->change_first;
    const int32_t *live = spans + 2 * step->live_first;
    int32_t found = 0;

    /* 1. Outside the may-change spans nothing moved. */
    int32_t cursor = 0;
    for (int32_t s = 0; s <= step->change_count && !found; ++s) {
        int32_t end = s < step->change_count ? change[2 * s] : bytes;
        int32_t at = first_difference(arena, snapshot, cursor, end);
        if (at >= 0) {
            int32_t kind = is_live(previous, spans, at) ? TT_ARENA_LIVE_CHANGED : TT_ARENA_DEAD_CHANGED;
            record(kind, function, step_index, step->what, at, snapshot[at], arena[at]);
            found = 1;
        }
        if (s < step->change_count) {
            cursor = change[2 * s + 1];
        }
    }
    int32_t below = first_not(arena - TT_ARENA_GUARD, TT_ARENA_GUARD, TT_ARENA_CANARY);
    if (below >= 0 && !found) {
        record(TT_ARENA_GUARD_BELOW, function, step_index, step->what, below, TT_ARENA_CANARY,
               arena[below - TT_ARENA_GUARD]);
        found = 1;
    }
    int32_t above = first_not(arena + bytes, TT_ARENA_GUARD, TT_ARENA_CANARY);
    if (above >= 0 && !found) {
        record(TT_ARENA_GUARD_ABOVE, function, step_index, step->what, above, TT_ARENA_CANARY, arena[bytes + above]);
    }
    /* Restore the canaries so that one finding is not reported at every later step. */
    memset(arena - TT_ARENA_GUARD, TT_ARENA_CANARY, TT_ARENA_GUARD);
    memset(arena + bytes, TT_ARENA_CANARY, TT_ARENA_GUARD);

    /* 2. Poison what nobody reads any more. */
    cursor = 0;
    for (int32_t s = 0; s <= step->live_count; ++s) {
        int32_t end = s < step->live_count ? live[2 * s] : bytes;
        if (end > cursor) {
            memset(arena + cursor, TT_ARENA_POISON, (size_t)(end - cursor));
        }
        if (s < step->live_count) {
            cursor = live[2 * s + 1];
        }
    }

    /* 3. The state the next op starts from. */
    memcpy(snapshot, arena, (size_t)bytes);
}
