# The version shown by --version: the project version (the one place it is set), and
# for a snapshot between releases the commit as well (git describe): 0.1.0+git.f9bfe4c.
# A tagged release (v0.1.0) or a tree without git (a package build) shows 0.1.0.
set(RECSSH_VERSION_TEXT ${PROJECT_VERSION})
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --tags --always --dirty --match v*
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} OUTPUT_VARIABLE recssh_describe
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE recssh_git_rc)
  if(recssh_git_rc EQUAL 0 AND NOT recssh_describe STREQUAL "v${PROJECT_VERSION}")
    string(REGEX REPLACE "^v" "" recssh_describe "${recssh_describe}")
    set(RECSSH_VERSION_TEXT "${PROJECT_VERSION}+git.${recssh_describe}")
  endif()
endif()

# Two INTERFACE targets every recssh target links PRIVATE: policy lives here, once.
add_library(recssh_settings INTERFACE)
target_include_directories(recssh_settings INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_definitions(recssh_settings INTERFACE $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
if(RECSSH_SANITIZE)
  target_compile_options(recssh_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(recssh_settings INTERFACE -fsanitize=address,undefined)
endif()

add_library(recssh_warnings INTERFACE)
target_compile_options(recssh_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough
  $<$<BOOL:${RECSSH_WARNINGS_AS_ERRORS}>:-Werror>)

if(RECSSH_FUZZ)
  # Instrument the libraries for coverage-guided fuzzing; fuzz targets add the driver.
  target_compile_options(recssh_settings INTERFACE
    -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  target_link_options(recssh_settings INTERFACE -fsanitize=address,undefined)
endif()
