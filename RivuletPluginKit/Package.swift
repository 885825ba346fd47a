// swift-tools-version:6.0
// RivuletPluginKit: the plugin SDK of Rivulet — the C ABI header (CRivulet) and the Swift SDK — with no dependencies.
import PackageDescription

/// What a plugin depends on, and nothing else: a third-party plugin package that depends on this one
/// resolves no other package (see docs/SWIFT-SDK.md). The main Rivulet package uses it by path.
let package = Package(
    name: "RivuletPluginKit",
    products: [
        // The Swift SDK: write operators, aggregates and functions as Swift types.
        .library(name: "RivuletPluginKit", targets: ["RivuletPluginKit"]),
        // The stable C ABI, include/rivulet.h, as a Clang module (for the host, and for C targets).
        .library(name: "CRivulet", targets: ["CRivulet"]),
    ],
    targets: [
        // Sources/CRivulet/include/rivulet.h is the header itself; the repository's include/rivulet.h links to it.
        .target(name: "CRivulet"),
        .target(name: "RivuletPluginKit", dependencies: ["CRivulet"]),
    ]
)
