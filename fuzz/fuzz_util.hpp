// Helpers shared by the fuzz targets: a scratch directory per process and
// writing fuzz bytes into a file of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

namespace moss::fuzz {

/// A directory of this process's own, emptied on each call.
inline const std::string& scratch_dir() {
  static const std::string dir = [] {
    std::string d = (std::filesystem::temp_directory_path() / ("moss-fuzz-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

inline void clear_scratch() {
  for (const auto& e : std::filesystem::directory_iterator(scratch_dir()))
    std::filesystem::remove_all(e.path());
}

/// Writes `bytes` to `<scratch>/<name>`; returns the path.
inline std::string put_file(std::string_view name, std::string_view bytes) {
  std::string path = scratch_dir() + "/" + std::string{name};
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

inline std::string_view as_view(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Aborts (a finding) when `ok` is false.
inline void require(bool ok) {
  if (!ok)
    std::abort();
}

} // namespace moss::fuzz
