// swift-tools-version:6.1
// Seer's fuzz targets (libFuzzer), kept out of the main package: they are built only with
// `--sanitize=fuzzer --sanitize=address` (`make fuzz`), where libFuzzer supplies `main`, so the
// target is compiled as a library (-parse-as-library) and would not link in a plain build.
import PackageDescription

let package = Package(
    name: "SeerFuzz",
    dependencies: [.package(name: "Seer", path: "..")],
    targets: [
        .executableTarget(name: "seer-fuzz", dependencies: [.product(name: "Seer", package: "Seer")],
                          swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
