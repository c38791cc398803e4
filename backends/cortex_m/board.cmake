# Cortex-M board support: startup code, semihosting, the board's linker script,
# and the helper that links a program for it. Included from the top-level
# CMakeLists.txt (and from generated model projects); does nothing in a host build.
#
# The target and board come from backends/targets.py as cache variables
# (Board.cmake_definitions(); backends/cortex_m/qemu.py and project.py pass them):
#   TT_TARGET, TT_BOARD, TT_CPU_FLAGS, TT_CLANG_TRIPLE, TT_ARCH_PROFILE,
#   TT_FLASH_ORIGIN, TT_FLASH_SIZE, TT_SRAM_ORIGIN, TT_SRAM_SIZE (bytes),
#   TT_DEFAULT_STACK_SIZE, TT_BOOT_ORIGIN (empty: the core boots from the flash origin)
# Without them: the default board, stm32f746 (Cortex-M7); the defaults below
# mirror its record (test_targets.py checks that they agree).
#
#   cmake -S . -B build/m7 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake
#   cmake -S . -B build/m7-clang -DCMAKE_TOOLCHAIN_FILE=cmake/clang-arm-none-eabi.cmake
#
# Other options (cache variables):
#   TT_STACK_SIZE  stack reservation in bytes at the top of SRAM (default:
#                  the board's, TT_DEFAULT_STACK_SIZE)
#   TT_NO_MVE      ON: the runtime without its Helium kernels (-DTT_NO_MVE=1,
#                  runtime/src/internal/tt_features.h), the scalar Cortex-M55
#                  build; no effect on cores without MVE

if(NOT CMAKE_CROSSCOMPILING)
  return()
endif()

# Only the Cortex-M compilers this project supports: arm-none-eabi-gcc, or
# clang targeting a thumb triple (cmake/clang-arm-none-eabi.cmake).
set(_tt_is_arm_gcc FALSE)
set(_tt_is_thumb_clang FALSE)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU" AND CMAKE_C_COMPILER MATCHES "arm-none-eabi-gcc")
  set(_tt_is_arm_gcc TRUE)
elseif(CMAKE_C_COMPILER_ID MATCHES "Clang" AND CMAKE_C_COMPILER_TARGET MATCHES "^thumbv")
  set(_tt_is_thumb_clang TRUE)
endif()
if(NOT _tt_is_arm_gcc AND NOT _tt_is_thumb_clang)
  message(STATUS "tiny-training: ${CMAKE_C_COMPILER} is not a Cortex-M compiler; no board targets")
  return()
endif()

set(TT_TARGET "cortex-m7" CACHE STRING "Target (backends/targets.py)")
set(TT_BOARD "stm32f746" CACHE STRING "Board (backends/targets.py)")
set(TT_ARCH_PROFILE "armv7-m" CACHE STRING "Architecture profile: armv7-m or armv8-m")
set(TT_FLASH_ORIGIN "0x00000000" CACHE STRING "Flash origin")
set(TT_FLASH_SIZE "1048576" CACHE STRING "Flash budget in bytes")
set(TT_SRAM_ORIGIN "0x20000000" CACHE STRING "SRAM origin")
set(TT_SRAM_SIZE "327680" CACHE STRING "SRAM budget in bytes")
set(TT_DEFAULT_STACK_SIZE "16384" CACHE STRING "The board's stack reservation in bytes")
set(TT_BOOT_ORIGIN "" CACHE STRING "Boot table address when not the flash origin (empty: none)")
set(TT_STACK_SIZE "" CACHE STRING "Stack bytes reserved at the top of SRAM (empty: the board's)")
option(TT_NO_MVE "Build the runtime without its Helium (MVE) kernels" OFF)
if(TT_NO_MVE)
  # PUBLIC: programs that include the runtime's internal headers see the same features.
  target_compile_definitions(tt_runtime PUBLIC TT_NO_MVE=1)
endif()

if(NOT TT_ARCH_PROFILE MATCHES "^armv[78]-m$")
  message(FATAL_ERROR "TT_ARCH_PROFILE: '${TT_ARCH_PROFILE}' is not armv7-m or armv8-m")
endif()

# "1 MB", "320 KB", "1000 B": the budgets in the linker's words.
function(_tt_size_words bytes out)
  math(EXPR kib "${bytes} / 1024")
  math(EXPR mib "${bytes} / 1048576")
  math(EXPR kib_bytes "${kib} * 1024")
  math(EXPR mib_bytes "${mib} * 1048576")
  if(bytes GREATER 0 AND bytes EQUAL mib_bytes)
    set(${out} "${mib} MB" PARENT_SCOPE)
  elseif(bytes EQUAL kib_bytes)
    set(${out} "${kib} KB" PARENT_SCOPE)
  else()
    set(${out} "${bytes} B" PARENT_SCOPE)
  endif()
endfunction()
_tt_size_words(${TT_FLASH_SIZE} TT_FLASH_BUDGET)
_tt_size_words(${TT_SRAM_SIZE} TT_SRAM_BUDGET)
string(MAKE_C_IDENTIFIER "${TT_BOARD}" TT_BOARD_SYMBOL)

# A boot table outside flash (the initial SP and reset vector where the core fetches
# them at reset; startup.c's tt_boot_table): an 8-byte region and its section.
if(TT_BOOT_ORIGIN STREQUAL "")
  set(TT_LD_BOOT_REGION "")
  set(TT_LD_BOOT_SECTION "    /DISCARD/ : { *(.tt_boot) } /* this board boots from .isr_vector */\n")
else()
  set(TT_LD_BOOT_REGION "    BOOT  (rx)  : ORIGIN = ${TT_BOOT_ORIGIN}, LENGTH = 8\n")
  set(TT_LD_BOOT_SECTION "    /* The core boots from here; Reset_Handler then points VTOR at .isr_vector. */\n    .tt_boot : { KEEP(*(.tt_boot)) } > BOOT\n")
endif()

set(TT_BOARD_DIR ${CMAKE_CURRENT_LIST_DIR}/board)
set(TT_BOARD_LINKER_SCRIPT ${CMAKE_BINARY_DIR}/tt_board_${TT_BOARD_SYMBOL}.ld)
configure_file(${TT_BOARD_DIR}/board.ld.in ${TT_BOARD_LINKER_SCRIPT} @ONLY)

add_library(tt_board STATIC ${TT_BOARD_DIR}/startup.c ${TT_BOARD_DIR}/semihosting.c)
target_include_directories(tt_board PUBLIC ${TT_BOARD_DIR})
if(TT_ARCH_PROFILE STREQUAL "armv8-m")
  target_compile_definitions(tt_board PRIVATE TT_ARMV8M=1)
endif()

# tt_add_board_executable(<name> SOURCES <c files>... [LIBRARIES <targets>...] [STACK_SIZE <bytes>])
#
# Links <name>.elf for the board with the runtime, the board support and
# newlib's libc/libm, garbage-collects unused sections, writes <name>.map, and
# (GNU ld) prints the flash/SRAM use. Overflowing flash or SRAM fails the link.
function(tt_add_board_executable name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "STACK_SIZE" "SOURCES;LIBRARIES")
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "tt_add_board_executable(${name}): SOURCES is required")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${TT_BOARD_LINKER_SCRIPT})
  # m last: rintf and friends come from newlib's libm.
  target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} tt_runtime tt_board m)
  target_link_options(${name} PRIVATE
    -T${TT_BOARD_LINKER_SCRIPT}
    # The startup object lives in an archive that nothing else references.
    -Wl,--undefined=Reset_Handler
    -Wl,--gc-sections
    -Wl,-Map=$<TARGET_FILE_DIR:${name}>/${name}.map)
  if(_tt_is_arm_gcc)
    # (clang's bare-metal driver adds no start files; lld 14 cannot print the usage.)
    target_link_options(${name} PRIVATE -nostartfiles -Wl,--print-memory-usage)
  endif()
  set(stack_size "${ARG_STACK_SIZE}")
  if(stack_size STREQUAL "")
    set(stack_size "${TT_STACK_SIZE}")
  endif()
  if(NOT stack_size STREQUAL "")
    target_link_options(${name} PRIVATE -Wl,--defsym=TT_STACK_SIZE=${stack_size})
  endif()
endfunction()

tt_add_board_executable(tt_board_smoke SOURCES ${TT_BOARD_DIR}/smoke.c)

# Further programs, for tools and tests that compile C files outside the
# source tree (backends/cortex_m/qemu.py: cross_build(programs=...)):
#   -DTT_BOARD_PROGRAMS="name=a.c,b.c;other=c.c"
set(TT_BOARD_PROGRAMS "" CACHE STRING "Extra board programs: name=source[,source...];...")
foreach(_tt_entry IN LISTS TT_BOARD_PROGRAMS)
  string(FIND "${_tt_entry}" "=" _tt_equals)
  if(_tt_equals LESS 1)
    message(FATAL_ERROR "TT_BOARD_PROGRAMS: '${_tt_entry}' is not name=source[,source...]")
  endif()
  string(SUBSTRING "${_tt_entry}" 0 ${_tt_equals} _tt_name)
  math(EXPR _tt_start "${_tt_equals} + 1")
  string(SUBSTRING "${_tt_entry}" ${_tt_start} -1 _tt_sources)
  string(REPLACE "," ";" _tt_sources "${_tt_sources}")
  tt_add_board_executable(${_tt_name} SOURCES ${_tt_sources})
endforeach()
