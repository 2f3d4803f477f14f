// Fault injection: the wrapped file checks the shared fault state before each
// append and sync, and records synced sizes so a power cut can be simulated.
#include "persistence/fault_injection_file_system.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

namespace moss {

struct fault_injection_file_system::state {
  std::mutex mutex;
  int write_error = 0;  // 0 = none
  fault_mode write_mode = fault_mode::once;
  int sync_error = 0;
  fault_mode sync_mode = fault_mode::once;
  bool byte_budget_armed = false;
  uint64_t byte_budget = 0;
  int budget_error = 0;
  uint64_t write_calls = 0;
  uint64_t sync_calls = 0;
  std::chrono::microseconds write_delay{0};
  std::map<std::string, uint64_t> synced_sizes;  // per path written through us
};

namespace {

using state = fault_injection_file_system::state;

class faulty_file final : public writable_file {
public:
  faulty_file(std::unique_ptr<writable_file> base, std::shared_ptr<state> st)
    : base_(std::move(base)), state_(std::move(st)) {}

  status append(std::string_view data) override {
    std::unique_lock lock(state_->mutex);
    if (int err = state_->write_error) {
      if (state_->write_mode == fault_mode::once)
        state_->write_error = 0;
      return errno_status("write to", path(), err);
    }
    if (state_->byte_budget_armed && data.size() > state_->byte_budget) {
      std::string_view head = data.substr(0, state_->byte_budget);
      state_->byte_budget = 0;
      int err = state_->budget_error;
      ++state_->write_calls;
      lock.unlock();
      if (!head.empty()) {
        if (status s = base_->append(head); !s)
          return s;
      }
      return errno_status("write to", path(), err);
    }
    if (state_->byte_budget_armed)
      state_->byte_budget -= data.size();
    ++state_->write_calls;
    auto delay = state_->write_delay;
    lock.unlock();
    if (delay.count() > 0)
      std::this_thread::sleep_for(delay);  // a slow disk
    return base_->append(data);
  }

  status flush() override { return base_->flush(); }

  status sync() override {
    {
      std::lock_guard lock(state_->mutex);
      if (int err = state_->sync_error) {
        if (state_->sync_mode == fault_mode::once)
          state_->sync_error = 0;
        return errno_status("fdatasync of", path(), err);
      }
      ++state_->sync_calls;
    }
    status s = base_->sync();
    if (s) {
      std::lock_guard lock(state_->mutex);
      state_->synced_sizes[path()] = base_->size();
    }
    return s;
  }

  status close() override { return base_->close(); }
  uint64_t size() const override { return base_->size(); }
  const std::string& path() const override { return base_->path(); }

private:
  std::unique_ptr<writable_file> base_;
  std::shared_ptr<state> state_;
};

} // namespace

fault_injection_file_system::fault_injection_file_system(file_system& base)
  : base_(base), state_(std::make_shared<state>()) {}

void fault_injection_file_system::fail_writes(int error_number, fault_mode mode) {
  std::lock_guard lock(state_->mutex);
  state_->write_error = error_number;
  state_->write_mode = mode;
}

void fault_injection_file_system::delay_writes(std::chrono::microseconds delay) {
  std::lock_guard lock(state_->mutex);
  state_->write_delay = delay;
}

void fault_injection_file_system::fail_syncs(int error_number, fault_mode mode) {
  std::lock_guard lock(state_->mutex);
  state_->sync_error = error_number;
  state_->sync_mode = mode;
}

void fault_injection_file_system::fail_after_bytes(uint64_t bytes, int error_number) {
  std::lock_guard lock(state_->mutex);
  state_->byte_budget_armed = true;
  state_->byte_budget = bytes;
  state_->budget_error = error_number;
}

void fault_injection_file_system::heal() {
  std::lock_guard lock(state_->mutex);
  state_->write_error = 0;
  state_->sync_error = 0;
  state_->byte_budget_armed = false;
}

status fault_injection_file_system::drop_unsynced_data() {
  std::map<std::string, uint64_t> sizes;
  {
    std::lock_guard lock(state_->mutex);
    sizes = state_->synced_sizes;
  }
  for (const auto& [path, synced] : sizes) {
    uint64_t size = 0;
    if (status s = base_.file_size(path, size); !s)
      return s;
    if (size > synced) {
      if (status s = base_.truncate(path, synced); !s)
        return s;
    }
  }
  return status::ok();
}

uint64_t fault_injection_file_system::write_calls() const {
  std::lock_guard lock(state_->mutex);
  return state_->write_calls;
}

uint64_t fault_injection_file_system::sync_calls() const {
  std::lock_guard lock(state_->mutex);
  return state_->sync_calls;
}

status fault_injection_file_system::open_writable(const std::string& path, open_mode mode,
                                                  std::unique_ptr<writable_file>& out) {
  std::unique_ptr<writable_file> file;
  if (status s = base_.open_writable(path, mode, file); !s)
    return s;
  {
    std::lock_guard lock(state_->mutex);
    // What was there before counts as durable; truncation counts as lost data
    // only once something is written, so keep the smaller of the two.
    auto [it, inserted] = state_->synced_sizes.try_emplace(path, file->size());
    if (!inserted)
      it->second = std::min(it->second, file->size());
  }
  out = std::make_unique<faulty_file>(std::move(file), state_);
  return status::ok();
}

status fault_injection_file_system::read_file(const std::string& path, std::string& out) {
  return base_.read_file(path, out);
}

status fault_injection_file_system::truncate(const std::string& path, uint64_t size) {
  status s = base_.truncate(path, size);
  if (s) {
    std::lock_guard lock(state_->mutex);
    if (auto it = state_->synced_sizes.find(path); it != state_->synced_sizes.end())
      it->second = std::min(it->second, size);
  }
  return s;
}

status fault_injection_file_system::rename(const std::string& from, const std::string& to) {
  status s = base_.rename(from, to);
  if (s) {
    std::lock_guard lock(state_->mutex);
    state_->synced_sizes.erase(to);
    if (auto node = state_->synced_sizes.extract(from)) {
      node.key() = to;
      state_->synced_sizes.insert(std::move(node));
    }
  }
  return s;
}

status fault_injection_file_system::remove(const std::string& path) {
  status s = base_.remove(path);
  if (s) {
    std::lock_guard lock(state_->mutex);
    state_->synced_sizes.erase(path);
  }
  return s;
}

status fault_injection_file_system::list_dir(const std::string& dir,
                                             std::vector<std::string>& names) {
  return base_.list_dir(dir, names);
}

status fault_injection_file_system::create_dir(const std::string& dir) {
  return base_.create_dir(dir);
}

status fault_injection_file_system::sync_dir(const std::string& dir) {
  return base_.sync_dir(dir);
}

bool fault_injection_file_system::exists(const std::string& path) {
  return base_.exists(path);
}

status fault_injection_file_system::file_size(const std::string& path, uint64_t& size) {
  return base_.file_size(path, size);
}

} // namespace moss
