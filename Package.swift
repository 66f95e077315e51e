// swift-tools-version:6.1
// Seer: time-series forecasting, anomaly detection and classification with attention-free nets.
// Module layout and dependency direction: see docs/ARCHITECTURE.md (SeerCLI → {Seer, SeerBench, SeerServe} →
// SeerTasks → {SeerModels, SeerEval, SeerData}; SeerModels → SeerNN → SeerTensor → {CBLAS, CCUDA};
// SeerData → {CCSV, CSQLite}; SeerServe → {SeerRegistry, SeerTasks}; SeerRegistry → {SeerTasks, CPostgres}; everything → SeerBase).
import PackageDescription

let package = Package(
    name: "Seer",
    products: [
        .executable(name: "seer", targets: ["SeerCLI"]),
        .library(name: "Seer", targets: ["Seer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Job files (YAML; JSON is read by the same parser), with line and column for every node.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // `seer serve` only (module SeerServe): the HTTP server, its Prometheus exposition,
        // graceful shutdown and logs. Hummingbird's default traits are dropped (no
        // swift-configuration, no URL-encoded forms); together these add ~40 modules (the NIO
        // stack) and about 3 minutes to a clean debug build on 2 cores.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev, libcsv-dev, libsqlite3-dev).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CCSV", providers: [.apt(["libcsv-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // PostgreSQL's client library for registries on a server, opened at run time (dlopen of
        // libpq.so.5), so binaries run without it and `make static` needs no static libpq.
        .target(name: "CPostgres", linkerSettings: [.linkedLibrary("dl")]),
        // Run-time loader for the optional CUDA backend (dlopen; never linked at build time).
        .target(name: "CCUDA", linkerSettings: [.linkedLibrary("dl")]),
        // libcurl opened at run time for Prometheus' HTTP API, so no binary links it.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl")]),

        // SIGTERM/SIGINT as a flag long-running commands poll (a signal handler must be C).
        .target(name: "CSignals"),
        // Transcendental element-wise kernels, baseline + AVX2/FMA chosen at run time.
        .target(name: "CVectorMath"),
        // Errors with exit codes, durable files, JSON and the seeded RNG: what every layer shares.
        .target(name: "SeerBase"),
        // The CUDA kernels' .cu files are embedded in the binary and compiled by NVRTC on first use.
        .target(name: "SeerTensor", dependencies: ["SeerBase", "CBLAS", "CCUDA", "CVectorMath"],
                resources: [.embedInCode("CUDA/Kernels/training.cu"), .embedInCode("CUDA/Kernels/elementwise.cu"),
                            .embedInCode("CUDA/Kernels/rows.cu"),
                            .embedInCode("CUDA/Kernels/sequence.cu"),
                            .embedInCode("CUDA/Kernels/layout.cu"),
                            .embedInCode("CUDA/Kernels/attention.cu"),
                            .embedInCode("CUDA/Kernels/linear_attention.cu"),
                            .embedInCode("CUDA/Kernels/reduce.cuh")]),
        // Those .cu files compiled for the CPU (threads per block, a barrier for __syncthreads), so
        // tests run every kernel against its CPU twin without a GPU. Only the tests link it.
        .target(name: "CCUDAEmulator"),
        // The emulator as a KernelDevice, for the tests that train on it (tensor and model tests).
        .target(name: "SeerCUDAEmulator", dependencies: ["SeerTensor", "CCUDAEmulator"]),
        .target(name: "SeerNN", dependencies: ["SeerBase", "SeerTensor"]),
        .target(name: "SeerData", dependencies: ["SeerBase", "CCSV", "CSQLite", "CCurl"]),
        .target(name: "SeerModels", dependencies: ["SeerBase", "SeerNN", "SeerTensor", "CBLAS"]),
        .target(name: "SeerEval", dependencies: ["SeerData"]),
        // One folder per job (Forecast/ now; Detect/ and Classify/ with their issues).
        .target(name: "SeerTasks", dependencies: ["SeerBase", "SeerTensor", "SeerNN", "SeerData", "SeerModels", "SeerEval"]),
        // The model registry (SQLite; PostgreSQL to come), retraining jobs and their shards.
        .target(name: "SeerRegistry", dependencies: ["SeerBase", "SeerData", "SeerEval", "SeerNN", "SeerTasks", "CPostgres", .product(name: "Yams", package: "Yams")]),
        // The measured claims behind `seer bench …`; CBLAS for the kernel benchmark's raw-sgemm peer, CSignals
        // for the load generator's sub-millisecond waits.
        .target(name: "SeerBench", dependencies: ["SeerTasks", "SeerRegistry", "CBLAS", "CSignals"]),
        // `seer serve`: detection, forecasts and models over HTTP/JSON, Prometheus `/metrics`.
        // Kept out of the `Seer` umbrella so library users and the examples never build the NIO stack.
        .target(name: "SeerServe", dependencies: [
            "SeerBase", "SeerData", "SeerTasks", "SeerRegistry",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .target(name: "Seer", dependencies: ["SeerBase", "SeerTensor", "SeerNN", "SeerData", "SeerModels", "SeerEval", "SeerTasks", "SeerRegistry"]),
        .executableTarget(
            name: "SeerCLI",
            dependencies: ["Seer", "SeerBench", "SeerServe", "CSignals", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // A program using only the public API; SeerCLITests depends on it, so `swift test` builds and runs it.
        .executableTarget(name: "seer-example-forecast", dependencies: ["Seer"], path: "examples/forecast"),
        .executableTarget(name: "seer-example-detect", dependencies: ["Seer"], path: "examples/detect"),
        .executableTarget(name: "seer-example-classify", dependencies: ["Seer"], path: "examples/classify"),
        .executableTarget(name: "seer-example-registry", dependencies: ["Seer"], path: "examples/registry"),

        .testTarget(name: "SeerTensorTests", dependencies: ["SeerTensor", "SeerBase", "CBLAS", "CVectorMath", "CCUDA", "CCUDAEmulator", "SeerCUDAEmulator"]),
        .testTarget(name: "SeerNNTests", dependencies: ["SeerNN", "SeerBase"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SeerDataTests", dependencies: ["SeerData", "SeerBase", "CCSV", "CSQLite"]),
        .testTarget(name: "SeerEvalTests", dependencies: ["SeerEval"]),
        .testTarget(name: "SeerBaseTests", dependencies: ["SeerBase"]),
        .testTarget(name: "SeerModelsTests", dependencies: ["SeerModels", "SeerNN", "SeerTensor", "SeerBase", "SeerCUDAEmulator"]),
        .testTarget(name: "SeerTasksTests", dependencies: ["SeerTasks", "SeerModels", "SeerNN", "SeerTensor", "SeerBase", "SeerData", "SeerEval"]),
        .testTarget(name: "SeerRegistryTests", dependencies: ["SeerRegistry", "SeerTasks", "SeerData", "SeerBase", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SeerServeTests", dependencies: ["SeerServe", "SeerTasks", "SeerData", "SeerBase", "SeerRegistry", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "SeerCLITests", dependencies: ["SeerCLI", "SeerData", "SeerEval", "SeerRegistry", "seer-example-forecast", "seer-example-detect", "seer-example-classify", "seer-example-registry"]),
    ],
    // C++20 for the CUDA emulator's launch trampolines (a templated lambda).
    cxxLanguageStandard: .cxx20
)
