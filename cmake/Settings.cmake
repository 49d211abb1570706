# Two INTERFACE targets every recssh target links PRIVATE: policy lives here, once.
add_library(recssh_settings INTERFACE)
target_include_directories(recssh_settings INTERFACE ${PROJECT_SOURCE_DIR})
target_compile_definitions(recssh_settings INTERFACE
  RECSSH_VERSION="${PROJECT_VERSION}"
  $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
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
