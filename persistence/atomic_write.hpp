// Replacing a small file of a data directory atomically and durably.
#pragma once

#include <string>
#include <string_view>

#include <moss/status.hpp>

#include "persistence/file.hpp"

namespace moss {

/// Writes `bytes` to "<dir>/<name>.tmp", syncs it, renames it over
/// "<dir>/<name>" and syncs the directory: afterwards the file holds either
/// its old or its new content, also after a crash.
status write_file_atomically(file_system& fs, const std::string& dir, std::string_view name,
                             std::string_view bytes);

} // namespace moss
