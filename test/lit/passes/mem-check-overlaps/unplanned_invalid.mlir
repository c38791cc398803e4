// RUN: not %tt-opt %s -p 'mem-check-overlaps' 2>&1 | %filecheck %s

// Before mem-plan there are no offsets to check.
func.func @unplanned(%a: tensor<1x8x!qtrain.qi8<0.5, 0>>) {
  %in = mem.alloc lifetime [0, 0] role "input" : !mem.buffer<8, 4, sram>
  mem.store %a, %in : tensor<1x8x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 4, sram>
  func.return
}
// CHECK: mem-check-overlaps: @unplanned has unplanned mem.alloc buffers (run mem-plan first)
