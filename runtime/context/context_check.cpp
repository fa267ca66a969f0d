// context: compile-time check that the declarations in context.h match
// Boost.Context's fcontext entry points in
// <boost/context/detail/fcontext.hpp>. context.h cannot be included here
// (two extern "C" declarations of one function must agree in C++), so the
// check restates its layout: struct weft_transfer is { void *fctx; void *data; }.
#include <boost/context/detail/fcontext.hpp>

#include <cstddef>
#include <type_traits>

namespace bcd = boost::context::detail;
struct weft_transfer_shape {
  void *fctx;
  void *data;
};
static_assert(sizeof(bcd::transfer_t) == sizeof(weft_transfer_shape), "transfer_t size");
static_assert(offsetof(bcd::transfer_t, fctx) == offsetof(weft_transfer_shape, fctx), "fctx");
static_assert(offsetof(bcd::transfer_t, data) == offsetof(weft_transfer_shape, data), "data");
static_assert(std::is_same<bcd::fcontext_t, void *>::value, "fcontext_t");
static_assert(std::is_same<decltype(&bcd::make_fcontext),
                           bcd::fcontext_t (*)(void *, std::size_t, void (*)(bcd::transfer_t))>::value,
              "make_fcontext");
static_assert(std::is_same<decltype(&bcd::jump_fcontext),
                           bcd::transfer_t (*)(bcd::fcontext_t, void *)>::value,
              "jump_fcontext");
