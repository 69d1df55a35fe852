// undertake — what every public header shares: the versioned namespace of the C++ API.
//
// Everything the C++ API declares lives in `undertake::v1`, an inline namespace (as fmt's
// `fmt::v11`): hosts write `undertake::Engine`, while the linker sees `undertake::v1::Engine`. When
// a release changes the layout or the meaning of a type, the next version moves to `v2`, so a host
// built against one version and linked against another fails at link time instead of corrupting
// memory at run time. The C API (undertake.h) has no namespace and keeps its own ABI guarantees.
#pragma once

/// The ABI version of the C++ API: the name of the inline namespace.
#define UNDERTAKE_ABI_VERSION 1

// clang-format off
#define UNDERTAKE_BEGIN_NAMESPACE namespace undertake { inline namespace v1 {
#define UNDERTAKE_END_NAMESPACE } }
// clang-format on
