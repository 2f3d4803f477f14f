// A file system that wraps another and fails on request: writes with ENOSPC or
// EIO, syncs with EIO, short writes after a byte budget, slow writes, and loss
// of unsynced data.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "persistence/file.hpp"

namespace moss {

/// Whether an injected fault fires once or until heal().
enum class fault_mode : uint8_t { once, always };

/// Wraps `base`; every call passes through unless a fault is armed. Thread-safe:
/// a test may arm faults while another thread writes.
class fault_injection_file_system final : public file_system {
public:
  explicit fault_injection_file_system(file_system& base);

  /// The next (or every) append fails with `error_number` (ENOSPC, EIO, ...)
  /// without writing anything.
  void fail_writes(int error_number, fault_mode mode = fault_mode::once);

  /// Every append takes `delay` longer (a slow disk); 0 ends it.
  void delay_writes(std::chrono::microseconds delay);

  /// The next (or every) sync fails with `error_number`.
  void fail_syncs(int error_number = EIO, fault_mode mode = fault_mode::once);

  /// Appends pass for `bytes` more bytes in total; the append that crosses the
  /// budget writes only up to it and fails, as do all later appends (a full disk).
  void fail_after_bytes(uint64_t bytes, int error_number = ENOSPC);

  /// Disarms every fault.
  void heal();

  /// Simulates a power cut: cuts every file written through this file system
  /// back to its size at its last successful sync (or at open).
  status drop_unsynced_data();

  /// Appends that reached the base file system (successful or short).
  uint64_t write_calls() const;
  /// Syncs that reached the base file system.
  uint64_t sync_calls() const;

  status open_writable(const std::string& path, open_mode mode,
                       std::unique_ptr<writable_file>& out) override;
  status read_file(const std::string& path, std::string& out) override;
  status truncate(const std::string& path, uint64_t size) override;
  status rename(const std::string& from, const std::string& to) override;
  status remove(const std::string& path) override;
  status list_dir(const std::string& dir, std::vector<std::string>& names) override;
  status create_dir(const std::string& dir) override;
  status sync_dir(const std::string& dir) override;
  bool exists(const std::string& path) override;
  status file_size(const std::string& path, uint64_t& size) override;

  /// The fault settings and counters, shared with the files this opened.
  struct state;

private:
  file_system& base_;
  std::shared_ptr<state> state_;
};

} // namespace moss
