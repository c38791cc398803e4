// RUN: not %tt-opt %s -p 'mem-check-overlaps' 2>&1 | %filecheck %s

// An add's clamp mask on the bytes of its result.
mem.arena @arena size 16 align 4 space sram
func.func @results(%a: tensor<1x8x!qtrain.qi8<0.5, 0>>) -> tensor<1x8x!qtrain.qi8<0.5, 0>> {
  %in = mem.view @arena[0] : !mem.buffer<8, 4, sram>
  %out = mem.view @arena[8] : !mem.buffer<8, 4, sram>
  %mask = mem.view @arena[12] : !mem.buffer<4, 4, sram>
  mem.store %a, %in : tensor<1x8x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 4, sram>
  %0 = mem.load %in : !mem.buffer<8, 4, sram> -> tensor<1x8x!qtrain.qi8<0.5, 0>>
  %y, %m = qtrain.add %0, %0 : (tensor<1x8x!qtrain.qi8<0.5, 0>>, tensor<1x8x!qtrain.qi8<0.5, 0>>) -> (tensor<1x8x!qtrain.qi8<0.5, 0>>, tensor<1x8xi1>)
  mem.store %y, %out : tensor<1x8x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 4, sram>
  mem.store %m, %mask : tensor<1x8xi1>, !mem.buffer<4, 4, sram>
  %1 = mem.load %out : !mem.buffer<8, 4, sram> -> tensor<1x8x!qtrain.qi8<0.5, 0>>
  func.return %1 : tensor<1x8x!qtrain.qi8<0.5, 0>>
}
// CHECK: mem-check-overlaps: @results: qtrain.add: results 0 and 1 overlap in the arena
