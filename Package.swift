// swift-tools-version:6.0
//
// inr — a codec that stores an image as a small neural network.
//
// Module graph (arrows point at dependencies):
//
//   inr (CLI) ─► INRConfig ─► INRCodec ─► INRTraining ─► INRNetwork ─► INRCore ─► CBLAS, CCPUID
//                    │             │              │
//                    │             └─► INRMedia ─► CPNG ─► CLibPNG
//                    │                    └─► CFFmpeg (libavformat, libavcodec, libswscale, libavutil)
//                    └─► Yams        INRNetwork ─► INRKernelsAVX512, INRKernelsAVX2 ─► INRCore
//
import PackageDescription

// MARK: - Build settings

/// Numeric kernels are compiled optimised even in debug builds: a -Onone GEMM is ~200× slower.
let kernelSettings: [SwiftSetting] = [.unsafeFlags(["-Ounchecked"])]

/// The instruction-set tiers. Each tier module re-instantiates the generic kernels of INRCore
/// for one target CPU; INRNetwork picks a tier at run time from the CPU's features.
func tier(_ name: String, cpu: String) -> Target {
    .target(
        name: name,
        dependencies: ["INRCore"],
        swiftSettings: [.unsafeFlags(["-Ounchecked", "-target-cpu", cpu])]
    )
}

// MARK: - Package

let package = Package(
    name: "inr",
    products: [
        .executable(name: "inr", targets: ["inr"]),
        .library(name: "INR", targets: ["INRConfig", "INRCodec", "INRTraining", "INRNetwork", "INRMedia", "INRCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // MARK: C boundary: one module per library
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .systemLibrary(
            name: "CLibPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"])]
        ),
        /// libpng reports errors by longjmp: two C functions own the setjmp (see cpng.h).
        .target(name: "CPNG", dependencies: ["CLibPNG"]),
        /// FFmpeg's demuxers, codecs and scaler for video files (only VideoFile.swift imports it).
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libswscale-dev", "libavutil-dev"])]
        ),

        // MARK: Implementation
        .target(name: "CCPUID"),
        .target(name: "INRCore", dependencies: ["CBLAS", "CCPUID"], swiftSettings: kernelSettings),
        tier("INRKernelsAVX512", cpu: "skylake-avx512"),
        tier("INRKernelsAVX2", cpu: "haswell"),
        .target(name: "INRNetwork", dependencies: ["INRCore", "INRKernelsAVX512", "INRKernelsAVX2"]),
        .target(name: "INRMedia", dependencies: ["CPNG", "CFFmpeg", "INRCore"]),
        .target(name: "INRTraining", dependencies: ["INRNetwork", "INRMedia"]),
        .target(name: "INRCodec", dependencies: ["INRTraining"]),
        .target(name: "INRConfig", dependencies: ["INRCodec", .product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "inr",
            dependencies: ["INRConfig", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: Tests
        .target(name: "INRTestSupport", dependencies: ["INRMedia"], path: "Tests/INRTestSupport"),
        .testTarget(name: "INRCoreTests", dependencies: ["INRCore", "INRNetwork", "INRTestSupport"]),
        .testTarget(name: "INRNetworkTests", dependencies: ["INRNetwork", "INRTestSupport"]),
        .testTarget(name: "INRMediaTests", dependencies: ["INRMedia", "INRTestSupport"]),
        .testTarget(name: "INRTrainingTests", dependencies: ["INRTraining", "INRConfig", "INRTestSupport"]),
        .testTarget(name: "INRConfigTests", dependencies: ["INRConfig", "INRTestSupport"]),
        .testTarget(name: "INRCodecTests", dependencies: ["INRCodec", "INRConfig", "INRTestSupport"]),
        .testTarget(name: "inrTests", dependencies: ["INRMedia", "INRTraining", "INRTestSupport"]),
    ]
)
