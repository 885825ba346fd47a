// swift-tools-version:6.0
// SDKProbe: a third-party Swift plugin package that depends on the SDK package alone (the tests copy and build it).
import PackageDescription

/// What a plugin author writes: a dynamic library product, and one dependency — the SDK package, by path
/// (or by URL once it is published). The tests copy this folder, point the path at the checkout's
/// RivuletPluginKit, build it with `swift build` and load `libsdk_probe.so` into real topologies.
let package = Package(
    name: "SDKProbe",
    products: [.library(name: "sdk_probe", type: .dynamic, targets: ["SDKProbe"])],
    dependencies: [.package(path: "../../../../RivuletPluginKit")],
    targets: [
        .target(name: "SDKProbe", dependencies: [.product(name: "RivuletPluginKit", package: "RivuletPluginKit")])
    ]
)
