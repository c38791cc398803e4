// RUN: %tt-opt %s --allow-unregistered-dialect -p 'mem-plan{function=f algorithm=greedy-by-size report="-"}' -o /dev/null 2>&1 | %filecheck %s

// The memory report as a table on stderr: three buffers, the first two conflict (steps 0-1
// and 1-2), the third (steps 3-3) conflicts with nothing. Greedy-by-size: %0 (64 B) at 0,
// %1 (32 B) after it at 64, %2 (16 B) at 0. Lower bound 96 B at step 1.

// CHECK:      memory plan for @f: 3 buffers, 4 steps
// CHECK-NEXT: algorithm greedy-by-size (greedy, {{[0-9.]+}} s)
// CHECK-NEXT: arena 96 B, lower bound 96 B, ratio 1.0000, gap to best bound 0.00% (optimal)
// CHECK-NEXT: peak at step 1 (test.step1):
// CHECK-NEXT:   inputs                       0 B
// CHECK-NEXT:   activations                 64 B
// CHECK-NEXT:   saved activations            0 B
// CHECK-NEXT:   clamp masks                  0 B
// CHECK-NEXT:   gradients                   32 B
// CHECK-NEXT:   scratch                      0 B
// CHECK-NEXT:   arena unused here            0 B (fragmentation)
// CHECK-NEXT:   trainable weights            0 B (SRAM, outside the arena)
// CHECK-NEXT:   total                       96 B
// CHECK-EMPTY:
// CHECK-NEXT:  buffer role           bytes   offset      end  steps      first writer
// CHECK-NEXT: ---
// CHECK-NEXT:      %0 activation        64        0       64  0-1        test.step0
// CHECK-NEXT:      %1 gradient          32       64       96  1-2        test.step1
// CHECK-NEXT:      %2 scratch           16        0       16  3-3        test.step3

func.func @f() {
  %a = mem.alloc lifetime [0, 1] : !mem.buffer<64, 4, sram>
  %b = mem.alloc lifetime [1, 2] role "gradient" : !mem.buffer<32, 4, sram>
  %c = mem.alloc lifetime [3, 3] role "scratch" : !mem.buffer<16, 16, sram>
  "test.step0"() : () -> ()
  "test.step1"() : () -> ()
  "test.step2"() : () -> ()
  "test.step3"() : () -> ()
  func.return
}
