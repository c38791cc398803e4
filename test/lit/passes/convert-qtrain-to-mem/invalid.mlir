// RUN: %tt-opt %s --split-input-file -p 'convert-qtrain-to-mem{function=f}' --verify-diagnostics | %filecheck %s
// RUN: %tt-opt %s --split-input-file -p 'convert-qtrain-to-mem{function=f alignment=3}' --verify-diagnostics | %filecheck %s --check-prefix=ALIGN
// RUN: %tt-opt %s --split-input-file -p 'convert-qtrain-to-mem' --verify-diagnostics | %filecheck %s --check-prefix=MISSING

// ALIGN: convert-qtrain-to-mem: alignment must be a power of two, got 3
// MISSING: convert-qtrain-to-mem: no function @train_step in the module

// A function that already uses buffers is not lowered twice.
func.func @f(%x: tensor<4xi8>) {
  %b = mem.alloc lifetime [0, 0] : !mem.buffer<4, 4, sram>
  mem.store %x, %b : tensor<4xi8>, !mem.buffer<4, 4, sram>
  func.return
}
// CHECK: convert-qtrain-to-mem: @f already uses mem buffers
