/*
 * QEMU TCG plugin: counts the guest instructions executed and prints
 *     tt-insns: <count>
 * when QEMU exits (through qemu_plugin_outs, i.e. QEMU's log: run with
 * `-d plugin -D <file>`, or give the plugin `outfile=<path>`).
 *
 * Arguments (`-plugin insn_count.so,mode=insn,outfile=/tmp/count`):
 *   mode=insn  (default) an inline counter increment before every guest
 *              instruction: exact, including when an exception (a fault, the
 *              semihosting trap) leaves a translation block early.
 *   mode=tb    one inline add of the block's length when a translation block
 *              starts: cheaper, but a block left early by an exception is
 *              counted in full, so the total may be a few instructions high.
 *
 * The counter is a plain uint64_t updated by inline TCG ops, which is exact for
 * the single-vCPU machines this project uses (mps2-an386, mps2-an500, mps2-an505, mps3-an547).
 *
 * Debian ships no qemu-plugin.h, so the few declarations needed are written
 * out below, for the plugin API version 1 that QEMU 7.2 (Debian 12) accepts.
 * Later QEMUs replaced the *_exec_inline calls with *_per_vcpu variants; QEMU
 * refuses to load a plugin whose declared version it does not support, so a
 * mismatch is a clear load error ("Could not load plugin"), not a wrong count.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- The subset of QEMU's plugin API (version 1) that this plugin uses. ---- */
#define TT_EXPORT __attribute__((visibility("default")))

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t; /* only passed through */
struct qemu_plugin_tb;
struct qemu_plugin_insn;

enum qemu_plugin_op {
    QEMU_PLUGIN_INLINE_ADD_U64,
};

typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t index);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op, void *ptr,
                                              uint64_t imm);
void qemu_plugin_register_vcpu_insn_exec_inline(struct qemu_plugin_insn *insn, enum qemu_plugin_op op, void *ptr,
                                                uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

TT_EXPORT int qemu_plugin_version = 1;
TT_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv);
/* ---- end of the API subset ---- */

static uint64_t executed_instructions;
static bool per_instruction = true;
static char output_path[4096];

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    const size_t count = qemu_plugin_tb_n_insns(tb);
    if (per_instruction) {
        for (size_t i = 0; i < count; ++i) {
            qemu_plugin_register_vcpu_insn_exec_inline(qemu_plugin_tb_get_insn(tb, i), QEMU_PLUGIN_INLINE_ADD_U64,
                                                       &executed_instructions, 1);
        }
    } else {
        qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &executed_instructions, count);
    }
}

static void report_count(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    char line[64];
    snprintf(line, sizeof line, "tt-insns: %" PRIu64 "\n", executed_instructions);
    if (output_path[0] != '\0') {
        FILE *file = fopen(output_path, "w");
        if (file != NULL) {
            fputs(line, file);
            fclose(file);
            return;
        }
        fprintf(stderr, "insn_count: cannot write %s\n", output_path);
    }
    qemu_plugin_outs(line);
}

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; ++i) {
        const char *arg = argv[i];
        if (strcmp(arg, "mode=insn") == 0) {
            per_instruction = true;
        } else if (strcmp(arg, "mode=tb") == 0) {
            per_instruction = false;
        } else if (strncmp(arg, "outfile=", 8) == 0 && strlen(arg + 8) < sizeof output_path) {
            strcpy(output_path, arg + 8);
        } else {
            fprintf(stderr, "insn_count: unknown argument '%s' (mode=insn|tb, outfile=<path>)\n", arg);
            return -1;
        }
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, report_count, NULL);
    return 0;
}
