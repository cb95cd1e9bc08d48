# Our stand-in for ESP-IDF's "early expansion" (the build system v1's first
# pass, tools/cmake/scripts/component_get_requirements.cmake): before any
# target exists, IDF runs each component's CMakeLists.txt in a separate CMake
# process in script mode (`cmake -P`, so project commands such as add_library
# and options such as file(GLOB CONFIGURE_DEPENDS) are refused), with
# ESP_PLATFORM=1 and CMAKE_BUILD_EARLY_EXPANSION=1, and with its component
# commands replaced by versions that only record the requirements and then
# return() out of the component's file.
#
#   cmake -D COMPONENT_DIR=<dir> -D RESULT_FILE=<file> [-D IDF_TARGET=esp32]
#         -D ESP_PLATFORM=1 -P early_expansion.cmake
#
# RESULT_FILE gets one `KEY=value;value` line per recorded argument.
cmake_minimum_required(VERSION 3.16)
cmake_policy(SET CMP0057 NEW)

if(NOT COMPONENT_DIR OR NOT RESULT_FILE)
  message(FATAL_ERROR "usage: cmake -D COMPONENT_DIR=<dir> -D RESULT_FILE=<file> -D ESP_PLATFORM=1 -P early_expansion.cmake")
endif()
set(CMAKE_BUILD_EARLY_EXPANSION 1)
if(NOT IDF_TARGET)
  set(IDF_TARGET esp32)
endif()
# What IDF's version.cmake provides (a 5.x release).
set(IDF_VERSION_MAJOR 5)
set(IDF_VERSION_MINOR 5)
set(IDF_VERSION_PATCH 0)

# Build properties are plain variables in this pass; asking for a generator
# expression is an error there.
function(idf_build_get_property out name)
  cmake_parse_arguments(arg "GENERATOR_EXPRESSION" "" "" ${ARGN})
  if(arg_GENERATOR_EXPRESSION)
    message(FATAL_ERROR "idf_build_get_property(... GENERATOR_EXPRESSION) is not available in the early expansion")
  endif()
  set(${out} "${${name}}" PARENT_SCOPE)
endfunction()

# No other component's properties are known to this stand-in.
function(idf_component_get_property out component name)
  set(${out} "" PARENT_SCOPE)
endfunction()

macro(require_idf_targets)
endmacro()

# The registration commands record and leave the component's file: nothing
# after them runs in this pass (they are macros, so return() leaves the file
# that called them).
macro(idf_component_register)
  cmake_parse_arguments(_ee "WHOLE_ARCHIVE" "KCONFIG;KCONFIG_PROJBUILD"
    "SRCS;SRC_DIRS;EXCLUDE_SRCS;INCLUDE_DIRS;PRIV_INCLUDE_DIRS;LDFRAGMENTS;REQUIRES;PRIV_REQUIRES;REQUIRED_IDF_TARGETS;EMBED_FILES;EMBED_TXTFILES"
    ${ARGN})
  set(_ee_registered 1)
  return()
endmacro()

macro(register_component)
  set(_ee_REQUIRES "${COMPONENT_REQUIRES}")
  set(_ee_PRIV_REQUIRES "${COMPONENT_PRIV_REQUIRES}")
  set(_ee_SRCS "${COMPONENT_SRCS}")
  set(_ee_INCLUDE_DIRS "${COMPONENT_ADD_INCLUDEDIRS}")
  set(_ee_registered 1)
  return()
endmacro()

macro(register_config_only_component)
  register_component()
endmacro()

# IDF's utilities.cmake is loaded in this pass too; of it, the list helper
# is given for real and the rest as names that do nothing here.
function(spaces2list var)
  string(REPLACE " " ";" tmp "${${var}}")
  set(${var} "${tmp}" PARENT_SCOPE)
endfunction()
foreach(_ee_cmd set_default lines2list move_if_different target_add_binary_data
    file_append_line target_linker_script make_json_list add_prefix
    fail_at_build_time fail_target check_exclusive_args add_cxx_compile_options
    add_c_compile_options add_asm_compile_options add_prebuilt_library
    file_generate add_subdirectory_if_exists add_deprecated_target_alias)
  cmake_language(EVAL CODE "function(${_ee_cmd})\nendfunction()")
endforeach()

# A function, as in IDF: the component's variables stay in its scope.
function(_ee_expand)
  get_filename_component(COMPONENT_DIR "${COMPONENT_DIR}" ABSOLUTE)
  get_filename_component(COMPONENT_NAME "${COMPONENT_DIR}" NAME)
  set(COMPONENT_PATH "${COMPONENT_DIR}")
  set(_ee_registered 0)
  if(NOT EXISTS "${COMPONENT_DIR}/CMakeLists.txt")
    message(FATAL_ERROR "${COMPONENT_DIR} has no CMakeLists.txt")
  endif()
  include("${COMPONENT_DIR}/CMakeLists.txt")
  set(out "REGISTERED=${_ee_registered}\nNAME=${COMPONENT_NAME}\nDIR=${COMPONENT_DIR}\n")
  foreach(key SRCS SRC_DIRS INCLUDE_DIRS PRIV_INCLUDE_DIRS REQUIRES PRIV_REQUIRES KCONFIG KCONFIG_PROJBUILD EMBED_FILES EMBED_TXTFILES)
    set(v "${_ee_${key}}")
    if(key MATCHES "REQUIRES|INCLUDE_DIRS")
      spaces2list(v)
    endif()
    string(APPEND out "${key}=${v}\n")
  endforeach()
  file(WRITE "${RESULT_FILE}" "${out}")
endfunction()

_ee_expand()
