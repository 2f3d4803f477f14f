// The quick start: open an embedded store, set, get, delete and print, as the
// Go MossDB's README example does; then a prefix scan and a transaction.
#include <iostream>

#include <moss/db.hpp>

int main() {
  auto db = moss::db::open({});
  if (!db) {
    std::cerr << "open failed: " << db.error().to_string() << "\n";
    return 1;
  }
  if (auto st = db->set("key1", "val1"); !st) {
    std::cerr << "set failed: " << st.to_string() << "\n";
    return 1;
  }
  auto v = db->get("key1");
  std::cout << "get key1 -> " << (v && *v ? **v : std::string{"(none)"}) << "\n";

  auto existed = db->del("key1");
  std::cout << "del key1 -> " << (existed && *existed ? "deleted" : "missing") << "\n";
  v = db->get("key1");
  std::cout << "get key1 -> " << (v && *v ? **v : std::string{"(none)"}) << "\n";

  for (auto name : {"app/a", "app/b", "other"})
    (void) db->set(name, std::string{"value of "} + name);
  if (auto scan = db->scan_prefix("app/"))
    for (const auto& e : scan->entries)
      std::cout << "scan app/ -> " << e.key << " = " << e.value << " (rev " << e.meta.mod_rev << ")\n";

  // Compare-and-swap: replace app/a only if it still holds its old value.
  moss::txn_request cas;
  cas.compares.push_back(moss::compare::value_is("app/a", "value of app/a"));
  cas.success.push_back(moss::txn_op::put("app/a", "swapped"));
  if (auto r = db->txn(cas))
    std::cout << "cas app/a -> " << (r->succeeded ? "swapped" : "unchanged") << " at revision "
              << r->rev << "\n";
  return db->close() ? 0 : 1;
}
