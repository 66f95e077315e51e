// Model directories: save/load round trip, version checks, and the promise that a failed or
// interrupted save leaves the previous model byte for byte as it was. Also JSONValue, which
// config.json is made of.
import SeerBase
import Foundation
import Testing
@testable import SeerNN

struct CheckpointTests {
    let tensors = SafeTensorsFile(entries: [
        SafeTensorsEntry(name: "encoder.weight", shape: [2, 2], values: [1, 2, 3, 4]),
        SafeTensorsEntry(name: "encoder.bias", shape: [2], values: [-0.5, 0.25]),
    ], metadata: ["format": "pt"])
    let config: [String: JSONValue] = [
        "model": "tiny-mlp", "hidden": 64, "dropout": 0.1, "bidirectional": false,
        "scaler": ["mean": [1.5, -2], "std": [0.5, 3]], "note": nil,
    ]

    @Test func saveThenLoadRoundTrips() throws {
        try withScratchDirectory { root throws in
            let directory = root + "/model"
            try Checkpoint.save(directory: directory, tensors: tensors, config: config, seerVersion: "0.1.0")
            #expect(try listing(directory) == ["config.json", "model.safetensors"])
            let (loaded, loadedConfig) = try Checkpoint.load(directory: directory)
            #expect(loaded == tensors)
            var expected = config
            expected["format_version"] = 1
            expected["seer_version"] = "0.1.0"
            #expect(loadedConfig == expected)
            #expect(Checkpoint.formatVersion == modelFormatVersion)

            let text = try String(contentsOfFile: directory + "/config.json", encoding: .utf8)
            #expect(text.contains("\"format_version\": 1,\n"), "integers print without a fraction")
            #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any], "plain JSON for other tools")
            #expect(try listing(root) == ["model"], "no staging directory left behind")
        }
    }

    @Test func saveReplacesAnExistingModel() throws {
        try withScratchDirectory { root throws in
            let directory = root + "/model/"  // a trailing slash names the same directory
            try Checkpoint.save(directory: directory, tensors: tensors, config: config, seerVersion: "0.1.0")
            let newer = SafeTensorsFile(entries: [SafeTensorsEntry(name: "w", shape: [1], values: [9])])
            try Checkpoint.save(directory: directory, tensors: newer, config: ["hidden": 8], seerVersion: "0.2.0")
            let (loaded, loadedConfig) = try Checkpoint.load(directory: directory)
            #expect(loaded == newer)
            #expect(loadedConfig["hidden"] == 8 && loadedConfig["model"] == nil && loadedConfig["seer_version"] == "0.2.0")
            #expect(try listing(root) == ["model"], "the old copy is deleted, no staging directory left")
        }
    }

    @Test func replacementWithoutAtomicExchangeAlsoWorks() throws {
        try withScratchDirectory { root throws in
            let directory = root + "/model"
            try Checkpoint.save(directory: directory, tensors: tensors, config: config, seerVersion: "0.1.0")
            let newer = SafeTensorsFile(entries: [SafeTensorsEntry(name: "w", shape: [1], values: [9])])
            try Checkpoint.save(directory: directory, tensors: newer, config: [:], seerVersion: "0.2.0",
                                allowExchange: false, beforeSwap: { _ throws(DataError) in })
            #expect(try Checkpoint.load(directory: directory).tensors == newer)
            #expect(try listing(root) == ["model"], "the set-aside old copy is deleted")
        }
    }

    #if os(Linux) || os(macOS)
    @Test func exchangeSwapsTwoDirectories() throws {
        try withScratchDirectory { root throws in
            for (name, content) in [("a", "first"), ("b", "second")] {
                try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: false)
                try Data(content.utf8).write(to: URL(fileURLWithPath: root + "/\(name)/file"))
            }
            #expect(try DurableFiles.exchange(root + "/a", root + "/b"), "renameat2 / renamex_np is available here")
            #expect(try String(contentsOfFile: root + "/a/file", encoding: .utf8) == "second")
            #expect(try String(contentsOfFile: root + "/b/file", encoding: .utf8) == "first")
        }
    }
    #endif

    @Test func newerFormatIsRefused() throws {
        try withScratchDirectory { root throws in
            let directory = root + "/model"
            try Checkpoint.save(directory: directory, tensors: tensors, config: config, seerVersion: "0.1.0")
            try Data("{\"format_version\": 2, \"seer_version\": \"9.0\"}".utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
            let error = #expect(throws: DataError.self) { try Checkpoint.load(directory: directory) }
            #expect(error?.kind == .badInput && error?.exitCode == 65 && error?.message.contains("written by a newer Seer") == true)
            #expect(error?.file == directory + "/config.json")
            #expect(error?.message.contains("version 2") == true && error?.message.contains("up to 1") == true,
                    "\(String(describing: error))")
        }
    }

    @Test func missingAndMalformedDirectories() throws {
        try withScratchDirectory { root throws in
            let absent = #expect(throws: DataError.self) { try Checkpoint.load(directory: root + "/absent") }
            #expect(absent?.kind == .missingInput && absent?.exitCode == 66)

            let directory = root + "/model"
            try Checkpoint.save(directory: directory, tensors: tensors, config: config, seerVersion: "0.1.0")
            let configURL = URL(fileURLWithPath: directory + "/config.json")
            let cases: [(String, DataError.Kind, String)] = [
                ("{\"seer_version\": \"0.1\"}", .badInput, "has no format_version"),
                ("{\"format_version\": 1.5}", .badInput, "positive integer"),
                ("{\"format_version\": \"1\"}", .badInput, "positive integer"),
                ("[1]", .badInput, "JSON object"),
                ("{\"format_version\": 1, \"format_version\": 2}", .badInput, "duplicate key 'format_version'"),
                ("{\"format_version\": 1", .badInput, "invalid JSON at byte"),
            ]
            for (text, kind, fragment) in cases {
                try Data(text.utf8).write(to: configURL)
                let error = #expect(throws: DataError.self) { try Checkpoint.load(directory: directory) }
                #expect(error?.kind == kind && error?.message.contains(fragment) == true, "\(text): \(String(describing: error))")
            }

            try Data("{\"format_version\": 1}".utf8).write(to: configURL)
            try FileManager.default.removeItem(atPath: directory + "/model.safetensors")
            let noTensors = #expect(throws: DataError.self) { try Checkpoint.load(directory: directory) }
            #expect(noTensors?.kind == .missingInput && noTensors?.file == directory + "/model.safetensors")
        }
    }

    // MARK: Failed saves

    @Test func invalidTensorsLeaveTheOldModelUntouched() throws {
        try withScratchDirectory { root throws in
            let directory = root + "/model"
            try Checkpoint.save(directory: directory, tensors: tensors, config: config, seerVersion: "0.1.0")
            let before = try snapshot(directory)

            let broken = SafeTensorsFile(entries: [SafeTensorsEntry(name: "w", shape: [2, 3], values: [1, 2, 3])])
            let error = #expect(throws: DataError.self) {
                try Checkpoint.save(directory: directory, tensors: broken, config: config, seerVersion: "0.2.0")
            }
            #expect(error?.kind == .badInput && error?.file == directory + "/model.safetensors")
            #expect(error?.message.contains("tensor 'w' has 3 values for shape [2, 3]") == true)

            let nan = #expect(throws: DataError.self) {
                try Checkpoint.save(directory: directory, tensors: tensors, config: ["lr": .number(.nan)], seerVersion: "0.2.0")
            }
            #expect(nan?.kind == .badInput && nan?.file == directory + "/config.json")

            #expect(try snapshot(directory) == before)
            #expect(try listing(root) == ["model"])
        }
    }

    @Test func failureAfterStagingLeavesTheOldModelUntouched() throws {
        struct Crash: Error {}
        try withScratchDirectory { root throws in
            let directory = root + "/model"
            try Checkpoint.save(directory: directory, tensors: tensors, config: config, seerVersion: "0.1.0")
            let before = try snapshot(directory)
            let newer = SafeTensorsFile(entries: [SafeTensorsEntry(name: "w", shape: [1], values: [9])])

            var staged: [String: Data] = [:]
            let error = #expect(throws: DataError.self) {
                try Checkpoint.save(directory: directory, tensors: newer, config: [:], seerVersion: "0.2.0") { staging throws(DataError) in
                    staged = (try? snapshot(staging)) ?? [:]
                    throw DataError(.io, "injected failure", file: staging)
                }
            }
            // Told about the directory the user named, not the staging one (already removed).
            #expect(error?.message == "injected failure (the previous one is unchanged)" && error?.location?.file == directory)
            #expect(staged.keys.sorted() == ["config.json", "model.safetensors"], "the hook ran on a complete staging directory")
            #expect(try snapshot(directory) == before, "the old model is byte-identical")
            #expect(try listing(root) == ["model"], "the staging directory is removed")
            #expect(try Checkpoint.load(directory: directory).tensors == tensors)

            // A first save that fails leaves no directory at all.
            #expect(throws: DataError.self) {
                try Checkpoint.save(directory: root + "/fresh", tensors: newer, config: [:], seerVersion: "0.2.0") { _ throws(DataError) in
                    throw DataError(.io, "injected failure", file: "")
                }
            }
            #expect(try listing(root) == ["model"])
        }
    }

    @Test func refusesToReplaceWhatIsNotAModel() throws {
        try withScratchDirectory { root throws in
            let directory = root + "/project"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
            try Data("keep me".utf8).write(to: URL(fileURLWithPath: directory + "/notes.txt"))
            let error = #expect(throws: DataError.self) {
                try Checkpoint.save(directory: directory, tensors: tensors, config: config, seerVersion: "0.1.0")
            }
            #expect(error?.kind == .io && error?.message.contains("'notes.txt'") == true)
            #expect(try listing(directory) == ["notes.txt"] && listing(root) == ["project"])

            try Data("a file".utf8).write(to: URL(fileURLWithPath: root + "/plain"))
            let plain = #expect(throws: DataError.self) {
                try Checkpoint.save(directory: root + "/plain", tensors: tensors, config: config, seerVersion: "0.1.0")
            }
            #expect(plain?.message.contains("not a directory") == true)
        }
    }

    // MARK: JSONValue

    @Test func jsonTextRoundTrips() throws {
        let value: JSONValue = ["a": [1, -2.5, 1e-5, 12345678901, true, nil, "x\"\\\n\u{1}é"], "b": [:], "c": []]
        for indent in [0, 2] {
            let text = try value.jsonText(indent: indent)
            #expect(try JSONValue(parsing: Array(text.utf8), source: "t") == value, "\(text)")
        }
        #expect(try JSONValue.object(["b": 1, "a": 0.5]).jsonText(indent: 0) == "{\"a\":0.5,\"b\":1}")
        #expect(throws: DataError.self) { try JSONValue.number(.infinity).jsonText() }
        #expect(try JSONValue(parsing: Array("\"\\ud83d\\ude00\"".utf8), source: "t") == "😀")
    }

    @Test func jsonValueIsCodable() throws {
        let value: JSONValue = ["n": 3, "f": 0.5, "s": "x", "b": true, "z": nil, "list": [1, "two"]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}
