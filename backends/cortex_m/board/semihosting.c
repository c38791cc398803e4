/*
 * ARM semihosting through BKPT 0xAB (the M-profile trap). Output is buffered
 * per line so that a long report costs few traps, and flushed before exit.
 * Host files: SYS_OPEN / SYS_READ / SYS_WRITE / SYS_CLOSE (QEMU resolves a
 * relative path against its own working directory).
 */
#include "semihosting.h"

enum {
    SYS_OPEN = 0x01,
    SYS_CLOSE = 0x02,
    SYS_WRITE0 = 0x04,
    SYS_WRITE = 0x05,
    SYS_READ = 0x06,
    SYS_SEEK = 0x0A,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_STOPPED_APPLICATION_EXIT = 0x20026,
};

static int32_t semihost_call(int32_t operation, const void *argument)
{
    register int32_t r0 __asm__("r0") = operation;
    register const void *r1 __asm__("r1") = argument;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* One line (or 127 characters) at a time, NUL-terminated for SYS_WRITE0. */
static char line_buffer[128];
static size_t line_length;
static int at_line_start = 1;

static void flush_line(void)
{
    if (line_length == 0) {
        return;
    }
    line_buffer[line_length] = '\0';
    semihost_call(SYS_WRITE0, line_buffer);
    line_length = 0;
}

void tt_print_char(char c)
{
    /* SYS_WRITE0 stops at a NUL, so a NUL cannot be written; drop it. */
    if (c == '\0') {
        return;
    }
    line_buffer[line_length++] = c;
    at_line_start = (c == '\n');
    if (c == '\n' || line_length == sizeof line_buffer - 1) {
        flush_line();
    }
}

void tt_print_str(const char *text)
{
    while (*text != '\0') {
        tt_print_char(*text++);
    }
}

void tt_print_uint(uint32_t value)
{
    char digits[10];
    int count = 0;
    do {
        digits[count++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0u);
    while (count > 0) {
        tt_print_char(digits[--count]);
    }
}

void tt_print_int(int32_t value)
{
    if (value < 0) {
        tt_print_char('-');
        /* Negate in unsigned arithmetic: -INT32_MIN does not fit an int32. */
        tt_print_uint(0u - (uint32_t)value);
    } else {
        tt_print_uint((uint32_t)value);
    }
}

void tt_print_hex(uint32_t value)
{
    static const char hex_digits[] = "0123456789abcdef";
    tt_print_str("0x");
    for (int shift = 28; shift >= 0; shift -= 4) {
        tt_print_char(hex_digits[(value >> shift) & 0xfu]);
    }
}

void tt_print_float(float value, int decimals)
{
    /* Single precision only: double arithmetic would pull in soft-float code. */
    if (value != value) {
        tt_print_str("nan");
        return;
    }
    if (value < 0.0f) {
        tt_print_char('-');
        value = -value;
    }
    if (value >= 4294967296.0f) {
        tt_print_str("inf");
        return;
    }
    uint32_t whole = (uint32_t)value;
    float fraction = value - (float)whole; /* exact: both share the exponent range */
    uint32_t digits = 0u;
    uint32_t scale = 1u;
    for (int i = 0; i < decimals && i < 9; ++i) {
        fraction *= 10.0f;
        const uint32_t digit = (uint32_t)fraction;
        fraction -= (float)digit;
        digits = digits * 10u + digit;
        scale *= 10u;
    }
    if (fraction >= 0.5f) { /* round the last digit, carrying into the whole part */
        digits += 1u;
        if (digits == scale) {
            digits = 0u;
            whole += 1u;
        }
    }
    tt_print_uint(whole);
    if (scale > 1u) {
        tt_print_char('.');
        for (uint32_t place = scale / 10u; place > 0u; place /= 10u) {
            tt_print_char((char)('0' + digits / place % 10u));
        }
    }
}

int tt_output_at_line_start(void)
{
    return at_line_start;
}

int32_t tt_file_open(const char *path, int32_t mode)
{
    uint32_t length = 0u;
    while (path[length] != '\0') {
        ++length;
    }
    const uint32_t block[3] = {(uint32_t)(uintptr_t)path, (uint32_t)mode, length};
    return semihost_call(SYS_OPEN, block); /* a handle, or -1 */
}

int32_t tt_file_read(int32_t handle, void *buffer, uint32_t bytes)
{
    const uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buffer, bytes};
    const int32_t unread = semihost_call(SYS_READ, block); /* bytes not read, or -1 */
    if (unread < 0 || (uint32_t)unread > bytes) {
        return -1;
    }
    return (int32_t)(bytes - (uint32_t)unread);
}

int32_t tt_file_write(int32_t handle, const void *buffer, uint32_t bytes)
{
    const uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)buffer, bytes};
    const int32_t unwritten = semihost_call(SYS_WRITE, block); /* bytes not written */
    if (unwritten < 0 || (uint32_t)unwritten > bytes) {
        return -1;
    }
    return (int32_t)(bytes - (uint32_t)unwritten);
}

int32_t tt_file_close(int32_t handle)
{
    const uint32_t block[1] = {(uint32_t)handle};
    return semihost_call(SYS_CLOSE, block);
}

int32_t tt_file_seek(int32_t handle, uint32_t position)
{
    const uint32_t block[2] = {(uint32_t)handle, position};
    return semihost_call(SYS_SEEK, block) == 0 ? 0 : -1;
}

void tt_exit(int status)
{
    flush_line();
    /* SYS_EXIT_EXTENDED carries the status on AArch32 too (plain SYS_EXIT only says ok/failed). */
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
    for (;;) {
        semihost_call(SYS_EXIT_EXTENDED, block);
    }
}
