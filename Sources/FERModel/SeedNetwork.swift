import FERCore

/// Architectures fer-cl can build, by the name stored in model files.
public enum Architecture: String, CaseIterable, Sendable {
    /// The write-up's CNN: four conv3x3(pad 1)-BN-ReLU-maxpool2 blocks with 64, 128, 256, 512
    /// filters, then 4608 -> 512 -> 256 -> 7 with ReLU and dropout 0.5 (PyTorch's SeedNet in
    /// shared/peers/torch_seed.py, child names conv1..conv4, bn1..bn4, fc1..fc3).
    case seed

    public static let imageShape = [48, 48, 1]
    public static let classCount = 7

    public static func named(_ name: String) throws -> Architecture {
        guard let architecture = Architecture(rawValue: name.lowercased()) else {
            throw ModelError.unknownArchitecture(name, known: allCases.map(\.rawValue))
        }
        return architecture
    }

    public func build(on backend: Backend) throws -> Network {
        switch self {
        case .seed: try Self.seedNetwork(on: backend)
        }
    }

    private static func seedNetwork(on backend: Backend) throws -> Network {
        var layers: [Layer] = []
        let widths = [1, 64, 128, 256, 512]
        var side = imageShape[0]
        for block in 1...4 {
            layers.append(try Conv2dLayer(name: "conv\(block)", backend: backend, inChannels: widths[block - 1], outChannels: widths[block]))
            // bn -> relu -> pool as one fused layer (BatchNormLayer.fusedReLUPool): the same function and gradient.
            layers.append(try BatchNormLayer(name: "bn\(block)", backend: backend, channels: widths[block], fusedReLUPool: true))
            side /= 2
        }
        let flattened = [side, side, widths[4]]
        layers.append(FlattenLayer())
        layers.append(try DenseLayer(name: "fc1", backend: backend, inFeatures: flattened.reduce(1, *), outFeatures: 512, flattenedFrom: flattened))
        layers.append(ReLULayer(name: "relu5", backend: backend))
        layers.append(DropoutLayer(name: "dropout1", backend: backend, rate: 0.5, index: 1))
        layers.append(try DenseLayer(name: "fc2", backend: backend, inFeatures: 512, outFeatures: 256))
        layers.append(ReLULayer(name: "relu6", backend: backend))
        layers.append(DropoutLayer(name: "dropout2", backend: backend, rate: 0.5, index: 2))
        layers.append(try DenseLayer(name: "fc3", backend: backend, inFeatures: 256, outFeatures: classCount))
        return try Network(architecture: Architecture.seed.rawValue, backend: backend, inputShape: imageShape, layers: layers)
    }
}
