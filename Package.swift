// swift-tools-version:6.1
// Seer: time-series forecasting, anomaly detection and classification with attention-free nets.
// Module layout and dependency direction: see ARCHITECTURE.md (SeerCLI → Seer → {SeerModels,
// SeerEval} → {SeerNN, SeerData}; SeerNN → SeerTensor → {CBLAS, CCUDA}; SeerData → {CCSV, CSQLite}).
import PackageDescription

let package = Package(
    name: "Seer",
    products: [
        .executable(name: "seer", targets: ["SeerCLI"]),
        .library(name: "Seer", targets: ["Seer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev, libcsv-dev, libsqlite3-dev).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCSV", providers: [.apt(["libcsv-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // Run-time loader for the optional CUDA backend (dlopen; never linked at build time).
        .target(name: "CCUDA", linkerSettings: [.linkedLibrary("dl")]),

        // Transcendental element-wise kernels, baseline + AVX2/FMA chosen at run time.
        .target(name: "CVectorMath"),
        .target(name: "SeerTensor", dependencies: ["CBLAS", "CCUDA", "CVectorMath"]),
        .target(name: "SeerNN", dependencies: ["SeerTensor"]),
        .target(name: "SeerData", dependencies: ["CCSV", "CSQLite"]),
        .target(name: "SeerModels", dependencies: ["SeerNN", "SeerData"]),
        .target(name: "SeerEval", dependencies: ["SeerData"]),
        .target(name: "Seer", dependencies: ["SeerData", "SeerModels", "SeerEval", "SeerNN", "SeerTensor"]),
        .executableTarget(
            name: "SeerCLI",
            // CBLAS only for `seer bench kernels`, whose peer figure is raw cblas_sgemm.
            dependencies: ["Seer", "CBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // A program using only the public API; SeerCLITests depends on it, so `swift test` builds and runs it.
        .executableTarget(name: "seer-example-forecast", dependencies: ["Seer"], path: "examples/forecast"),

        .testTarget(name: "SeerTensorTests", dependencies: ["SeerTensor", "CBLAS", "CVectorMath"]),
        .testTarget(name: "SeerNNTests", dependencies: ["SeerNN"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SeerDataTests", dependencies: ["SeerData", "CCSV", "CSQLite"]),
        .testTarget(name: "SeerEvalTests", dependencies: ["SeerEval"]),
        .testTarget(name: "SeerModelsTests", dependencies: ["SeerModels", "SeerNN", "SeerTensor"]),
        .testTarget(name: "SeerCLITests", dependencies: ["SeerCLI", "SeerData", "seer-example-forecast"]),
    ]
)
