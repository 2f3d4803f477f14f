// OpenSSL's four I/O entry points, each called with an empty error queue
// (see tls_error_queue.hpp).
#include "client/tls_error_queue.hpp"

#include <atomic>

#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace moss {

namespace {

std::atomic<bool> guarded{false};

/// OpenSSL's own definition of `name`, the next one after this one.
template <class Fn>
Fn next_definition(const char* name) {
  void* sym = ::dlsym(RTLD_NEXT, name);
  return reinterpret_cast<Fn>(sym);
}

template <class Fn, class... Args>
int call_clean(Fn fn, Args... args) {
  guarded.store(true, std::memory_order_relaxed);
  ERR_clear_error();
  return fn(args...);
}

} // namespace

bool tls_error_queue_guarded() noexcept {
  return guarded.load(std::memory_order_relaxed);
}

} // namespace moss

extern "C" {

int SSL_accept(SSL* ssl) {
  static const auto real = moss::next_definition<int (*)(SSL*)>("SSL_accept");
  return moss::call_clean(real, ssl);
}

int SSL_connect(SSL* ssl) {
  static const auto real = moss::next_definition<int (*)(SSL*)>("SSL_connect");
  return moss::call_clean(real, ssl);
}

int SSL_read(SSL* ssl, void* buf, int num) {
  static const auto real = moss::next_definition<int (*)(SSL*, void*, int)>("SSL_read");
  return moss::call_clean(real, ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  static const auto real = moss::next_definition<int (*)(SSL*, const void*, int)>("SSL_write");
  return moss::call_clean(real, ssl, buf, num);
}

} // extern "C"
