// Writes the fuzz targets' seed corpora from real artifacts: a store's log
// segments, snapshot and manifest (made by running a store), the commit
// payloads inside the segments, whole directories for recovery, serialized
// public requests, shell lines and config files.
//
//   make_fuzz_corpus OUT_DIR      (scripts/fuzz.sh runs it into fuzz/corpus)
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/binary_serializer.hpp>

#include <moss/db.hpp>

#include "actors/spawn_store.hpp"
#include "persistence/file.hpp"
#include "persistence/log_reader.hpp"

using namespace moss;
namespace fs = std::filesystem;

namespace {

int written = 0;

void put(const fs::path& dir, const std::string& name, std::string_view bytes) {
  fs::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ++written;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

// A store with puts, TTLs, deletes, a batch, a compaction, then more writes.
void make_store(const std::string& dir, bool compact) {
  options o;
  o.dir = dir;
  auto d = db::open(o);
  if (!d)
    return;
  for (int i = 0; i < 20; ++i)
    (void) d->set("user/" + std::to_string(i), std::string(static_cast<size_t>(i), 'v'));
  (void) d->set("session/1", "token", with_ttl(std::chrono::hours(1)));
  (void) d->del("user/3");
  batch b;
  b.set("a", "1").set("b\0x", "bin\xff").del("user/4").del_prefix("user/1");
  (void) d->write(b);
  if (compact)
    (void) d->compact();
  (void) d->set("after", "snapshot");
  txn_request t;
  t.compares.push_back(compare::value_is("a", "1"));
  t.success.push_back(txn_op::put("a", "2"));
  (void) d->txn(t);
}

template <class T>
std::string serialized(caf::actor_system& sys, uint8_t which, const T& x) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  (void) sink(const_cast<T&>(x));
  std::string out(1, static_cast<char>(which));
  out.append(buf.begin(), buf.end());
  return out;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_corpus OUT_DIR\n");
    return 2;
  }
  const fs::path out = argv[1];
  const fs::path work = fs::temp_directory_path() / ("moss-corpus-" + std::to_string(::getpid()));
  fs::remove_all(work);
  std::string snapshot, last_log;
  for (bool compact : {false, true}) {
  fs::remove_all(work);
  make_store(work.string(), compact);
  for (const auto& e : fs::directory_iterator(work)) {
    const std::string name = e.path().filename().string();
    const std::string bytes = slurp(e.path());
    if (name.starts_with("wal-")) {
      put(out / "log_reader_fuzz", (compact ? "compacted-" : "") + name, bytes);
      last_log = bytes;
      (void) scan_log(bytes, name, [&](uint64_t rev, log_format::record_type, std::string_view payload) {
        put(out / "wal_record_fuzz", (compact ? "compacted-" : "") + name + "-" + std::to_string(rev), payload);
        return status::ok();
      });
    } else if (name.starts_with("snap-")) {
      put(out / "snapshot_fuzz", name, bytes);
      snapshot = bytes;
    } else if (name == "MANIFEST") {
      put(out / "manifest_fuzz", compact ? "MANIFEST-compacted" : "MANIFEST", bytes);
    }
  }
  }
  // Recovery: [flags][u32 snapshot length][snapshot][log].
  for (bool with_snap : {false, true}) {
    std::string in(1, with_snap ? '\1' : '\0');
    uint32_t n = with_snap ? static_cast<uint32_t>(snapshot.size()) : 0;
    in.append(reinterpret_cast<const char*>(&n), 4);
    if (with_snap)
      in += snapshot;
    in += last_log;
    put(out / "recovery_fuzz", with_snap ? "snapshot-and-log" : "log-only", in);
  }
  fs::remove_all(work);
  // Requests, as message_fuzz reads them: [which][CAF binary encoding].
  {
    caf::actor_system_config cfg;
    add_moss_types(cfg);
    caf::actor_system sys{cfg};
    txn_request t;
    t.compares.push_back(compare::value_is("a", "1"));
    t.success = {txn_op::put("a", "2", std::chrono::seconds{1}), txn_op::del_prefix("user/")};
    t.failure = {txn_op::get("a")};
    put(out / "message_fuzz", "txn", serialized(sys, 0, t));
    put(out / "message_fuzz", "scan", serialized(sys, 1, scan_request::range("a", "z", 10)));
    call_batch cb;
    cb.calls.push_back({call_kind::get, "a", {}});
    cb.calls.push_back({call_kind::txn, {}, t});
    cb.calls.push_back({call_kind::exists, "b", {}});
    put(out / "message_fuzz", "calls", serialized(sys, 2, cb));
    watch_request w = watch_request::for_range("a", "b");
    w.start_rev = 1;
    w.queue_limit = 3;
    put(out / "message_fuzz", "watch", serialized(sys, 3, w));
    put(out / "message_fuzz", "get", serialized(sys, 4, std::string{"a"}));
    put(out / "message_fuzz", "ack", serialized(sys, 6, uint64_t{1}));
  }
  // Shell lines and config files.
  const char* lines[] = {"set k v", "set \"a b\" \"\\x00\\xff\" ttl 5s", "txn if value(a) = \"1\" then set a 2, del b else get a",
                         "txn if version(k) > 3 and mod(k) < 9 then delprefix user/", "batch set a 1, del b, delprefix c",
                         "scan user/ limit 10 keys", "range a z limit 3", "watch prefix p/ from 3 prev count 2", "get 'x'"};
  int i = 0;
  for (const char* l : lines)
    put(out / "shell_parser_fuzz", "line" + std::to_string(i++), l);
  put(out / "config_fuzz", "full", "# mossd\ndir = /var/lib/moss\nhost = 127.0.0.1\nport = 7821\nfsync = always\nengine = hash\n");
  put(out / "config_fuzz", "tls", "tls-cert = c.pem\ntls-key = k.pem\ntls-ca = ca.pem\nhost = 0.0.0.0\ninsecure-plaintext = no\n");
  std::printf("make_fuzz_corpus: %d seed files in %s\n", written, out.c_str());
  return 0;
}
