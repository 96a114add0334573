import FERCore
import FERModel
import ReferenceBackend
import Testing

@Suite struct SeedNetworkTests {
    @Test func parametersMatchPyTorchStateDict() throws {
        let network = try Architecture.seed.build(on: ReferenceBackend())
        // torch_seed.SeedNet: sum(p.numel() for p in model.parameters())
        #expect(network.parameterCount == 4_044_679)
        let expected = ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3", "conv4", "bn4", "fc1", "fc2", "fc3"]
            .flatMap { ["\($0).weight", "\($0).bias"] }
        #expect(network.parameters.map(\.name) == expected)
        let shapes = Dictionary(uniqueKeysWithValues: network.parameters.map { ($0.name, $0.layout.pytorchShape) })
        #expect(shapes["conv2.weight"] == [128, 64, 3, 3])
        #expect(shapes["fc1.weight"] == [512, 4608])
        #expect(shapes["fc3.bias"] == [7])
        #expect(network.classes == 7)
    }

    @Test func initializationFollowsPyTorchDefaults() throws {
        let backend = ReferenceBackend()
        let network = try Architecture.seed.build(on: backend)
        try network.initialize(seed: 1)
        for parameter in network.parameters {
            let values = try backend.floats(parameter.value)
            if parameter.name.hasPrefix("bn") {
                #expect(values.allSatisfy { $0 == (parameter.name.hasSuffix("weight") ? 1 : 0) })
            } else {
                let layerName = parameter.name.split(separator: ".")[0]
                let weight = network.parameters.first { $0.name == "\(layerName).weight" }!
                let fanIn = weight.layout.pytorchShape.dropFirst().reduce(1, *)
                let bound = 1 / Float(fanIn).squareRoot()
                #expect(values.allSatisfy { abs($0) <= bound }, "\(parameter.name) within +-1/sqrt(\(fanIn))")
                #expect(values.map(abs).max()! > 0.9 * bound, "\(parameter.name) fills its range")
            }
        }
        let again = try Architecture.seed.build(on: backend)
        try again.initialize(seed: 1)
        #expect(try backend.floats(again.parameters[0].value) == backend.floats(network.parameters[0].value))
    }

    @Test func unknownArchitectureIsAnError() {
        #expect(throws: ModelError.unknownArchitecture("resnet99", known: Architecture.allCases.map(\.rawValue))) { try Architecture.named("resnet99") }
    }
}

@Suite struct LayoutTests {
    @Test func convWeightRoundTripsAndMapsOIHW() {
        let layout = ParameterLayout.convWeight(kernelHeight: 3, kernelWidth: 2, inChannels: 4, outChannels: 5)
        let engine = (0..<120).map(Float.init)
        let pytorch = layout.toPyTorch(engine)
        #expect(layout.fromPyTorch(pytorch) == engine)
        // engine [ky=1][kx=0][i=2][o=3] -> pytorch [o=3][i=2][ky=1][kx=0]
        let engineIndex = ((1 * 2 + 0) * 4 + 2) * 5 + 3
        let pytorchIndex = ((3 * 4 + 2) * 3 + 1) * 2 + 0
        #expect(pytorch[pytorchIndex] == engine[engineIndex])
    }

    @Test func denseAfterFlattenUsesPyTorchChannelMajorOrder() {
        // Input flattened from [h=2, w=3, c=4]: engine feature (h, w, c) = (1, 2, 3) is index
        // (1*3 + 2)*4 + 3 = 23; torch.flatten of NCHW puts it at (c*2 + h)*3 + w = (3*2+1)*3+2 = 23 too, by
        // coincidence, so check (0, 1, 2): engine 6, torch (2*2+0)*3+1 = 13.
        let layout = ParameterLayout.denseWeight(inFeatures: 24, outFeatures: 2, flattenedFrom: [2, 3, 4])
        var engine = [Float](repeating: 0, count: 48)
        engine[6 * 2 + 1] = 42  // weight of engine feature 6 for output 1
        let pytorch = layout.toPyTorch(engine)
        #expect(pytorch[1 * 24 + 13] == 42)
        #expect(layout.fromPyTorch(pytorch) == engine)
    }
}
