import FERCore
import ReferenceBackend
import Testing

/// Mixup and CutMix mix image b with image B-1-b as `MixGeometry` states, and the per-step draws
/// follow Beta(α, α) and timm's box rule.
@Suite struct MixBatchTests {
    let b = ReferenceBackend()

    /// Image i is filled with the value i + 1, so every output pixel says where it came from.
    func mix(_ g: MixGeometry) throws -> [Float] {
        let x = (0..<g.count).map { Float($0 / (g.height * g.width) + 1) }
        let output = try b.makeTensor([g.batch, g.height, g.width, 1], .float32)
        try b.mixBatch(g, input: try b.tensor(x, [g.batch, g.height, g.width, 1]), output: output)
        return try b.floats(output)
    }

    @Test func mixupBlendsEachImageWithItsMirroredPartner() throws {
        let y = try mix(MixGeometry(batch: 5, height: 4, width: 3, mode: .mixup, lambda: 0.25))
        for image in 0..<5 {
            let expected = 0.25 * Float(image + 1) + 0.75 * Float(5 - image)
            #expect(y[(image * 12)..<((image + 1) * 12)].allSatisfy { abs($0 - expected) < 1e-6 }, "image \(image)")
        }
        // The middle image of an odd batch is its own partner.
        #expect(y[24..<36].allSatisfy { $0 == 3 })
    }

    @Test func cutmixPastesThePartnersBox() throws {
        var g = MixGeometry(batch: 4, height: 6, width: 5, mode: .cutmix, lambda: 1 - 6.0 / 30)
        g.top = 1; g.left = 2; g.boxHeight = 2; g.boxWidth = 3
        let y = try mix(g)
        for image in 0..<4 {
            for row in 0..<6 {
                for column in 0..<5 {
                    let inside = (1..<3).contains(row) && (2..<5).contains(column)
                    #expect(y[image * 30 + row * 5 + column] == Float(inside ? 4 - image : image + 1))
                }
            }
        }
    }

    @Test func drawsAreDeterministicAndFollowBeta() throws {
        let mixing = BatchMixing(mixupAlpha: 0.2)
        let draws = (0..<4000).compactMap { mixing.geometry(seed: 7, step: $0, batch: 8, height: 48, width: 48)?.lambda }
        #expect(draws.count == 4000)
        #expect(draws == (0..<4000).compactMap { mixing.geometry(seed: 7, step: $0, batch: 8, height: 48, width: 48)?.lambda })
        let mean = draws.reduce(0) { $0 + Double($1) } / Double(draws.count)
        let variance = draws.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(draws.count)
        // Beta(α, α): mean 1/2, variance 1 / (4 (2α + 1)) = 0.1786 for α = 0.2.
        #expect(abs(mean - 0.5) < 0.02, "mean \(mean)")
        #expect(abs(variance - 1 / (4 * 1.4)) < 0.01, "variance \(variance)")
        #expect(BatchMixing(mixupAlpha: 0.2, probability: 0).geometry(seed: 7, step: 0, batch: 8, height: 48, width: 48) == nil)
        let sometimes = (0..<1000).filter { BatchMixing(mixupAlpha: 1, probability: 0.3).geometry(seed: 3, step: $0, batch: 8, height: 48, width: 48) != nil }
        #expect((240...360).contains(sometimes.count), "\(sometimes.count) of 1000 steps mixed at probability 0.3")
    }

    /// CutMix's λ is the area its box leaves to the image itself; with both alphas about half the steps are CutMix.
    @Test func cutmixLambdaIsTheKeptArea() throws {
        let mixing = BatchMixing(mixupAlpha: 0.4, cutmixAlpha: 1)
        var cutmixSteps = 0
        for step in 0..<400 {
            let g = try #require(mixing.geometry(seed: 11, step: step, batch: 8, height: 48, width: 44))
            guard g.mode == .cutmix else { continue }
            cutmixSteps += 1
            try g.validate(op: "test")
            #expect(abs(g.lambda - (1 - Float(g.boxHeight * g.boxWidth) / Float(48 * 44))) < 1e-6)
        }
        #expect((150...250).contains(cutmixSteps), "\(cutmixSteps) of 400")
    }
}
