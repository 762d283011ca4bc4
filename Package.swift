// swift-tools-version:6.0
//
// inr — a codec that stores an image or a video clip as small neural networks.
//
// Module graph (arrows point at dependencies; docs/architecture.md walks through it):
//
//   inr (CLI) ─► INRConfig ─► INRCodec ─┬─► INRTraining ─┐
//                    │  Yams            └─► INRFormat ───┴─► INRModel ─┬─► INRNetwork ─┬─► INRCore ─► CBLAS, CCPUID
//                                               └─► INRLatent ─► INRCore, INRCoding
//                                                                      │               ├─► INRCoding
//                                                                      │               └─► INRKernelsAVX512, INRKernelsAVX2 ─► INRCore
//                                                                      └─► INRMedia ─► CPNG ─► CLibPNG
//                                                                             └─► CFFmpeg (libavformat, libavcodec, libswscale, libavutil)
//
//   INRCoding    bytes, varints, the range coder and its adaptive models (bitstream primitives)
//   INRCore      kernels (SIMD GEMM with fused epilogues, sin/cos, activations), worker pool, files
//   INRNetwork   encodings, network specs, flat parameters, the MLP's forward and backward passes
//   INRMedia     images and clips: PNG (libpng), video files (FFmpeg), metrics
//   INRModel     forward-only models: the renderer, bit-plane queries, video patches
//   INRTraining  sample sets, losses, optimisers, schedules, samplers, the Trainer
//   INRLatent    the latent-grid codec's model (Cool-chic class): grids, upsampling, planar
//                networks, the entropy model and the latents' range coding
//   INRFormat    the .inr container, its sections, entropy coding, quantised weights and every
//                decoder: what a player links (it does not depend on INRTraining)
//   INRCodec     every encoder, beside its decoder's format: image, lossless, video; the
//                publish-and-verify job shared by all of them
//   INRConfig    YAML → Codable config sections → the codecs' settings
//   inr          the command line: parses arguments, calls one codec entry point, prints
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
        .library(name: "INR", targets: ["INRConfig", "INRCodec", "INRFormat", "INRLatent", "INRTraining", "INRModel", "INRNetwork", "INRMedia", "INRCore"]),
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
        /// Bytes, varints and range coding: the bitstream's primitives (checked arithmetic, unlike INRCore).
        .target(name: "INRCoding"),
        tier("INRKernelsAVX512", cpu: "skylake-avx512"),
        tier("INRKernelsAVX2", cpu: "haswell"),
        .target(name: "INRNetwork", dependencies: ["INRCore", "INRCoding", "INRKernelsAVX512", "INRKernelsAVX2"]),
        .target(name: "INRMedia", dependencies: ["CPNG", "CFFmpeg", "INRCore"]),
        .target(name: "INRModel", dependencies: ["INRNetwork", "INRMedia"]),
        .target(name: "INRTraining", dependencies: ["INRModel"]),
        /// The latent-grid codec's model: grids, upsampling, synthesis, entropy model, latent coding.
        .target(name: "INRLatent", dependencies: ["INRCore", "INRCoding"], swiftSettings: kernelSettings),
        .target(name: "INRFormat", dependencies: ["INRModel", "INRLatent"]),
        .target(name: "INRCodec", dependencies: ["INRFormat", "INRTraining"]),
        .target(name: "INRConfig", dependencies: ["INRCodec", .product(name: "Yams", package: "Yams")]),
        .executableTarget(
            name: "inr",
            dependencies: ["INRConfig", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: Tests
        .target(name: "INRTestSupport", dependencies: ["INRMedia", "INRFormat"], path: "Tests/INRTestSupport"),
        .testTarget(name: "INRCoreTests", dependencies: ["INRCore", "INRNetwork", "INRTestSupport"]),
        .testTarget(name: "INRNetworkTests", dependencies: ["INRNetwork", "INRTestSupport"]),
        .testTarget(name: "INRMediaTests", dependencies: ["INRMedia", "INRTestSupport"]),
        .testTarget(name: "INRTrainingTests", dependencies: ["INRTraining", "INRCodec", "INRConfig", "INRTestSupport"]),
        .testTarget(name: "INRConfigTests", dependencies: ["INRConfig", "INRCodec", "INRTestSupport"]),
        .testTarget(name: "INRCodecTests", dependencies: ["INRCodec", "INRFormat", "INRCoding", "INRConfig", "INRTestSupport"]),
        .testTarget(name: "inrTests", dependencies: ["INRCore", "INRMedia", "INRFormat", "INRTraining", "INRCodec", "INRConfig", "INRTestSupport"]),
    ]
)
