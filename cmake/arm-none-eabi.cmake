# Cortex-M with Debian's arm-none-eabi-gcc and newlib, for any target of
# backends/targets.py: the CPU flags come from the cache variable TT_CPU_FLAGS,
# which Python passes from the target record (Board.cmake_definitions()).
# Without it: the default target, cortex-m7 (the flags below mirror its record).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
if(NOT TT_CPU_FLAGS)
  set(TT_CPU_FLAGS "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16")
endif()
# The compiler checks (try_compile) run this file again in a fresh project.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES TT_CPU_FLAGS)
set(CMAKE_C_FLAGS_INIT "${TT_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${TT_CPU_FLAGS} -Wl,--gc-sections")
