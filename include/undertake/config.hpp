// undertake — what every public header shares: the versioned namespace of the C++ API and the
// export macro of its shared library.
//
// Everything the C++ API declares lives in `undertake::v1`, an inline namespace (as fmt's
// `fmt::v11`): hosts write `undertake::Engine`, while the linker sees `undertake::v1::Engine`. When
// a release changes the layout or the meaning of a type, the next version moves to `v2`, so a host
// built against one version and linked against another fails at link time instead of corrupting
// memory at run time. The C API (undertake.h) has no namespace and keeps its own ABI guarantees.
#pragma once

/// The ABI version of the C++ API; the inline namespace is `v` followed by it.
#define UNDERTAKE_ABI_VERSION 1

#define UNDERTAKE_ABI_JOIN_(a, b) a##b
#define UNDERTAKE_ABI_JOIN(a, b) UNDERTAKE_ABI_JOIN_(a, b)
// clang-format off
#define UNDERTAKE_BEGIN_NAMESPACE \
  namespace undertake { inline namespace UNDERTAKE_ABI_JOIN(v, UNDERTAKE_ABI_VERSION) {
#define UNDERTAKE_END_NAMESPACE } }
// clang-format on

/// What the shared C++ libraries export (as fmt's FMT_API). Built shared (BUILD_SHARED_LIBS), the
/// libraries compile with hidden visibility, so only what carries UNDERTAKE_API is part of their
/// ABI: every class and every free function a public header declares carries it, and nothing of
/// the engine's inside (undertake::detail, the src/ headers) does. Classes carry it whole (their
/// member functions, vtables and type information: `catch (const undertake::Error&)` and
/// `dynamic_cast` work across the library's boundary). UNDERTAKE_SHARED is a public compile
/// definition of a shared libundertake (the CMake package and undertake-cpp.pc pass it on); built
/// static, UNDERTAKE_API is empty, so a host that links the static library into a shared object of
/// its own does not re-export the engine. ELF visibility only: the libraries are built for Debian.
#if defined(UNDERTAKE_SHARED) && (defined(__GNUC__) || defined(__clang__))
#define UNDERTAKE_API __attribute__((visibility("default")))
#else
#define UNDERTAKE_API
#endif
