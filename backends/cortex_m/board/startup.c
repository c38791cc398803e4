/*
 * Reset and fault handling for every Cortex-M board (board.ld.in), ARMv7-M
 * (Cortex-M4, M7) and ARMv8-M (Cortex-M33, M55; built with TT_ARMV8M=1 from the
 * target record's profile; these run in the Secure state, as they boot).
 *
 * Reset: enable the FPU (and MVE), point VTOR at the vector table, copy .data, zero .bss, paint the unused stack with a
 * pattern (tt_stack_high_water reads it back), run constructors, call main,
 * report the stack high-water mark, and exit through semihosting with main's
 * return value. A fault prints what happened and exits with
 * TT_EXIT_FAULT_BASE + the exception number, so a crash can never look like
 * success.
 */
#include <stdint.h>

#include "semihosting.h"

#if defined(TT_ARMV8M) && !defined(__ARM_ARCH_8M_MAIN__) && !defined(__ARM_ARCH_8_1M_MAIN__)
#error "TT_ARMV8M is set but the compiler does not target ARMv8-M Mainline"
#endif
#if !defined(TT_ARMV8M) && !defined(__ARM_ARCH_7EM__)
#error "an ARMv7E-M build (no TT_ARMV8M) needs an ARMv7E-M compiler target"
#endif

#define STACK_PAINT 0xc5a5c5a5u

/* Symbols of the linker script. */
extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _sstack[], _estack[];
extern void (*__preinit_array_start[])(void), (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void), (*__init_array_end[])(void);

int main(void);

/* newlib references these from code the linker may keep; -nostartfiles drops crti's. */
void _init(void) {}
void _fini(void) {}

/* System control block registers (ARMv7-M ARM B3.2; the same addresses on ARMv8-M). */
#define SCB_CCR (*(volatile uint32_t *)0xE000ED14u)
#define SCB_SHCSR (*(volatile uint32_t *)0xE000ED24u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)

static uint32_t *read_sp(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* The lowest 32 bytes of the stack region are a guard, so a stack overflow
 * faults at once instead of running into .bss: on ARMv7-M the MPU makes them
 * inaccessible; on ARMv8-M the main stack limit (MSPLIM) sits above them, and
 * moving SP below it is a UsageFault (STKOF). (A frame bigger than the guard can step over it without touching it;
 * the fault then comes later, or the high-water mark shows the whole stack.)
 * Painting and the high-water scan start above the guard. */
#define STACK_GUARD_BYTES 32u
#define STACK_GUARD_WORDS (STACK_GUARD_BYTES / 4u)

/* Kept out of line so that its frame sits below the painted words it writes. */
__attribute__((noinline)) static void paint_stack(uint32_t *limit)
{
    for (uint32_t *word = _sstack + STACK_GUARD_WORDS; word < limit; ++word) {
        *word = STACK_PAINT;
    }
}

uint32_t tt_stack_size(void)
{
    return (uint32_t)((uintptr_t)_estack - (uintptr_t)_sstack) - STACK_GUARD_BYTES;
}

uint32_t tt_stack_high_water(void)
{
    const uint32_t *word = _sstack + STACK_GUARD_WORDS;
    /* Four words a step: the scan crosses the whole unused stack on every run. */
    while (word + 4 <= _estack && (word[0] & word[1] & word[2] & word[3]) == STACK_PAINT &&
           (word[0] | word[1] | word[2] | word[3]) == STACK_PAINT) {
        word += 4;
    }
    while (word < _estack && *word == STACK_PAINT) {
        ++word;
    }
    return (uint32_t)((uintptr_t)_estack - (uintptr_t)word);
}

#ifdef TT_ARMV8M
/* ARMv8-M: the stack limit register (ARMv8-M ARM, B3.5): an instruction that
 * would move SP below it faults (UsageFault, UFSR.STKOF) instead. */
static void enable_stack_guard(void)
{
    __asm__ volatile("msr msplim, %0\n\tisb" : : "r"(_sstack + STACK_GUARD_WORDS) : "memory");
}
#else
/* MPU (PMSAv7, ARMv7-M ARM B3.5): region 0 = the stack guard, no access, never
 * executable; everything else keeps the default memory map (PRIVDEFENA). */
#define MPU_RBAR (*(volatile uint32_t *)0xE000ED9Cu)
#define MPU_RASR (*(volatile uint32_t *)0xE000EDA0u)
#define MPU_CTRL (*(volatile uint32_t *)0xE000ED94u)

static void enable_stack_guard(void)
{
    /* RBAR: address | VALID | region 0. RASR: XN, AP=000 (no access), SIZE=log2(32)-1=4, ENABLE. */
    MPU_RBAR = (uint32_t)(uintptr_t)_sstack | (1u << 4) | 0u;
    MPU_RASR = (1u << 28) | (4u << 1) | 1u;
    MPU_CTRL = (1u << 2) | 1u; /* PRIVDEFENA | ENABLE */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
}
#endif

static void report_stack(void)
{
    if (!tt_output_at_line_start()) {
        tt_print_char('\n');
    }
    /* Parsed (and removed from the program's output) by backends/cortex_m/qemu.py. */
    tt_print_str("tt-stack-bytes: ");
    tt_print_uint(tt_stack_high_water());
    tt_print_str(" of ");
    tt_print_uint(tt_stack_size());
    tt_print_char('\n');
}

/* Runs after the FPU is on, so the compiler may use FP registers freely here. */
__attribute__((noreturn, used)) void tt_reset_c(void)
{
    const uint32_t *source = _sidata;
    for (uint32_t *destination = _sdata; destination < _edata;) {
        *destination++ = *source++;
    }
    for (uint32_t *destination = _sbss; destination < _ebss;) {
        *destination++ = 0u;
    }
    /* Paint what lies below the current frame, leaving 64 bytes for paint_stack's own. */
    paint_stack(read_sp() - 16);

    /* Integer division by zero traps (a UsageFault) instead of silently giving 0,
     * and the configurable faults report themselves instead of escalating. */
    SCB_CCR |= 1u << 4;                                /* DIV_0_TRP */
    SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18); /* MEMFAULTENA, BUSFAULTENA, USGFAULTENA */
#ifdef TT_ARMV8M
    SCB_SHCSR |= 1u << 19; /* SECUREFAULTENA */
#endif
    enable_stack_guard();

    for (void (**constructor)(void) = __preinit_array_start; constructor < __preinit_array_end; ++constructor) {
        (*constructor)();
    }
    for (void (**constructor)(void) = __init_array_start; constructor < __init_array_end; ++constructor) {
        (*constructor)();
    }

    const int status = main();
    report_stack();
    tt_exit(status);
}

/* Naked: no compiler-generated code may touch an FP register before CPACR
 * grants access, or the first one would fault (NOCP UsageFault). VTOR: the
 * table in flash, also on boards that boot from a table elsewhere (tt_boot_table). */
__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    __asm__ volatile(
        "ldr r0, =0xE000ED88\n" /* CPACR */
        "ldr r1, [r0]\n"
        "orr r1, r1, #(0xf << 20)\n" /* CP10 and CP11 (the FPU, and MVE): full access */
        "str r1, [r0]\n"
        "ldr r0, =0xE000ED08\n" /* VTOR */
        "ldr r1, =tt_vector_table\n"
        "str r1, [r0]\n"
        "dsb\n"
        "isb\n"
        "b tt_reset_c\n"
        ".ltorg\n");
}

/* The frame the core pushed on exception entry (ARMv7-M ARM, B1.5.6). */
struct exception_frame {
    uint32_t r0, r1, r2, r3, r12, lr, pc, xpsr;
};

static const char *exception_name(uint32_t number)
{
    switch (number) {
    case 2: return "NMI";
    case 3: return "HardFault";
    case 4: return "MemManage";
    case 5: return "BusFault";
    case 6: return "UsageFault";
    case 7: return "SecureFault";
    case 11: return "SVCall";
    case 12: return "DebugMonitor";
    case 14: return "PendSV";
    case 15: return "SysTick";
    default: return "interrupt";
    }
}

static int frame_readable(const struct exception_frame *frame)
{
    const uintptr_t address = (uintptr_t)frame;
    return address >= (uintptr_t)(_sstack + STACK_GUARD_WORDS) &&
           address + sizeof *frame <= (uintptr_t)_estack;
}

__attribute__((noreturn, used)) void tt_fault_report(const struct exception_frame *frame)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    const uint32_t number = ipsr & 0x1ffu;
    const uint32_t cfsr = SCB_CFSR;
    const uint32_t mmfar = SCB_MMFAR;
    /* MSTKERR: the core could not push the exception frame; STKOF (ARMv8-M): SP went
     * below MSPLIM; or a data access hit the guard. */
    const int mmfar_valid = (cfsr & (1u << 7)) != 0;
    const uintptr_t guard = (uintptr_t)_sstack;
    const int stack_overflow = (cfsr & (1u << 4)) != 0 || (cfsr & (1u << 20)) != 0 ||
                               (mmfar_valid && mmfar >= guard && mmfar < guard + STACK_GUARD_BYTES) ||
                               !frame_readable(frame);
    if (!tt_output_at_line_start()) {
        tt_print_char('\n');
    }
    tt_print_str("tt-fault: ");
    tt_print_str(exception_name(number));
    if (stack_overflow) {
        tt_print_str(" (stack overflow: more than TT_STACK_SIZE bytes of stack)");
    }
    if (frame_readable(frame)) {
        tt_print_str(" pc=");
        tt_print_hex(frame->pc);
        tt_print_str(" lr=");
        tt_print_hex(frame->lr);
    }
    tt_print_str(" cfsr=");
    tt_print_hex(cfsr);
    tt_print_str(" hfsr=");
    tt_print_hex(SCB_HFSR);
    tt_print_str(" mmfar=");
    tt_print_hex(mmfar);
    tt_print_str(" bfar=");
    tt_print_hex(SCB_BFAR);
    tt_print_str(" sp=");
    tt_print_hex((uint32_t)(uintptr_t)frame);
    tt_print_char('\n');
    tt_exit(number >= 2 && number <= 15 ? TT_EXIT_FAULT_BASE + (int)number : TT_EXIT_UNEXPECTED_IRQ);
}

/* Hands the stacked frame (main or process stack, from EXC_RETURN bit 2) to the
 * reporter, which never returns. After a stack overflow the stack pointer sits
 * at the guard, so the reporter then runs from the top of SRAM instead (the
 * program is over; its outer frames are no longer needed). */
__attribute__((naked, noreturn)) void tt_fault_entry(void)
{
    __asm__ volatile(
        "tst lr, #4\n"
        "ite eq\n"
        "mrseq r0, msp\n"
        "mrsne r0, psp\n"
        "ldr r1, =_sstack\n"
        "add r1, r1, #512\n" /* the guard plus room for the reporter's frames */
        "cmp sp, r1\n"
        "bhs 1f\n"
        "ldr r1, =_estack\n"
        "mov sp, r1\n"
        "1:\n"
        "b tt_fault_report\n"
        ".ltorg\n");
}

typedef void (*vector_t)(void);

/* The 16 system vectors. External interrupts stay disabled in the NVIC, so the
 * table stops there; a handler that is not ours lands on the fault reporter. */
__attribute__((section(".isr_vector"), used, aligned(128))) const vector_t tt_vector_table[16] = {
    (vector_t)(uintptr_t)_estack, /* initial main stack pointer */
    Reset_Handler,
    tt_fault_entry, /* NMI */
    tt_fault_entry, /* HardFault */
    tt_fault_entry, /* MemManage */
    tt_fault_entry, /* BusFault */
    tt_fault_entry, /* UsageFault */
    tt_fault_entry, /* SecureFault (ARMv8-M; reserved on ARMv7-M) */
    0, 0, 0,        /* reserved */
    tt_fault_entry, /* SVCall */
    tt_fault_entry, /* DebugMonitor */
    0,              /* reserved */
    tt_fault_entry, /* PendSV */
    tt_fault_entry, /* SysTick */
};

/* The boot table of boards whose core fetches the initial SP and reset vector
 * outside flash (Board.boot_origin: board.ld.in places it there, or discards it). */
__attribute__((section(".tt_boot"), used)) static const vector_t tt_boot_table[2] = {
    (vector_t)(uintptr_t)_estack,
    Reset_Handler,
};
