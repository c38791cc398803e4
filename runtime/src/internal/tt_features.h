/*
 * Internal to the runtime: the one place that turns the compiler's target
 * macros into the features the kernels test. A kernel writes
 * `#if TT_HAS_DSP`, never the compiler macros themselves, so that every file
 * agrees on what the target has.
 *
 *  TT_HAS_DSP      the Armv7E-M DSP extension (QADD, SSAT, SMLAD, SXTB16, ...).
 *  TT_HAS_FPU      a single-precision hardware FPU with its registers usable
 *                  for arguments (VCVTR, VMLA.F32): FPv4 or FPv5.
 *  TT_HAS_VRINTX   VRINTX.F32, round to integral in the FPSCR mode (FPv5:
 *                  Cortex-M7, Cortex-M55). FPv4 (Cortex-M4F) has no such
 *                  instruction, so rintf is a library call there; see
 *                  tt_rint_f32 in tt_support.h.
 *  TT_HAS_MVE      the M-profile vector extension (Helium, Armv8.1-M).
 *  TT_HAS_MVE_FP   MVE with floating point (__ARM_FEATURE_MVE bit 1, e.g.
 *                  -mcpu=cortex-m55): the Helium kernels (internal/tt_mve.h)
 *                  need it, as their requantization is f32 vector arithmetic.
 *                  -DTT_NO_MVE=1 sets both MVE macros to 0 (the portable
 *                  kernels alone: the scalar Cortex-M55 build, for comparison).
 *  TT_FAST_PATHS   the specialised kernels and inline assembly are used
 *                  (0 under TT_NAIVE_KERNELS, which keeps the plain reference
 *                  loops for measuring what the fast paths save).
 *
 * FPv5 is known from the ACLE macro __ARM_FEATURE_DIRECTED_ROUNDING, clang's
 * __ARM_FPV5__, a double-precision FPU (__ARM_FP bit 3: on M-profile only FPv5
 * has one) or Armv8-M. gcc predefines nothing that tells a single-precision
 * FPv5 (Cortex-M7, -mfpu=fpv5-sp-d16) from FPv4 (Cortex-M4F,
 * -mfpu=fpv4-sp-d16): there the project's target, the Cortex-M7, is assumed,
 * and a Cortex-M4F build passes -DTT_FPU_FPV4=1 (without it the assembler
 * rejects VRINTX: a build error, never a silent library call). clang needs no
 * flag (no __ARM_FPV5__ means FPv4).
 */
#ifndef TT_FEATURES_H
#define TT_FEATURES_H

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#define TT_HAS_DSP 1
#else
#define TT_HAS_DSP 0
#endif

#if defined(__arm__) && defined(__ARM_FP) && (__ARM_FP & 4) && !defined(__SOFTFP__)
#define TT_HAS_FPU 1
#else
#define TT_HAS_FPU 0
#endif

#if !TT_HAS_FPU || (defined(TT_FPU_FPV4) && TT_FPU_FPV4)
#define TT_HAS_VRINTX 0
#elif defined(__ARM_FEATURE_DIRECTED_ROUNDING) || defined(__ARM_FPV5__) || (__ARM_FP & 8) || __ARM_ARCH >= 8
#define TT_HAS_VRINTX 1
#elif defined(__clang__)
#define TT_HAS_VRINTX 0 /* clang names FPv5: this is FPv4 */
#else
#define TT_HAS_VRINTX 1 /* gcc, FPv4 or FPv5-SP: the Cortex-M7 (see above) */
#endif

#if defined(TT_NO_MVE) && TT_NO_MVE
#define TT_HAS_MVE 0
#define TT_HAS_MVE_FP 0
#elif defined(__ARM_FEATURE_MVE) && __ARM_FEATURE_MVE
#define TT_HAS_MVE 1
#define TT_HAS_MVE_FP ((__ARM_FEATURE_MVE & 2) != 0)
#else
#define TT_HAS_MVE 0
#define TT_HAS_MVE_FP 0
#endif

#ifdef TT_NAIVE_KERNELS
#define TT_FAST_PATHS 0
#else
#define TT_FAST_PATHS 1
#endif

#endif /* TT_FEATURES_H */
