// RUN: %tt-opt %s --split-input-file -p 'mem-plan{function=f algorithm=best-fit}' --verify-diagnostics | %filecheck %s --check-prefix=ALGORITHM
// RUN: %tt-opt %s --split-input-file -p 'mem-plan{function=f}' --verify-diagnostics | %filecheck %s
// RUN: %tt-opt %s --split-input-file -p 'mem-plan' --verify-diagnostics | %filecheck %s --check-prefix=MISSING

// ALGORITHM: mem-plan: unknown algorithm 'best-fit' (expected one of greedy-by-size, greedy-by-conflicts, optimal)
// MISSING: mem-plan: no function @train_step in the module

// Nothing to plan before convert-qtrain-to-mem.
func.func @f(%x: tensor<4xi8>) -> tensor<4xi8> {
  func.return %x : tensor<4xi8>
}
// CHECK: mem-plan: @f has no mem.alloc (run convert-qtrain-to-mem first)

// -----

// A function that was planned already has no allocs left.
mem.arena @arena size 16 align 4 space sram
func.func @f() {
  %a = mem.view @arena[0] lifetime [0, 1] : !mem.buffer<16, 4, sram>
  func.return
}
// CHECK: mem-plan: @f has no mem.alloc (run convert-qtrain-to-mem first)
