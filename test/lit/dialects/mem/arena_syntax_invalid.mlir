// RUN: %tt-opt %s --split-input-file --parsing-diagnostics | %filecheck %s

// The space is a bare keyword of a known space.
mem.arena @a size 1024 align 16 space dram
// CHECK: mem.arena @a size 1024 align 16 space dram
// CHECK-NEXT: ^^^^
// CHECK-NEXT: {{^ *}}Expected `sram`, or `flash`.{{$}}

// -----

// Size, alignment and space are all required.
mem.arena @a size 1024 space sram
// CHECK: mem.arena @a size 1024 space sram
// CHECK-NEXT: ^^^^^
// CHECK-NEXT: {{^ *}}Expected 'align'{{$}}
