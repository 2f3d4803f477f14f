// A workaround for CAF 0.17's TLS sessions: one failed handshake dropped
// every other TLS connection served by the same thread.
//
// OpenSSL keeps an error queue per thread, and SSL_get_error() reports
// SSL_ERROR_SSL whenever that queue is not empty, whichever session the
// error came from. caf::openssl::session never empties it: after a peer
// sends bytes that are no TLS handshake (a port scan, a plain CAF peer), the
// next SSL_read on a healthy session of the multiplexer's thread that finds
// no data yet is taken for a failure, and that connection is closed. A peer
// could so disconnect every authenticated peer of mossd without a
// certificate. tls_error_queue.cpp defines SSL_accept, SSL_connect, SSL_read
// and SSL_write; the dynamic linker binds libcaf_openssl's calls to them, and
// each clears the thread's queue before calling OpenSSL's own (as OpenSSL's
// manual asks of every caller). They stand in for OpenSSL's in the whole
// process, which is harmless for any other caller of them.
#pragma once

namespace moss {

/// True once the workaround is bound in front of OpenSSL (the first TLS
/// call went through it). Calling it also links the workaround into a
/// program that takes mossdb as a static library.
bool tls_error_queue_guarded() noexcept;

} // namespace moss
