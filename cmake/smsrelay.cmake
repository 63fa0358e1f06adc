# Helpers shared by every folder's CMakeLists.txt.

# add_subdirectory(dir) when dir has a CMakeLists.txt itself, else add every
# direct subfolder that has one (alphabetical order).
function(smsrelay_add_subdirs dir)
  set(abs ${CMAKE_CURRENT_SOURCE_DIR}/${dir})
  if(EXISTS ${abs}/CMakeLists.txt)
    add_subdirectory(${dir})
    return()
  endif()
  file(GLOB children RELATIVE ${abs} ${abs}/*)
  list(SORT children)
  foreach(child ${children})
    if(IS_DIRECTORY ${abs}/${child} AND EXISTS ${abs}/${child}/CMakeLists.txt)
      add_subdirectory(${dir}/${child})
    endif()
  endforeach()
endfunction()

# smsrelay_add_test(NAME SOURCES a.c b.c LIBS x y [LABELS l] [TIMEOUT s])
# A cmocka test program registered with ctest (label "unit" by default).
function(smsrelay_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE ${T_LIBS} PkgConfig::CMOCKA)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/common)
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_LABELS)
    set(T_LABELS unit)
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 60)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
endfunction()

# smsrelay_add_fuzzer(NAME SOURCES f.c LIBS x SEEDS dir [SECONDS n] [DICT file])
# Built only with SMSRELAY_FUZZ. ctest runs it briefly over its seed corpus;
# new inputs go to a build folder, never into the source tree.
function(smsrelay_add_fuzzer name)
  cmake_parse_arguments(F "" "SEEDS;SECONDS;DICT" "SOURCES;LIBS" ${ARGN})
  if(NOT SMSRELAY_FUZZ)
    return()
  endif()
  add_executable(${name} ${F_SOURCES})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  if(NOT F_SECONDS)
    set(F_SECONDS 10)
  endif()
  set(corpus ${CMAKE_BINARY_DIR}/fuzz-corpus/${name})
  file(MAKE_DIRECTORY ${corpus})
  set(extra)
  if(F_DICT)
    list(APPEND extra -dict=${F_DICT})
  endif()
  add_test(NAME ${name}
           COMMAND ${name} -max_total_time=${F_SECONDS} -timeout=10 -rss_limit_mb=1024
                   -print_final_stats=1 ${extra} ${corpus} ${F_SEEDS})
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT 300)
endfunction()

# smsrelay_add_bench(NAME SOURCES b.c LIBS x): a program that prints figures.
# Not a ctest test: benchmarks never assert on time.
function(smsrelay_add_bench name)
  cmake_parse_arguments(B "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${B_SOURCES})
  target_link_libraries(${name} PRIVATE ${B_LIBS})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests/common)
endfunction()
