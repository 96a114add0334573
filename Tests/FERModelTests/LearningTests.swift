import FERCore
import FERModel
import ReferenceBackend
import Testing

/// The layers, loss and optimiser together learn: a small conv net on a synthetic task
/// (bright left half vs bright right half) goes from chance to near-perfect on the reference.
@Suite struct LearningTests {
    @Test func smallNetworkLearnsASyntheticTask() throws {
        let backend = ReferenceBackend()
        let layers: [Layer] = [
            try Conv2dLayer(name: "conv1", backend: backend, inChannels: 1, outChannels: 4),
            try BatchNormLayer(name: "bn1", backend: backend, channels: 4),
            ReLULayer(name: "relu1", backend: backend),
            MaxPoolLayer(name: "pool1", backend: backend),
            FlattenLayer(),
            try DenseLayer(name: "fc1", backend: backend, inFeatures: 4 * 4 * 4, outFeatures: 2, flattenedFrom: [4, 4, 4]),
        ]
        let network = try Network(architecture: "test", backend: backend, inputShape: [8, 8, 1], layers: layers)
        try network.initialize(seed: 3)
        let loss = try SoftmaxCrossEntropyLoss(backend: backend, classes: 2)
        let optimizer = AdamOptimizer(AdamHyperparameters(learningRate: 0.01))
        var generator = PhiloxGenerator(seed: 9)
        var losses: [Float] = []
        var lastCorrect: Int32 = 0
        for step in 1...40 {
            var images: [Float] = [], labels: [Int32] = []
            for _ in 0..<16 {
                let label = Int32(generator.next() % 2)
                for _ in 0..<8 { for x in 0..<8 { images.append((x < 4) == (label == 0) ? generator.uniform(0.5, 1) : generator.uniform(0, 0.5)) } }
                labels.append(label)
            }
            let context = PassContext(mode: .training, seed: 1, step: step)
            let logits = try network.forward(try backend.tensor(images, [16, 8, 8, 1]), context: context)
            let out = try loss(logits: logits, labels: try backend.intTensor(labels, [16]))
            try network.backward(out.logitsGrad, context: context)
            try optimizer.update(network.parameters, on: backend)
            losses.append(try backend.floats(out.loss)[0])
            lastCorrect = try backend.ints(out.correct)[0]
        }
        #expect(losses.first! > 0.5)
        #expect(losses.suffix(5).reduce(0, +) / 5 < 0.2)
        #expect(lastCorrect >= 15)
    }
}
