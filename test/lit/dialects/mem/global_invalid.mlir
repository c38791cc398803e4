// RUN: %tt-opt %s --split-input-file --verify-diagnostics | %filecheck %s

// Constant data stays in flash.
mem.global @w align 4 space sram = dense<[1, 2]> : tensor<2xi8>
// CHECK: {{^}}mem.global @w: constant data stays in flash, got space sram{{$}}

// -----

// The alignment is a power of two.
mem.global @w align 6 space flash = dense<[1, 2]> : tensor<2xi8>
// CHECK: {{^}}mem.global @w: alignment must be a power of two, got 6{{$}}

// -----

mem.global @w align 0 space flash = dense<[1, 2]> : tensor<2xi8>
// CHECK: {{^}}mem.global @w: alignment must be a power of two, got 0{{$}}

// -----

// The value is a tensor (a dense vector is a DenseIntOrFPElementsAttr too) ...
mem.global @w align 4 space flash = dense<[1, 2]> : vector<2xi8>
// CHECK: {{^}}mem.global @w: value must be a tensor, got vector<2xi8>{{$}}

// -----

// ... and not empty: a buffer holds at least one byte.
mem.global @w align 4 space flash = dense<> : tensor<0xi8>
// CHECK: {{^}}mem.global @w: data must not be empty, got tensor<0xi8>{{$}}

// -----

mem.global @w align 4 space flash = dense<> : tensor<3x0xf32>
// CHECK: {{^}}mem.global @w: data must not be empty, got tensor<3x0xf32>{{$}}

// -----

// Globals live at module level (HasParent(ModuleOp)).
func.func @f() {
  mem.global @w align 4 space flash = dense<[1, 2]> : tensor<2xi8>
  func.return
}
// CHECK: {{^}}'mem.global' expects parent op 'builtin.module'{{$}}

// -----

// Global names are symbols: a name can be defined only once.
mem.global @w align 4 space flash = dense<[1, 2]> : tensor<2xi8>
mem.arena @w size 1024 align 16 space sram
// CHECK: {{^}}Redefinition of symbol "w"{{$}}
