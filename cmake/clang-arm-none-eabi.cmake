# Cortex-M with clang and lld, for any target of backends/targets.py: the
# triple and CPU flags come from the cache variables TT_CLANG_TRIPLE and
# TT_CPU_FLAGS, which Python passes from the target record
# (Board.cmake_definitions()). Without them: the default target, cortex-m7.
# clang brings no C library for bare metal, so newlib's headers and the
# matching multilib (libc, libm) and libgcc come from the arm-none-eabi-gcc
# installation; only their locations are taken from it.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER clang)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
if(NOT TT_CLANG_TRIPLE)
  set(TT_CLANG_TRIPLE thumbv7em-none-eabihf)
endif()
if(NOT TT_CPU_FLAGS)
  set(TT_CPU_FLAGS "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16")
endif()
set(CMAKE_C_COMPILER_TARGET ${TT_CLANG_TRIPLE})
# The compiler checks (try_compile) run this file again in a fresh project.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TT_CPU_FLAGS TT_CLANG_TRIPLE)

find_program(TT_ARM_GCC arm-none-eabi-gcc)
if(NOT TT_ARM_GCC)
  message(FATAL_ERROR "clang-arm-none-eabi.cmake needs arm-none-eabi-gcc and newlib for the C library "
                      "(apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)")
endif()
separate_arguments(_tt_cpu_flag_list UNIX_COMMAND "${TT_CPU_FLAGS}")
execute_process(COMMAND ${TT_ARM_GCC} ${_tt_cpu_flag_list} -print-file-name=libc.a
                OUTPUT_VARIABLE _tt_libc OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${TT_ARM_GCC} ${_tt_cpu_flag_list} -print-libgcc-file-name
                OUTPUT_VARIABLE _tt_libgcc OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${TT_ARM_GCC} ${_tt_cpu_flag_list} -print-multi-directory
                OUTPUT_VARIABLE _tt_multilib OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT IS_ABSOLUTE "${_tt_libc}" OR NOT EXISTS "${_tt_libc}")
  message(FATAL_ERROR "newlib for ${TT_CPU_FLAGS} not found (apt-get install libnewlib-arm-none-eabi)")
endif()
get_filename_component(_tt_libc_dir "${_tt_libc}" DIRECTORY)
get_filename_component(_tt_libgcc_dir "${_tt_libgcc}" DIRECTORY)
# <newlib>/lib/<multilib>/libc.a -> <newlib>, whose include/ holds the headers.
string(LENGTH "${_tt_libc_dir}" _tt_length)
string(LENGTH "/lib/${_tt_multilib}" _tt_suffix_length)
math(EXPR _tt_length "${_tt_length} - ${_tt_suffix_length}")
string(SUBSTRING "${_tt_libc_dir}" 0 ${_tt_length} _tt_newlib_root)
if(NOT EXISTS "${_tt_newlib_root}/include/stdlib.h")
  message(FATAL_ERROR "newlib headers not found next to ${_tt_libc} (expected ${_tt_newlib_root}/include)")
endif()
get_filename_component(_tt_newlib_root "${_tt_newlib_root}" REALPATH)
get_filename_component(_tt_libc_dir "${_tt_libc_dir}" REALPATH)
get_filename_component(_tt_libgcc_dir "${_tt_libgcc_dir}" REALPATH)

set(CMAKE_SYSROOT "${_tt_newlib_root}")
set(CMAKE_C_FLAGS_INIT "${TT_CPU_FLAGS} -ffunction-sections -fdata-sections")
# The multilib directories first: <sysroot>/lib holds a libc for another core.
set(CMAKE_EXE_LINKER_FLAGS_INIT
    "${TT_CPU_FLAGS} -fuse-ld=lld --rtlib=libgcc -L${_tt_libc_dir} -L${_tt_libgcc_dir} -Wl,--gc-sections")
