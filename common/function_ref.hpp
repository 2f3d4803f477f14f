// A non-owning reference to a callable, for visitors that must not allocate
// (std::function_ref arrives only in C++26).
#pragma once

#include <memory>
#include <type_traits>
#include <utility>

namespace moss {

template <class Signature>
class function_ref;

template <class R, class... Args>
class function_ref<R(Args...)> {
public:
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, function_ref>
             && std::is_invocable_r_v<R, F&, Args...>)
  function_ref(F&& f) noexcept  // NOLINT: implicit on purpose, like std::function
    : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
      call_([](void* obj, Args... args) -> R {
        return (*static_cast<std::remove_reference_t<F>*>(obj))(std::forward<Args>(args)...);
      }) {
  }

  R operator()(Args... args) const { return call_(obj_, std::forward<Args>(args)...); }

private:
  void* obj_;
  R (*call_)(void*, Args...);
};

} // namespace moss
