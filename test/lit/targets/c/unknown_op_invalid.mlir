// RUN: not %tt-opt %s -t c 2>&1 | %filecheck %s

// An op without a C kernel is named in the error.

mem.arena @arena size 16 align 4 space sram
func.func @main() -> i32 {
  %0 = arith.constant 7 : i32
  func.return %0 : i32
}

// CHECK: tt-opt: error: c target: no C code for op 'arith.constant' (in @main)
