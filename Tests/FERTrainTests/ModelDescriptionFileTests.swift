import FERCore
import FERModel
import FERTrain
import Foundation
import ReferenceBackend
import Testing

/// Model files carry their network's description, so any tool rebuilds the network from the
/// file alone; files written before descriptions were stored name a built-in.
@Suite struct ModelDescriptionFileTests {
    static func temporaryFile() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("fer-cl-model-\(UUID().uuidString).safetensors")
    }

    /// A model no built-in matches, so only the stored description can rebuild it.
    static let custom = ModelDescription(name: "custom-net", input: [48, 48, 1], nodes: [
        NodeDescription(name: "stem.conv", op: .conv2d, outChannels: 3, stride: 2, bias: false),
        NodeDescription(name: "stem.bn", op: .batchnorm),
        NodeDescription(name: "stem.relu", op: .relu),
        NodeDescription(name: "stem.pool", op: .maxpool),
        NodeDescription(name: "flatten", op: .flatten),
        NodeDescription(name: "head", op: .dense, outFeatures: 7),
    ])

    @Test func aJSONModelRoundTripsThroughTheFileMetadata() throws {
        let backend = ReferenceBackend()
        let network = try Network(description: Self.custom, backend: backend)
        try network.initialize(seed: 5)
        #expect(!network.parameters.contains { $0.name == "stem.conv.bias" })
        let url = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint.saveModel(network: network, normalization: Normalization(), provenance: [:], to: url)
        #expect(try Checkpoint.modelDescription(at: url) == Self.custom)
        let (reopened, _, file) = try ModelFile.open(url, on: backend)
        #expect(reopened.modelDescription == Self.custom)
        #expect(file.metadata["architecture"] == "custom-net")
        #expect(file.tensors["stem.bn.num_batches_tracked"] != nil)
        for (a, b) in zip(network.parameters, reopened.parameters) {
            #expect(a.name == b.name)
            #expect(try backend.floats(a.value) == backend.floats(b.value))
        }
    }

    @Test func filesWithoutADescriptionBuildTheNamedBuiltIn() throws {
        let backend = ReferenceBackend()
        let network = try Architecture.seed.build(on: backend)
        try network.initialize(seed: 2)
        let url = Self.temporaryFile()
        defer { try? FileManager.default.removeItem(at: url) }
        // As the previous version wrote them: the same tensors, metadata without the description.
        var metadata = ModelFile.metadata(for: network, normalization: Normalization())
        metadata[ModelFile.modelKey] = nil
        try SafetensorsFile(tensors: try ModelFile.tensors(of: network), metadata: metadata).write(to: url)
        let (reopened, _, _) = try ModelFile.open(url, on: backend)
        #expect(reopened.modelDescription == Architecture.seed.modelDescription)
        #expect(try backend.floats(reopened.parameters[0].value) == backend.floats(network.parameters[0].value))
    }
}
