/*
 * A tiny main for a generated model (backends/armv7em/project.py copies it into the
 * project): inference on the project's sample image, then `steps` training steps
 * on it, printing the logits and each loss as decimals and IEEE bit patterns.
 *
 *   host:       ./model_host [steps]            (default 3 steps)
 *   Cortex-M7:  model_m7.elf under QEMU          (3 steps; output by semihosting)
 *
 * TT_STEPS (default 3) and TT_SKIP_INFER (default 0) make the measurement programs
 * of bench/backend.py: start-up only, + one inference, + one training step.
 *
 * The sample (sample.c) is a const array in flash, so on the board it costs no SRAM
 * beyond the model's arena and trainable parameters.
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
