/*
 * The fixed part of every generated model (tt-opt -t c / tt-compile): its public API,
 * declared once here, and the parameter table behind tt_param / tt_get_param /
 * tt_set_param (runtime/src/model/tt_param_table.c). The generated model.h includes
 * this header and adds the model's sizes and its tt_infer / tt_train_step; the
 * generated model.c defines the tables and one-line calls into the functions below.
 */
#ifndef TT_MODEL_H_RUNTIME
#define TT_MODEL_H_RUNTIME

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element types of the parameter table. */
enum { TT_DTYPE_I8 = 0, TT_DTYPE_I32 = 1, TT_DTYPE_F32 = 2 };

typedef struct {
    const char *name;      /* the IR symbol, e.g. "blocks.3.conv.weight" */
    const void *data;      /* current values, row-major; NULL for a split weight */
    int32_t bytes;
    int32_t dtype;         /* TT_DTYPE_* */
    int32_t trainable;     /* 1: SRAM (a split weight: its trained channels), updated by
                              tt_train_step; 0: const (flash) */
    int32_t rank;
    int32_t shape[4];
} tt_param_info;

/* Zeroes the arena and resets every trainable parameter to its compiled value.
 * Called automatically before the first tt_infer / tt_train_step. */
void tt_init(void);

/* The parameters: count, description (NULL when out of range), copy out / in.
 * tt_get_param and tt_set_param return the bytes copied, or -1 (bad index, `bytes`
 * not the parameter's size, or, for tt_set_param, a frozen parameter).
 * A split weight (only its leading channels train: those are in SRAM, the rest is
 * const in flash) is still one logical tensor here: tt_get_param gathers both parts,
 * tt_set_param writes the trained channels and returns -1, writing nothing, when
 * `src` differs from the frozen channels' values. */
int32_t tt_param_count(void);
const tt_param_info *tt_param(int32_t index);
int32_t tt_get_param(int32_t index, void *dst, int32_t bytes);
int32_t tt_set_param(int32_t index, const void *src, int32_t bytes);

/* int8/int32 parameter values that saturated in SGD updates since tt_init. */
int32_t tt_saturation_count(void);

/* ---------------------------------------------------------------- the generated tables */

/* A split weight: the logical tensor is `rows` rows, each `trained_row` bytes of the
 * trained part (SRAM) followed by `frozen_row` bytes of the frozen part (flash). */
typedef struct {
    int32_t index; /* the parameter's index in the table */
    uint8_t *trained;
    const uint8_t *frozen;
    int32_t rows;
    int32_t trained_row;
    int32_t frozen_row;
} tt_split_info;

/* A model's parameters, as its model.c defines them (const: flash). */
typedef struct {
    const tt_param_info *params; /* `count` descriptions */
    void *const *writable;       /* per parameter: its writable array, NULL when frozen */
    const tt_split_info *splits; /* `split_count` split weights, by index */
    int32_t count;
    int32_t split_count;
    const int *ready; /* nonzero once `init` ran: the writable arrays hold values */
    void (*init)(void);
} tt_param_table;

/* What tt_param, tt_get_param and tt_set_param do, on a model's table. */
const tt_param_info *tt_param_table_info(const tt_param_table *table, int32_t index);
int32_t tt_param_table_get(const tt_param_table *table, int32_t index, void *dst, int32_t bytes);
int32_t tt_param_table_set(const tt_param_table *table, int32_t index, const void *src, int32_t bytes);

#ifdef __cplusplus
}
#endif

#endif /* TT_MODEL_H_RUNTIME */
