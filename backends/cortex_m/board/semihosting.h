/*
 * Minimal ARM semihosting for the Cortex-M board support: text output to the
 * host's stdout, host files, and a program exit with a status, without newlib's
 * stdio.
 * Under QEMU this needs `-semihosting-config enable=on,target=native`; on a
 * real board it needs an attached debugger (without one BKPT hard-faults).
 */
#ifndef TT_SEMIHOSTING_H
#define TT_SEMIHOSTING_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit statuses the board code itself produces (main's own status passes through). */
#define TT_EXIT_FAULT_BASE 240 /* + exception number: 242 NMI, 243 HardFault, ... 246 UsageFault */
#define TT_EXIT_UNEXPECTED_IRQ 255

void tt_print_str(const char *text);
void tt_print_char(char c);
void tt_print_int(int32_t value);
void tt_print_uint(uint32_t value);
void tt_print_hex(uint32_t value); /* 0x%08x */
/* A float as a decimal with `decimals` places, for people to read (the last digit
 * may be off by one; print the bits with tt_print_hex for exact comparisons). */
void tt_print_float(float value, int decimals);

/* Host files (SYS_OPEN, SYS_READ, SYS_WRITE, SYS_CLOSE). QEMU opens a relative
 * path in its own working directory. Modes are ISO C fopen modes by number. */
#define TT_FILE_READ 1  /* "rb" */
#define TT_FILE_WRITE 5 /* "wb": created or truncated */
#define TT_FILE_UPDATE 3        /* "r+b": read and write an existing file */
#define TT_FILE_CREATE_UPDATE 7 /* "w+b": read and write, created or truncated */
/* A handle, or -1 when the file cannot be opened. */
int32_t tt_file_open(const char *path, int32_t mode);
/* The bytes transferred (fewer than asked at the end of the file), or -1 on an error. */
int32_t tt_file_read(int32_t handle, void *buffer, uint32_t bytes);
int32_t tt_file_write(int32_t handle, const void *buffer, uint32_t bytes);
/* 0, or -1 on an error. */
int32_t tt_file_close(int32_t handle);
/* Moves to an absolute byte position (SYS_SEEK): 0, or -1 on an error. */
int32_t tt_file_seek(int32_t handle, uint32_t position);

/* Ends the program: the host process (QEMU) exits with `status` & 0xff. */
void tt_exit(int status) __attribute__((noreturn));

/* True when the last character written was a newline (or nothing was written). */
int tt_output_at_line_start(void);

/* Bytes of stack ever used since reset (from the pattern painted by the startup code). */
uint32_t tt_stack_high_water(void);
/* Size of the stack region reserved by the linker script (TT_STACK_SIZE). */
uint32_t tt_stack_size(void);

#ifdef __cplusplus
}
#endif

#endif /* TT_SEMIHOSTING_H */
