# Cortex-M7 board support: startup code, semihosting, linker script, and the
# helper that links a program for it. Included from the top-level
# CMakeLists.txt; does nothing in a host build.
#
#   cmake -S . -B build/m7 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake
#   cmake -S . -B build/m7-clang -DCMAKE_TOOLCHAIN_FILE=cmake/clang-thumbv7em.cmake
#
# Options (cache variables):
#   TT_STACK_SIZE  stack reservation in bytes at the top of SRAM (default:
#                  the linker script's 16 KB)

if(NOT CMAKE_CROSSCOMPILING)
  return()
endif()

# Only the Cortex-M compilers this project supports: arm-none-eabi-gcc, or
# clang targeting thumbv7em (cmake/clang-thumbv7em.cmake).
set(_tt_is_arm_gcc FALSE)
set(_tt_is_thumb_clang FALSE)
if(CMAKE_C_COMPILER_ID STREQUAL "GNU" AND CMAKE_C_COMPILER MATCHES "arm-none-eabi-gcc")
  set(_tt_is_arm_gcc TRUE)
elseif(CMAKE_C_COMPILER_ID MATCHES "Clang" AND CMAKE_C_COMPILER_TARGET MATCHES "^thumbv7em")
  set(_tt_is_thumb_clang TRUE)
endif()
if(NOT _tt_is_arm_gcc AND NOT _tt_is_thumb_clang)
  message(STATUS "tiny-training: ${CMAKE_C_COMPILER} is not a Cortex-M7 compiler; no board targets")
  return()
endif()

set(TT_BOARD_DIR ${CMAKE_CURRENT_LIST_DIR}/board)
set(TT_BOARD_LINKER_SCRIPT ${TT_BOARD_DIR}/mps2_an500.ld)
set(TT_STACK_SIZE "" CACHE STRING "Stack bytes reserved at the top of SRAM (empty: 16 KB)")

add_library(tt_board STATIC ${TT_BOARD_DIR}/startup_m7.c ${TT_BOARD_DIR}/semihosting.c)
target_include_directories(tt_board PUBLIC ${TT_BOARD_DIR})

# tt_add_m7_executable(<name> SOURCES <c files>... [LIBRARIES <targets>...] [STACK_SIZE <bytes>])
#
# Links <name>.elf for the board with the runtime, the board support and
# newlib's libc/libm, garbage-collects unused sections, writes <name>.map, and
# (GNU ld) prints the flash/SRAM use. Overflowing flash or SRAM fails the link.
function(tt_add_m7_executable name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "STACK_SIZE" "SOURCES;LIBRARIES")
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "tt_add_m7_executable(${name}): SOURCES is required")
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

tt_add_m7_executable(tt_board_smoke SOURCES ${TT_BOARD_DIR}/smoke.c)

# Further programs, for tools and tests that compile C files outside the
# source tree (backends/armv7em/qemu.py: cross_build(programs=...)):
#   -DTT_M7_PROGRAMS="name=a.c,b.c;other=c.c"
set(TT_M7_PROGRAMS "" CACHE STRING "Extra Cortex-M7 programs: name=source[,source...];...")
foreach(_tt_entry IN LISTS TT_M7_PROGRAMS)
  string(FIND "${_tt_entry}" "=" _tt_equals)
  if(_tt_equals LESS 1)
    message(FATAL_ERROR "TT_M7_PROGRAMS: '${_tt_entry}' is not name=source[,source...]")
  endif()
  string(SUBSTRING "${_tt_entry}" 0 ${_tt_equals} _tt_name)
  math(EXPR _tt_start "${_tt_equals} + 1")
  string(SUBSTRING "${_tt_entry}" ${_tt_start} -1 _tt_sources)
  string(REPLACE "," ";" _tt_sources "${_tt_sources}")
  tt_add_m7_executable(${_tt_name} SOURCES ${_tt_sources})
endforeach()
