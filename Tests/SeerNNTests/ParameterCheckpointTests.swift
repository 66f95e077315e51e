// Saving a model's parameters and loading them into a fresh model gives identical predictions;
// weights of another shape or with other names are refused without touching the model.
import SeerBase
import Foundation
import Testing
@testable import SeerNN
import SeerTensor

struct ParameterCheckpointTests {
    @Test func saveThenLoadGivesIdenticalPredictions() throws {
        let trained = TinyMLP(seed: 1), fresh = TinyMLP(seed: 2)
        let x = TrainingTests.regression.x
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-ckpt-\(UUID().uuidString)").path
        try Checkpoint.save(directory: directory, tensors: Checkpoint.tensors(from: trained.parameters),
                            config: ["model": "tiny-mlp"], seerVersion: "test")
        #expect(fresh(x, on: nil).array != trained(x, on: nil).array)
        let loaded = try Checkpoint.load(directory: directory)
        try Checkpoint.load(loaded.tensors, into: fresh.parameters, source: directory)
        #expect(fresh(x, on: nil).array == trained(x, on: nil).array, "bit-identical predictions")
        #expect(loaded.config["model"] == "tiny-mlp")
    }

    @Test func mismatchedWeightsAreRefusedAndChangeNothing() throws {
        let model = TinyMLP(seed: 3)
        let before = model.parameters.map(\.values)
        var renamed = Checkpoint.tensors(from: model.parameters).entries
        renamed[0].name = "other.weight"
        let error = #expect(throws: DataError.self) {
            try Checkpoint.load(SafeTensorsFile(entries: renamed), into: model.parameters, source: "x")
        }
        #expect(error?.message.contains("missing") == true && error?.message.contains("other.weight") == true)
        let wrongShape = Checkpoint.tensors(from: TinyMLP(seed: 4).parameters).entries.map { entry in
            entry.name == "fc1.weight" ? SafeTensorsEntry(name: entry.name, shape: [4, 16], values: entry.values) : entry
        }
        #expect(throws: DataError.self) {
            try Checkpoint.load(SafeTensorsFile(entries: wrongShape), into: model.parameters, source: "x")
        }
        #expect(model.parameters.map(\.values) == before)
    }
}
