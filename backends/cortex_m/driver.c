/*
 * A tiny main for a generated model (backends/cortex_m/project.py copies it into the
 * project). Two programs come from this file:
 *
 * 1. The sample program (model_host, model_board*.elf): inference on the project's
 *    sample image, then `steps` training steps on it, printing the logits and each
 *    loss as decimals and IEEE bit patterns.
 *
 *      host:       ./model_host [steps]            (default 3 steps)
 *      Cortex-M:   model_board.elf under QEMU       (3 steps; output by semihosting)
 *
 *    TT_STEPS (default 3) and TT_SKIP_INFER (default 0) make the measurement programs
 *    of bench/backend.py: start-up only, + one inference, + one training step.
 *    The sample (sample.c) is a const array in flash, so on the board it costs no SRAM
 *    beyond the model's arena and trainable parameters.
 *
 * 2. With TT_DATASET=1, the dataset program (model_host_train, model_board_train.elf;
 *    driven by backends/cortex_m/harness.py): reads samples from a file, and for each
 *    runs tt_infer (the prediction: the first largest logit) and then tt_train_step,
 *    and at the end writes the trainable parameters to a file. On the board the files
 *    are the host's, through semihosting (QEMU opens relative paths in its working
 *    directory); on the host the same code uses stdio, so both give the same bytes.
 *
 *      host:       ./model_host_train [dataset [params-out [params-in [store]]]]
 *      Cortex-M:   model_board_train.elf under QEMU (the default names below)
 *
 *    Files (all integers little-endian, u32 = uint32):
 *
 *      tt_dataset.bin     u32 magic "TTDS", u32 version 1, u32 count, u32 image_bytes,
 *                         u32 flags; then count records: image_bytes int8 (the image,
 *                         row-major NCHW), int32 label.
 *                         flags: 1 = first load tt_params_in.bin, 2 = no training
 *                         steps, 4 = no inference, 8 = resume from the A/B store
 *                         tt_store.bin (after 1), 16 = save to the store at the end,
 *                         32 = save to the store after every sample, 64 = fault
 *                         injection: tt_fault.bin holds a u32 N; the program stops
 *                         (exit status 99, `store fault injected after N bytes`) as
 *                         soon as N bytes have been written to the store in this run
 *                         (a new store's formatting included), mid-write if need be.
 *      tt_store.bin       the A/B store (runtime/include/tt_persist.h), created with
 *                         both slots erased when absent; each slot's payload is the
 *                         TTPW serialization below of every trainable parameter, and
 *                         a slot is the header plus that size rounded up to 8 bytes.
 *      tt_params_out.bin  u32 magic "TTPW", u32 version 1, u32 count; then count
 *      tt_params_in.bin   records: u32 name_length, the name (no NUL), u32 dtype
 *                         (0 int8, 1 int32, 2 float32), u32 rank, rank x u32 shape,
 *                         u32 bytes, the values (row-major). The output holds every
 *                         trainable parameter; the input may hold any of them.
 *
 *    Output, one line each:  `logits i <bits>...` (IEEE bits of each logit),
 *    `sample i pred p loss <bits>` (pred -1 without inference; no loss without
 *    training), then `saturated n` (tt_saturation_count) and
 *    `done <samples> samples, <params> parameters`. A failure prints
 *    `tt-error: <what>` and exits with status 3. With the store flags also:
 *    `store slot A invalid: <why>` for each invalid slot and `store loaded slot A seq 3`
 *    or `store empty: no saved state` (resume), `store saved slot B seq 4` (each save).
 *    On the host, a 4th argument names the store file.
 */
#include <stdint.h>
#include <string.h>

#include "model.h"
#include "sample.h"

#ifdef TT_ON_BOARD
#include "semihosting.h"
#else
#include <stdio.h>
#include <stdlib.h>
#endif

static uint32_t float_bits(float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

#if !defined(TT_DATASET) || !TT_DATASET
/* ------------------------------------------------------------------ the sample program */

static void print_value(const char *label, int32_t index, float value)
{
#ifdef TT_ON_BOARD
    tt_print_str(label);
    tt_print_char(' ');
    tt_print_int(index);
    tt_print_char(' ');
    tt_print_float(value, 6);
    tt_print_char(' ');
    tt_print_hex(float_bits(value));
    tt_print_char('\n');
#else
    printf("%s %d %.9g 0x%08x\n", label, (int)index, (double)value, (unsigned)float_bits(value));
#endif
}

#ifndef TT_STEPS
#define TT_STEPS 3
#endif
#ifndef TT_SKIP_INFER
#define TT_SKIP_INFER 0
#endif

int main(int argc, char **argv)
{
    int32_t steps = TT_STEPS;
#ifdef TT_ON_BOARD
    (void)argc;
    (void)argv;
#else
    if (argc > 1) {
        steps = (int32_t)atoi(argv[1]);
    }
#endif
    tt_init();
#ifdef TT_HAS_INFER
    if (!TT_SKIP_INFER) {
        static float logits[TT_INFER_LOGITS_COUNT];
        tt_infer(tt_sample_image, logits);
        for (int32_t i = 0; i < TT_INFER_LOGITS_COUNT; ++i) {
            print_value("logit", i, logits[i]);
        }
    }
#endif
#ifdef TT_HAS_TRAIN_STEP
    for (int32_t step = 0; step < steps; ++step) {
        float loss;
        tt_train_step(tt_sample_image, tt_sample_label, &loss);
        print_value("loss", step, loss);
    }
#else
    (void)steps;
#endif
    return 0;
}

#else
/* ------------------------------------------------------------------ the dataset program */

#include "driver_config.h" /* TT_LARGEST_TRAINABLE_BYTES */
#include "tt_persist.h"      /* the A/B store */

#if defined(TT_HAS_TRAIN_STEP)
#define IMAGE_BYTES TT_TRAIN_STEP_IMAGE_COUNT
#elif defined(TT_HAS_INFER)
#define IMAGE_BYTES TT_INFER_IMAGE_COUNT
#else
#error "the model has neither @main nor @train_step"
#endif

#define DATASET_MAGIC 0x53445454u /* "TTDS" */
#define PARAMS_MAGIC 0x57505454u  /* "TTPW" */
#define FORMAT_VERSION 1u
#define FLAG_LOAD_PARAMS 1u
#define FLAG_NO_TRAIN 2u
#define FLAG_NO_INFER 4u
#define FLAG_STORE_RESUME 8u
#define FLAG_STORE_SAVE 16u
#define FLAG_STORE_SAVE_EACH 32u
#define FLAG_FAULT 64u
#define FLAGS_STORE (FLAG_STORE_RESUME | FLAG_STORE_SAVE | FLAG_STORE_SAVE_EACH)
#define FAULT_STATUS 99
#define FAILED 3
#define MAX_NAME 255u

/* One buffer for the image of the current sample, and before the first sample for
 * a parameter being loaded: the SRAM this program needs beyond the model's. */
#define SCRATCH_BYTES (IMAGE_BYTES > TT_LARGEST_TRAINABLE_BYTES ? IMAGE_BYTES : TT_LARGEST_TRAINABLE_BYTES)
static int8_t scratch[SCRATCH_BYTES] __attribute__((aligned(8)));

/* Text output and files: semihosting on the board, stdio on the host. */
#ifdef TT_ON_BOARD
typedef int32_t file_t;
#define NO_FILE (-1)

static void out_str(const char *text)
{
    tt_print_str(text);
}

static void out_int(int32_t value)
{
    tt_print_int(value);
}

static void out_hex(uint32_t value)
{
    tt_print_hex(value);
}

static file_t open_file(const char *path, int write)
{
    return tt_file_open(path, write ? TT_FILE_WRITE : TT_FILE_READ);
}

static int read_exact(file_t file, void *buffer, uint32_t bytes)
{
    return tt_file_read(file, buffer, bytes) == (int32_t)bytes;
}

static int write_all(file_t file, const void *buffer, uint32_t bytes)
{
    return tt_file_write(file, buffer, bytes) == (int32_t)bytes;
}

static int close_file(file_t file)
{
    return tt_file_close(file) == 0;
}

/* The store file: read and write at any offset ("r+b"; created with "w+b" when `create`). */
static file_t open_update(const char *path, int create)
{
    return tt_file_open(path, create ? TT_FILE_CREATE_UPDATE : TT_FILE_UPDATE);
}

static int seek_file(file_t file, uint32_t offset)
{
    return tt_file_seek(file, offset) == 0;
}

static int flush_file(file_t file)
{
    (void)file; /* semihosting writes reach the host file at once */
    return 1;
}

/* Stops at once, as a power loss would (the fault injection). */
static void stop_now(void)
{
    tt_exit(FAULT_STATUS);
}
#else
typedef FILE *file_t;
#define NO_FILE NULL

static void out_str(const char *text)
{
    fputs(text, stdout);
}

static void out_int(int32_t value)
{
    printf("%d", (int)value);
}

static void out_hex(uint32_t value)
{
    printf("0x%08x", (unsigned)value);
}

static file_t open_file(const char *path, int write)
{
    return fopen(path, write ? "wb" : "rb");
}

static int read_exact(file_t file, void *buffer, uint32_t bytes)
{
    return fread(buffer, 1, bytes, file) == bytes;
}

static int write_all(file_t file, const void *buffer, uint32_t bytes)
{
    return fwrite(buffer, 1, bytes, file) == bytes;
}

static int close_file(file_t file)
{
    return fclose(file) == 0;
}

static file_t open_update(const char *path, int create)
{
    return fopen(path, create ? "w+b" : "r+b");
}

static int seek_file(file_t file, uint32_t offset)
{
    return fseek(file, (long)offset, SEEK_SET) == 0;
}

static int flush_file(file_t file)
{
    return fflush(file) == 0;
}

static void stop_now(void)
{
    fflush(NULL); /* what was written so far reaches the files, nothing more */
    _Exit(FAULT_STATUS);
}
#endif

/* Prints `tt-error: <what> <detail>` and returns the failure status. */
static int fail(const char *what, const char *detail)
{
    out_str("tt-error: ");
    out_str(what);
    if (detail != NULL) {
        out_str(" ");
        out_str(detail);
    }
    out_str("\n");
    return FAILED;
}

/* A byte source or sink for the parameter serialization: a file, or a save into the
 * A/B store. read / write return 1 when all `bytes` were transferred. */
typedef struct {
    int (*read)(void *context, void *buffer, uint32_t bytes);
    int (*write)(void *context, const void *buffer, uint32_t bytes);
    void *context;
} stream_t;

static int file_stream_read(void *context, void *buffer, uint32_t bytes)
{
    return read_exact(*(file_t *)context, buffer, bytes);
}

static int file_stream_write(void *context, const void *buffer, uint32_t bytes)
{
    return write_all(*(file_t *)context, buffer, bytes);
}

static int read_u32(const stream_t *stream, uint32_t *value)
{
    return stream->read(stream->context, value, sizeof *value);
}

static int write_u32(const stream_t *stream, uint32_t value)
{
    return stream->write(stream->context, &value, sizeof value);
}

static int32_t find_param(const char *name)
{
    for (int32_t index = 0; index < tt_param_count(); ++index) {
        if (strcmp(tt_param(index)->name, name) == 0) {
            return index;
        }
    }
    return -1;
}

/* Sets the parameters of a TTPW serialization (any trainable subset) with tt_set_param;
 * `path` names the source in the messages. Returns 0 or the failure status. */
static int parse_params(const stream_t *stream, const char *path)
{
    uint32_t header[3];
    if (!stream->read(stream->context, header, sizeof header)) {
        return fail("the parameter file is truncated (header):", path);
    }
    if (header[0] != PARAMS_MAGIC || header[1] != FORMAT_VERSION) {
        return fail("not a version-1 parameter file (magic TTPW):", path);
    }
    for (uint32_t record = 0; record < header[2]; ++record) {
        static char name[MAX_NAME + 1];
        uint32_t length, dtype, rank, shape[4], bytes;
        if (!read_u32(stream, &length) || length > MAX_NAME || !stream->read(stream->context, name, length)) {
            return fail("the parameter file is truncated or has a name over 255 bytes:", path);
        }
        name[length] = '\0';
        const int32_t index = find_param(name);
        const tt_param_info *info = index >= 0 ? tt_param(index) : NULL;
        if (info == NULL || !info->trainable) {
            return fail(info == NULL ? "the model has no parameter" : "not a trainable parameter:", name);
        }
        int ok = read_u32(stream, &dtype) && read_u32(stream, &rank) && rank <= 4u &&
                 stream->read(stream->context, shape, rank * (uint32_t)sizeof shape[0]) && read_u32(stream, &bytes);
        if (!ok) {
            return fail("the parameter file is truncated at", name);
        }
        ok = dtype == (uint32_t)info->dtype && rank == (uint32_t)info->rank && bytes == (uint32_t)info->bytes &&
             bytes <= (uint32_t)sizeof scratch;
        for (uint32_t axis = 0; ok && axis < rank; ++axis) {
            ok = shape[axis] == (uint32_t)info->shape[axis];
        }
        if (!ok) {
            return fail("the parameter file's dtype or shape differs from the model's for", name);
        }
        if (!stream->read(stream->context, scratch, bytes)) {
            return fail("the parameter file is truncated in the values of", name);
        }
        if (tt_set_param(index, scratch, (int32_t)bytes) != (int32_t)bytes) {
            return fail("tt_set_param failed for", name);
        }
    }
    return 0;
}

/* Sets the parameters of a parameter file (any trainable subset) with tt_set_param. */
static int load_params(const char *path)
{
    file_t file = open_file(path, 0);
    if (file == NO_FILE) {
        return fail("cannot open the parameter file", path);
    }
    const stream_t stream = {file_stream_read, file_stream_write, &file};
    const int status = parse_params(&stream, path);
    close_file(file);
    return status;
}

/* Serializes every trainable parameter (tt_get_param) as TTPW; returns how many, or -1. */
static int32_t serialize_params(const stream_t *stream)
{
    uint32_t count = 0;
    for (int32_t index = 0; index < tt_param_count(); ++index) {
        count += tt_param(index)->trainable ? 1u : 0u;
    }
    int ok = write_u32(stream, PARAMS_MAGIC) && write_u32(stream, FORMAT_VERSION) && write_u32(stream, count);
    for (int32_t index = 0; ok && index < tt_param_count(); ++index) {
        const tt_param_info *info = tt_param(index);
        if (!info->trainable) {
            continue;
        }
        const uint32_t length = (uint32_t)strlen(info->name);
        ok = write_u32(stream, length) && stream->write(stream->context, info->name, length) &&
             write_u32(stream, (uint32_t)info->dtype) && write_u32(stream, (uint32_t)info->rank);
        for (int32_t axis = 0; ok && axis < info->rank; ++axis) {
            ok = write_u32(stream, (uint32_t)info->shape[axis]);
        }
        ok = ok && info->bytes <= (int32_t)sizeof scratch && write_u32(stream, (uint32_t)info->bytes) &&
             tt_get_param(index, scratch, info->bytes) == info->bytes &&
             stream->write(stream->context, scratch, (uint32_t)info->bytes);
    }
    return ok ? (int32_t)count : -1;
}

/* Writes every trainable parameter to a parameter file; returns how many, or -1. */
static int32_t save_params(const char *path)
{
    file_t file = open_file(path, 1);
    if (file == NO_FILE) {
        return -1;
    }
    const stream_t stream = {file_stream_read, file_stream_write, &file};
    const int32_t count = serialize_params(&stream);
    if (!close_file(file) || count < 0) {
        return -1;
    }
    return count;
}

/* ------------------------------------------------------------------ the A/B store */

/* The store's storage: a file read and written at offsets. Every byte written counts
 * against the fault budget (tt_fault.bin, FLAG_FAULT): the write that would pass it
 * writes only the bytes up to it, and the program stops at once (status 99). */
static file_t store_file = NO_FILE;
static uint32_t store_written;
static uint32_t fault_budget = UINT32_MAX;

static int store_read(void *context, uint32_t offset, void *buffer, uint32_t bytes)
{
    (void)context;
    return seek_file(store_file, offset) && read_exact(store_file, buffer, bytes) ? 0 : -1;
}

static int store_write(void *context, uint32_t offset, const void *buffer, uint32_t bytes)
{
    (void)context;
    const uint32_t allowed = fault_budget - store_written < bytes ? fault_budget - store_written : bytes;
    if (!seek_file(store_file, offset) || (allowed > 0u && !write_all(store_file, buffer, allowed))) {
        return -1;
    }
    store_written += allowed;
    if (allowed < bytes) {
        flush_file(store_file);
        out_str("store fault injected after ");
        out_int((int32_t)store_written);
        out_str(" bytes\n");
        stop_now();
    }
    return 0;
}

static int store_sync(void *context)
{
    (void)context;
    return flush_file(store_file) ? 0 : -1;
}

static const tt_storage store_storage = {store_read, store_write, store_sync, NULL};
static tt_store store = {&store_storage, 0u};

static int store_stream_write(void *context, const void *buffer, uint32_t bytes)
{
    return tt_store_append((tt_store_writer *)context, buffer, bytes) == 0;
}

typedef struct {
    int slot;
    uint32_t offset;
} store_reader;

static int store_stream_read(void *context, void *buffer, uint32_t bytes)
{
    store_reader *reader = (store_reader *)context;
    if (tt_store_read_payload(&store, reader->slot, reader->offset, buffer, bytes) != 0) {
        return 0;
    }
    reader->offset += bytes;
    return 1;
}

/* Bytes of the TTPW serialization of every trainable parameter (the payload). */
static uint32_t params_bytes(void)
{
    uint32_t bytes = 12u;
    for (int32_t index = 0; index < tt_param_count(); ++index) {
        const tt_param_info *info = tt_param(index);
        if (info->trainable) {
            bytes += 4u + (uint32_t)strlen(info->name) + 8u + 4u * (uint32_t)info->rank + 4u + (uint32_t)info->bytes;
        }
    }
    return bytes;
}

static void out_slot(int slot, uint32_t sequence)
{
    out_str(slot == 0 ? " slot A seq " : " slot B seq ");
    out_int((int32_t)sequence);
    out_str("\n");
}

/* Opens the store file (creating it with both slots erased, 0xFF, when it is absent). */
static int open_store(const char *path)
{
    store.slot_bytes = (TT_STORE_HEADER_BYTES + params_bytes() + 7u) & ~7u;
    store_file = open_update(path, 0);
    if (store_file != NO_FILE) {
        return 0;
    }
    store_file = open_update(path, 1);
    if (store_file == NO_FILE) {
        return fail("cannot open or create the store", path);
    }
    static const uint8_t erased[64] = {
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    for (uint32_t offset = 0u; offset < 2u * store.slot_bytes; offset += sizeof erased) {
        const uint32_t left = 2u * store.slot_bytes - offset;
        if (store_write(NULL, offset, erased, left < sizeof erased ? left : (uint32_t)sizeof erased) != 0) {
            return fail("cannot write the store", path);
        }
    }
    return store_sync(NULL) == 0 ? 0 : fail("cannot write the store", path);
}

/* Sets the parameters from the newest valid slot; none valid: keeps the current ones. */
static int resume_from_store(const char *path)
{
    tt_slot_info info;
    for (int slot = 0; slot < 2; ++slot) {
        if (!tt_store_check_slot(&store, slot, &info)) {
            out_str(slot == 0 ? "store slot A invalid: " : "store slot B invalid: ");
            out_str(info.problem);
            out_str("\n");
        }
    }
    const int slot = tt_store_newest(&store, &info);
    if (slot == TT_STORE_NO_SLOT) {
        out_str("store empty: no saved state\n");
        return 0;
    }
    store_reader reader = {slot, 0u};
    const stream_t stream = {store_stream_read, store_stream_write, &reader};
    const int status = parse_params(&stream, path);
    if (status != 0) {
        return status;
    }
    out_str("store loaded");
    out_slot(slot, info.sequence);
    return 0;
}

static int save_to_store(const char *path)
{
    tt_store_writer writer;
    const int begun = tt_store_begin_save(&store, &writer);
    const stream_t stream = {store_stream_read, store_stream_write, &writer};
    if (begun != 0 || serialize_params(&stream) < 0 || tt_store_commit(&writer) != 0) {
        return fail("cannot save to the store", path);
    }
    out_str("store saved");
    out_slot(writer.slot, writer.sequence);
    return 0;
}

/* The fault budget: tt_fault.bin holds one u32, the store bytes to write before stopping. */
static int read_fault_budget(const char *path)
{
    file_t file = open_file(path, 0);
    if (file == NO_FILE) {
        return fail("cannot open the fault file", path);
    }
    const int ok = read_exact(file, &fault_budget, sizeof fault_budget);
    close_file(file);
    return ok ? 0 : fail("the fault file is truncated:", path);
}

int main(int argc, char **argv)
{
    const char *dataset_path = "tt_dataset.bin";
    const char *params_out = "tt_params_out.bin";
    const char *params_in = "tt_params_in.bin";
    const char *store_path = "tt_store.bin";
    const char *fault_path = "tt_fault.bin";
#ifdef TT_ON_BOARD
    (void)argc;
    (void)argv;
#else
    if (argc > 1) {
        dataset_path = argv[1];
    }
    if (argc > 2) {
        params_out = argv[2];
    }
    if (argc > 3) {
        params_in = argv[3];
    }
    if (argc > 4) {
        store_path = argv[4];
    }
#endif
    tt_init();

    file_t dataset = open_file(dataset_path, 0);
    if (dataset == NO_FILE) {
        return fail("cannot open the dataset file", dataset_path);
    }
    uint32_t header[5];
    if (!read_exact(dataset, header, sizeof header)) {
        close_file(dataset);
        return fail("the dataset file is truncated (header):", dataset_path);
    }
    if (header[0] != DATASET_MAGIC || header[1] != FORMAT_VERSION) {
        close_file(dataset);
        return fail("not a version-1 dataset file (magic TTDS):", dataset_path);
    }
    const uint32_t count = header[2];
    const uint32_t flags = header[4];
    if (header[3] != (uint32_t)IMAGE_BYTES) {
        close_file(dataset);
        out_str("tt-error: the dataset's images have ");
        out_int((int32_t)header[3]);
        out_str(" bytes; the model takes ");
        out_int((int32_t)IMAGE_BYTES);
        out_str("\n");
        return FAILED;
    }
    if ((flags & FLAG_LOAD_PARAMS) != 0u) {
        const int status = load_params(params_in);
        if (status != 0) {
            close_file(dataset);
            return status;
        }
    }
    if ((flags & FLAG_FAULT) != 0u || (flags & FLAGS_STORE) != 0u) {
        int status = (flags & FLAG_FAULT) != 0u ? read_fault_budget(fault_path) : 0;
        if (status == 0 && (flags & FLAGS_STORE) != 0u) {
            status = open_store(store_path);
        }
        if (status == 0 && (flags & FLAG_STORE_RESUME) != 0u) {
            status = resume_from_store(store_path);
        }
        if (status != 0) {
            close_file(dataset);
            return status;
        }
    }

    for (uint32_t sample = 0; sample < count; ++sample) {
        int32_t label;
        if (!read_exact(dataset, scratch, IMAGE_BYTES) || !read_exact(dataset, &label, sizeof label)) {
            close_file(dataset);
            return fail("the dataset file ends before its count of samples:", dataset_path);
        }
        int32_t prediction = -1;
#ifdef TT_HAS_INFER
        if (label < 0 || label >= TT_INFER_LOGITS_COUNT) {
            close_file(dataset);
            return fail("a label is outside [0, classes) in", dataset_path);
        }
        if ((flags & FLAG_NO_INFER) == 0u) {
            static float logits[TT_INFER_LOGITS_COUNT];
            tt_infer(scratch, logits);
            out_str("logits ");
            out_int((int32_t)sample);
            prediction = 0;
            for (int32_t c = 0; c < TT_INFER_LOGITS_COUNT; ++c) {
                out_str(" ");
                out_hex(float_bits(logits[c]));
                if (logits[c] > logits[prediction]) {
                    prediction = c;
                }
            }
            out_str("\n");
        }
#endif
        out_str("sample ");
        out_int((int32_t)sample);
        out_str(" pred ");
        out_int(prediction);
#ifdef TT_HAS_TRAIN_STEP
        if ((flags & FLAG_NO_TRAIN) == 0u) {
            float loss;
            tt_train_step(scratch, label, &loss);
            out_str(" loss ");
            out_hex(float_bits(loss));
        }
#endif
        out_str("\n");
        if ((flags & FLAG_STORE_SAVE_EACH) != 0u) {
            const int status = save_to_store(store_path);
            if (status != 0) {
                close_file(dataset);
                return status;
            }
        }
    }
    close_file(dataset);
    if ((flags & FLAG_STORE_SAVE) != 0u) {
        const int status = save_to_store(store_path);
        if (status != 0) {
            return status;
        }
    }
    if (store_file != NO_FILE && !close_file(store_file)) {
        return fail("cannot close the store", store_path);
    }

    const int32_t saved = save_params(params_out);
    if (saved < 0) {
        return fail("cannot write the parameter file", params_out);
    }
    out_str("saturated ");
    out_int(tt_saturation_count());
    out_str("\ndone ");
    out_int((int32_t)count);
    out_str(" samples, ");
    out_int(saved);
    out_str(" parameters\n");
    return 0;
}
#endif
