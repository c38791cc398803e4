// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// An arena holds at least one byte.
mem.arena @a size 0 align 16 space sram
// CHECK: {{^}}mem.arena @a: size must be > 0 bytes, got 0{{$}}

// -----

mem.arena @a size -1024 align 16 space sram
// CHECK: {{^}}mem.arena @a: size must be > 0 bytes, got -1024{{$}}

// -----

// The alignment is a power of two.
mem.arena @a size 1024 align 24 space sram
// CHECK: {{^}}mem.arena @a: alignment must be a power of two, got 24{{$}}

// -----

mem.arena @a size 1024 align 0 space sram
// CHECK: {{^}}mem.arena @a: alignment must be a power of two, got 0{{$}}

// -----

// Flash is read-only at run time: no arena there.
mem.arena @a size 1024 align 16 space flash
// CHECK: {{^}}mem.arena @a: an arena holds run-time buffers and needs writable memory, got space flash (constants in flash are mem.global){{$}}

// -----

// Arenas live at module level (HasParent(ModuleOp)).
func.func @f() {
  mem.arena @a size 1024 align 16 space sram
  func.return
}
// CHECK: {{^}}'mem.arena' expects parent op 'builtin.module'{{$}}

// -----

// Arena names are symbols: a name can be defined only once.
mem.arena @a size 1024 align 16 space sram
mem.arena @a size 2048 align 16 space sram
// CHECK: {{^}}Redefinition of symbol "a"{{$}}
