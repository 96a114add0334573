import FERCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Batch gathering and augmentation; the maths is stated on `AugmentParameters`. Float32
/// throughout, in the same order as Kernels/augment.cl, so both backends agree to rounding.
extension ReferenceBackend {
    public func augmentBatch(_ p: AugmentParameters, images: Tensor, labels: Tensor, indices: Tensor,
                             output: Tensor, outputLabels: Tensor) throws {
        let op = Op.augmentBatch
        try p.validate(op: op.rawValue)
        try images.require(p.imageCount * p.pixelsPerImage, .uint8, op: op.rawValue, "images")
        let pixels = try host(images, op: op.rawValue, "images").bytes.assumingMemoryBound(to: UInt8.self)
        let allLabels = try int32s(labels, p.imageCount, op: op, "labels")
        let index = try int32s(indices, p.indexCount, op: op, "indices") + p.firstIndex
        let y = try floats(output, p.outputCount, op: op, "output")
        let batchLabels = try int32s(outputLabels, p.batch, op: op, "outputLabels")
        let centerX = Float(p.width - 1) / 2, centerY = Float(p.height - 1) / 2
        for b in 0..<p.batch {
            let source = Int(index[b])
            guard (0..<p.imageCount).contains(source) else {
                throw BackendError.invalidArgument(op: op.rawValue, reason: "index \(source) at batch position \(b) outside 0..<\(p.imageCount)")
            }
            batchLabels[b] = allLabels[source]
            let d = p.draws(forImage: source)
            let radians = d.angle * (Float.pi / 180)
            let cosine = cosf(radians), sine = sinf(radians)
            let image = pixels + source * p.pixelsPerImage
            func pixel(_ x: Int, _ y: Int) -> Float {
                x >= 0 && x < p.width && y >= 0 && y < p.height ? Float(image[y * p.width + x]) : 0
            }
            for oy in 0..<p.height {
                for ox in 0..<p.width {
                    let qx = Float(ox) - centerX, qy = Float(oy) - centerY
                    // R(-angle) q / scale - t + c
                    var sx = (cosine * qx + sine * qy) / d.scale - d.tx + centerX
                    let sy = (-sine * qx + cosine * qy) / d.scale - d.ty + centerY
                    if d.flip { sx = Float(p.width - 1) - sx }
                    let fx = sx + Float(d.cropX + p.viewOffsetX), fy = sy + Float(d.cropY + p.viewOffsetY)
                    let x0 = Int(floorf(fx)), y0 = Int(floorf(fy))
                    let wx = fx - Float(x0), wy = fy - Float(y0)
                    let top = pixel(x0, y0) * (1 - wx) + pixel(x0 + 1, y0) * wx
                    let bottom = pixel(x0, y0 + 1) * (1 - wx) + pixel(x0 + 1, y0 + 1) * wx
                    let value = top * (1 - wy) + bottom * wy
                    y[(b * p.height + oy) * p.width + ox] = (value * p.pixelScale - p.mean) / p.std
                }
            }
            if let r = p.erasedRectangle(forImage: source) {
                for oy in r.top..<(r.top + r.height) {
                    for ox in r.left..<(r.left + r.width) { y[(b * p.height + oy) * p.width + ox] = 0 }
                }
            }
        }
    }
}
