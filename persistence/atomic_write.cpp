// Write to a temporary name, sync, rename into place, sync the directory.
#include "persistence/atomic_write.hpp"

#include <memory>

#include "persistence/file_names.hpp"

namespace moss {

status write_file_atomically(file_system& fs, const std::string& dir, std::string_view name,
                             std::string_view bytes) {
  std::string path = join_path(dir, name);
  std::string temp = temp_file_name(path);
  std::unique_ptr<writable_file> file;
  status s = fs.open_writable(temp, open_mode::truncate, file);
  if (s.is_ok())
    s = file->append(bytes);
  if (s.is_ok())
    s = file->sync();
  if (s.is_ok())
    s = file->close();
  if (s.is_ok())
    s = fs.rename(temp, path);
  if (!s.is_ok()) {
    if (file)
      (void) fs.remove(temp);  // best effort; a leftover is ignored on read
    return s;
  }
  return fs.sync_dir(dir);
}

} // namespace moss
