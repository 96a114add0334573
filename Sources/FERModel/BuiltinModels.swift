import FERCore
import Foundation

/// The models fer-cl knows by name (`--model NAME`), each a `ModelDescription` whose node names
/// are the state_dict names of a natural PyTorch module for it.
public enum Architecture: String, CaseIterable, Sendable {
    /// The write-up's CNN: four conv3x3(pad 1)-BN-ReLU-maxpool2 blocks with 64, 128, 256, 512
    /// filters, then 4608 -> 512 -> 256 -> 7 with ReLU and dropout 0.5 (PyTorch's SeedNet in
    /// shared/peers/torch_seed.py, child names conv1..conv4, bn1..bn4, fc1..fc3).
    case seed
    /// The VGG variant of Khaireddin & Chen 2021 (73.28% on FER-2013): four stages of two
    /// conv3x3-BN-ReLU and a 2x2 max-pool (64, 128, 256, 512 filters), then 4608 -> 4096 ->
    /// 4096 -> 7 with ReLU and dropout 0.2 (their `Vgg`: conv1a, bn1a, ..., lin1..lin3; their
    /// 40x40 crops give 2x2 before lin1, 48x48 inputs 3x3).
    case vggFer = "vgg-fer"
    /// ResNet-18's basic blocks for 48x48 inputs (`ResidualModels.resnet18`).
    case resnet18Fer = "resnet18-fer"
    /// A residual network with squeeze-and-excitation whose training step costs at most 2x
    /// the seed network's (`ResidualModels.seResNet`).
    case resnetFerSE = "resnet-fer-se"
    /// `resnet-fer-se` without its squeeze-and-excitation branches: 12% less time per epoch,
    /// and no accuracy lost at 4 epochs of the one-hour recipe (README, ablation).
    case resnetFer = "resnet-fer"

    public static let imageShape = [48, 48, 1]
    public static let classCount = 7

    public static func named(_ name: String) throws -> Architecture {
        guard let architecture = Architecture(rawValue: name.lowercased()) else {
            throw ModelError.unknownArchitecture(name, known: allCases.map(\.rawValue))
        }
        return architecture
    }

    /// A built-in name, or the path of a JSON description (README, "Models from JSON").
    public static func modelDescription(nameOrPath: String) throws -> ModelDescription {
        if let architecture = Architecture(rawValue: nameOrPath.lowercased()) { return architecture.modelDescription }
        guard nameOrPath.hasSuffix(".json") || FileManager.default.fileExists(atPath: nameOrPath) else {
            throw ModelError.unknownArchitecture(nameOrPath, known: allCases.map(\.rawValue) + ["a .json model description"])
        }
        guard let data = FileManager.default.contents(atPath: nameOrPath) else {
            throw GraphError.unreadable(source: nameOrPath, reason: "cannot read the file")
        }
        return try ModelDescription.decode(json: String(decoding: data, as: UTF8.self), source: nameOrPath)
    }

    public func build(on backend: Backend) throws -> Network {
        try Network(description: modelDescription, backend: backend)
    }

    public var modelDescription: ModelDescription {
        switch self {
        case .seed: Self.seedDescription
        case .vggFer: Self.vggFerDescription
        case .resnet18Fer: ResidualModels.resnet18(name: rawValue, input: Self.imageShape, classes: Self.classCount)
        case .resnetFerSE: ResidualModels.seResNet(name: rawValue, input: Self.imageShape, classes: Self.classCount, squeezeReduction: 16)
        case .resnetFer: ResidualModels.seResNet(name: rawValue, input: Self.imageShape, classes: Self.classCount, squeezeReduction: nil)
        }
    }

    private static var seedDescription: ModelDescription {
        var nodes: [NodeDescription] = []
        for (block, width) in [64, 128, 256, 512].enumerated().map({ ($0.offset + 1, $0.element) }) {
            nodes += [NodeDescription(name: "conv\(block)", op: .conv2d, outChannels: width),
                      NodeDescription(name: "bn\(block)", op: .batchnorm),
                      NodeDescription(name: "relu\(block)", op: .relu),
                      NodeDescription(name: "pool\(block)", op: .maxpool)]
        }
        nodes += [NodeDescription(name: "flatten", op: .flatten),
                  NodeDescription(name: "fc1", op: .dense, outFeatures: 512),
                  NodeDescription(name: "relu5", op: .relu),
                  NodeDescription(name: "dropout1", op: .dropout, rate: 0.5),
                  NodeDescription(name: "fc2", op: .dense, outFeatures: 256),
                  NodeDescription(name: "relu6", op: .relu),
                  NodeDescription(name: "dropout2", op: .dropout, rate: 0.5),
                  NodeDescription(name: "fc3", op: .dense, outFeatures: classCount)]
        return ModelDescription(name: Architecture.seed.rawValue, input: imageShape, nodes: nodes)
    }

    private static var vggFerDescription: ModelDescription {
        var nodes: [NodeDescription] = []
        for (stage, width) in [64, 128, 256, 512].enumerated().map({ ($0.offset + 1, $0.element) }) {
            for half in ["a", "b"] {
                nodes += [NodeDescription(name: "conv\(stage)\(half)", op: .conv2d, outChannels: width),
                          NodeDescription(name: "bn\(stage)\(half)", op: .batchnorm),
                          NodeDescription(name: "relu\(stage)\(half)", op: .relu)]
            }
            nodes.append(NodeDescription(name: "pool\(stage)", op: .maxpool))
        }
        nodes.append(NodeDescription(name: "flatten", op: .flatten))
        for (index, features) in [4096, 4096].enumerated() {
            nodes += [NodeDescription(name: "lin\(index + 1)", op: .dense, outFeatures: features),
                      NodeDescription(name: "relu_lin\(index + 1)", op: .relu),
                      NodeDescription(name: "drop\(index + 1)", op: .dropout, rate: 0.2)]
        }
        nodes.append(NodeDescription(name: "lin3", op: .dense, outFeatures: classCount))
        return ModelDescription(name: Architecture.vggFer.rawValue, input: imageShape, nodes: nodes)
    }
}
