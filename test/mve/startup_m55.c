/*
 * Minimal reset code for QEMU mps3-an547 (Cortex-M55), for the Helium kernel
 * tests only: enable the FPU and MVE (CPACR CP10/CP11: MVE shares the FP
 * enable), copy .data, zero .bss, call main and exit through semihosting with
 * its status. Any fault prints its number and exits with 240 + the number.
 */
#include <stdint.h>

#include "semihosting.h"

extern uint32_t _sidata[], _sdata[], _edata[], _sbss[], _ebss[], _estack[];
int main(void);

void _init(void) {}
void _fini(void) {}

__attribute__((noreturn, used)) void tt_m55_reset_c(void)
{
    const uint32_t *source = _sidata;
    for (uint32_t *d = _sdata; d < _edata;) {
        *d++ = *source++;
    }
    for (uint32_t *d = _sbss; d < _ebss;) {
        *d++ = 0u;
    }
    tt_exit(main());
}

/* Naked: nothing may touch an FP/MVE register before CPACR grants access. */
__attribute__((naked, noreturn)) void Reset_Handler(void)
{
    __asm__ volatile("ldr r0, =0xE000ED88\n" /* CPACR */
                     "ldr r1, [r0]\n"
                     "orr r1, r1, #(0xf << 20)\n"
                     "str r1, [r0]\n"
                     "dsb\n"
                     "isb\n"
                     "b tt_m55_reset_c\n"
                     ".ltorg\n");
}

__attribute__((noreturn, used)) void tt_m55_fault(void)
{
    uint32_t ipsr, pc = 0;
    uint32_t *sp;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
    __asm__ volatile("mrs %0, msp" : "=r"(sp));
    pc = sp[6];
    tt_print_str("\ntt-fault: exception ");
    tt_print_uint(ipsr & 0x1ffu);
    tt_print_str(" pc=");
    tt_print_hex(pc);
    tt_print_str(" cfsr=");
    tt_print_hex(*(volatile uint32_t *)0xE000ED28u);
    tt_print_char('\n');
    tt_exit(240 + (int)(ipsr & 0xfu));
}

typedef void (*vector_t)(void);
__attribute__((section(".isr_vector"), used)) static const vector_t vector_table[16] = {
    (vector_t)(uintptr_t)_estack, Reset_Handler, tt_m55_fault, tt_m55_fault, tt_m55_fault, tt_m55_fault,
    tt_m55_fault, tt_m55_fault, 0, 0, 0, tt_m55_fault, tt_m55_fault, 0, tt_m55_fault, tt_m55_fault,
};
