import FERCore
import ReferenceBackend
import Testing

/// Augmentation moves pixels where the maths says: a single bright source pixel at
/// (x 10, y 5) of a 48x48 image is followed through a flip and a 90-degree rotation.
@Suite struct AugmentTests {
    let b = ReferenceBackend()

    func augment(_ configure: (inout AugmentParameters) -> Void) throws -> [Float] {
        var image = [UInt8](repeating: 0, count: 48 * 48)
        image[5 * 48 + 10] = 255
        var p = AugmentParameters(batch: 1, imageCount: 1, seed: 1, epoch: 0)
        configure(&p)
        let images = try b.makeTensor([1, 48, 48], .uint8)
        try b.upload(image, to: images)
        let output = try b.makeTensor([1, 48, 48, 1], .float32)
        try b.augmentBatch(p, images: images, labels: try b.intTensor([3], [1]), indices: try b.intTensor([0], [1]),
                           output: output, outputLabels: try b.makeTensor([1], .int32))
        return try b.floats(output)
    }

    func brightest(_ values: [Float]) -> (x: Int, y: Int, value: Float) {
        let index = values.indices.max { values[$0] < values[$1] }!
        return (index % 48, index / 48, values[index])
    }

    @Test func identityKeepsThePixelAndScalesToUnitRange() throws {
        let out = try augment { _ in }
        #expect(brightest(out) == (10, 5, 1))
        #expect(out.filter { $0 != 0 }.count == 1)
    }

    /// A view offset (ten-crop) moves the sampled window by whole pixels: output (x, y) is input
    /// (x + dx, y + dy), also after a flip, and a pixel pushed outside is gone.
    @Test func viewOffsetShiftsTheWindow() throws {
        #expect(brightest(try augment { $0.viewOffsetX = 4; $0.viewOffsetY = -3 }) == (6, 8, 1))
        #expect(brightest(try augment { $0.viewOffsetX = -4; $0.flipProbability = 1 }) == (33, 5, 1))
        #expect(try augment { $0.viewOffsetX = 11 }.allSatisfy { $0 == 0 })
    }

    /// Erasing zeroes one rectangle of 9-28 pixels a side (0.2-0.6 of 48) on a bright image,
    /// over many images and epochs.
    @Test func erasingZeroesOneRectangleOfBoundedSize() throws {
        let images = try b.makeTensor([8, 48, 48], .uint8)
        try b.upload([UInt8](repeating: 200, count: 8 * 48 * 48), to: images)
        let output = try b.makeTensor([8, 48, 48, 1], .float32)
        var erasedImages = 0
        for epoch in 0..<6 {
            var p = AugmentParameters(batch: 8, imageCount: 8, seed: 3, epoch: UInt64(epoch))
            p.erasingProbability = 0.5
            try b.augmentBatch(p, images: images, labels: try b.intTensor([Int32](repeating: 1, count: 8), [8]),
                               indices: try b.intTensor((0..<8).map(Int32.init), [8]), output: output,
                               outputLabels: try b.makeTensor([8], .int32))
            let out = try b.floats(output)
            for image in 0..<8 {
                let zeros = (0..<2304).filter { out[image * 2304 + $0] == 0 }
                let rectangle = p.erasedRectangle(forImage: image)
                #expect(zeros.count == (rectangle.map { $0.height * $0.width } ?? 0))
                guard let r = rectangle else { continue }
                erasedImages += 1
                #expect((9...28).contains(r.height) && (9...28).contains(r.width), "\(r)")
                #expect(zeros.allSatisfy { (r.top..<(r.top + r.height)).contains($0 / 48) && (r.left..<(r.left + r.width)).contains($0 % 48) })
            }
        }
        #expect((12...36).contains(erasedImages), "about half of 48 images erased, got \(erasedImages)")
    }

    @Test func flipMirrorsTheColumn() throws {
        let out = try augment { $0.flipProbability = 1 }
        #expect(brightest(out) == (37, 5, 1))
    }

    @Test func ninetyDegreeRotationTurnsAboutTheCentre() throws {
        // Output (ox, oy) reads source (oy, 47 - ox): the source pixel (10, 5) lands at (42, 10).
        let out = try augment { $0.minRotation = 90; $0.maxRotation = 90 }
        let top = brightest(out)
        #expect(top.x == 42 && top.y == 10)
        #expect(abs(top.value - 1) < 1e-4)
    }

    @Test func cropShiftsByWholePixelsAndNormalises() throws {
        let out = try augment { $0.cropPadding = 4; $0.mean = 0.5; $0.std = 0.5 }
        let top = brightest(out)
        #expect(abs(top.value - 1) < 1e-6)  // (1 - 0.5) / 0.5
        #expect(abs(top.x - 10) <= 4 && abs(top.y - 5) <= 4)
        #expect(out.allSatisfy { $0 == -1 || $0 == 1 })
    }

    @Test func drawsDependOnEpochAndImageNotOnBatchPosition() {
        let p = AugmentParameters(batch: 4, imageCount: 10, seed: 5, epoch: 2)
        var flips = p
        flips.flipProbability = 0.5
        #expect((0..<10).map { flips.draws(forImage: $0).flip }.contains(true))
        #expect((0..<10).map { flips.draws(forImage: $0).flip }.contains(false))
        #expect(p.draws(forImage: 7).angle == 0)
        var rotating = p
        rotating.minRotation = -10; rotating.maxRotation = 10
        var rotatingNextEpoch = rotating
        rotatingNextEpoch.epoch = 3
        #expect(rotating.draws(forImage: 7).angle != rotatingNextEpoch.draws(forImage: 7).angle)
    }
}
