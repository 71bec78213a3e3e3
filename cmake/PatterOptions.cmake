# Warning flags and sanitizers shared by every patter target.

function(patter_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wnon-virtual-dtor)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wshadow=local)
  endif()
  if(PATTER_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
    # GCC 12's flow-based diagnostics misfire on optimised code inlined from libstdc++ and Asio
    # (char_traits copies, Asio's recycling allocator, std::regex), more so with sanitizers.
    # They stay visible as warnings but do not fail the build.
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
      target_compile_options(${target} PRIVATE
        -Wno-error=stringop-overflow -Wno-error=stringop-overread -Wno-error=array-bounds
        -Wno-error=maybe-uninitialized -Wno-error=mismatched-new-delete -Wno-error=restrict)
    endif()
  endif()
endfunction()

if(PATTER_SANITIZE)
  string(REPLACE ";" "," _patter_san "${PATTER_SANITIZE}")
  add_compile_options(-fsanitize=${_patter_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_patter_san})
endif()

# Release builds favour speed of the per-frame audio path.
if(CMAKE_BUILD_TYPE STREQUAL "Release")
  add_compile_options(-O3)
endif()

# Tests: one GoogleTest binary per layer, each test registered with CTest and labelled.
function(patter_add_gtest name)
  cmake_parse_arguments(ARG "" "LABEL" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  patter_target_defaults(${name})
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  gtest_discover_tests(${name}
    PROPERTIES LABELS ${ARG_LABEL}
    DISCOVERY_TIMEOUT 60
    DISCOVERY_MODE PRE_TEST)
endfunction()

# Fuzzing: instrument every library for coverage; only the fuzz executables link libFuzzer.
if(PATTER_BUILD_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
