// RUN: not %tt-opt %s -p 'mem-check-overlaps' 2>&1 | %filecheck %s

// The first add's result is stored only after the second add ran.
mem.arena @arena size 32 align 4 space sram
func.func @late(%a: tensor<1x8x!qtrain.qi8<0.5, 0>>) -> tensor<1x8x!qtrain.qi8<0.5, 0>> {
  %in = mem.view @arena[0] : !mem.buffer<8, 4, sram>
  %t = mem.view @arena[8] : !mem.buffer<8, 4, sram>
  %out = mem.view @arena[16] : !mem.buffer<8, 4, sram>
  mem.store %a, %in : tensor<1x8x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 4, sram>
  %0 = mem.load %in : !mem.buffer<8, 4, sram> -> tensor<1x8x!qtrain.qi8<0.5, 0>>
  %y = qtrain.add %0, %0 : (tensor<1x8x!qtrain.qi8<0.5, 0>>, tensor<1x8x!qtrain.qi8<0.5, 0>>) -> tensor<1x8x!qtrain.qi8<0.5, 0>>
  %z = qtrain.add %0, %0 : (tensor<1x8x!qtrain.qi8<0.5, 0>>, tensor<1x8x!qtrain.qi8<0.5, 0>>) -> tensor<1x8x!qtrain.qi8<0.5, 0>>
  mem.store %y, %t : tensor<1x8x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 4, sram>
  mem.store %z, %out : tensor<1x8x!qtrain.qi8<0.5, 0>>, !mem.buffer<8, 4, sram>
  %1 = mem.load %out : !mem.buffer<8, 4, sram> -> tensor<1x8x!qtrain.qi8<0.5, 0>>
  func.return %1 : tensor<1x8x!qtrain.qi8<0.5, 0>>
}
// CHECK: mem-check-overlaps: @late: qtrain.add: a result is stored after another compute op; the C target needs each result stored right after its op (as convert-qtrain-to-mem emits it)
