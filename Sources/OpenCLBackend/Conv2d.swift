import FERCore

/// Convolution passes. The variant is chosen here; the kernels only compute.
///
/// | pass            | fast variant (Kernels/conv_tiled.cl)                          | used when                          | else (Kernels/conv.cl)   |
/// |-----------------|---------------------------------------------------------------|------------------------------------|--------------------------|
/// | forward         | pack weights+bias into NR-column panels, implicit GEMM        | always (tuning.gemm.enabled)       | conv2d_forward           |
/// | backward-data   | pack flipped/transposed weights, the same implicit GEMM on dy | padding <= kernel - 1 (stride > 1: | conv2d_backward_data     |
/// |                 | (dy read as dilated by the stride, taps on zeros skipped)     | dy dilated, see conv_tiled.cl)     |                          |
/// | backward-weights| implicit GEMM per chunk of images, partials summed (reduce.cl)| outChannels % 16 == 0              | conv2d_backward_weights  |
///
/// Before any of these: 3x3, stride-1, padding-1 layers with enough channels run all three
/// passes as Winograd F(MxM, 3x3), M = 2, 3 or 4, when the tuning allows it (Winograd.swift).
///
/// The bias gradient is `column_sum` (reduce.cl) in every case.
extension OpenCLBackend {
    private func shapeArguments(_ g: Conv2dGeometry) -> [KernelArgument] {
        [g.batch, g.height, g.width, g.inChannels, g.outChannels, g.kernelHeight, g.kernelWidth,
         g.stride, g.padding, g.outHeight, g.outWidth].map { .int($0) }
    }

    public func conv2dForward(_ g: Conv2dGeometry, input: Tensor, weight: Tensor, bias: Tensor?, output: Tensor) throws {
        let op = Op.conv2dForward
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.inputCount, op: op, "input")
        let w = try operand(weight, g.weightCount, op: op, "weight")
        let b = try bias.map { try operand($0, g.outChannels, op: op, "bias") } ?? w
        let y = try operand(output, g.outputCount, op: op, "output")
        try profiledOp("\(op.rawValue) \(g)", flops: g.flops) {
            if let product = WinogradProduct(forward: g, tuning: tuning) {
                try winogradProduct(product, input: x, weight: w, bias: bias == nil ? nil : b, flipped: false, output: y)
                return
            }
            if tuning.gemm.enabled {
                try tiledProduct(ImplicitGemm(forward: g), input: x, weight: w, bias: bias == nil ? nil : b, flipped: false, output: y)
                return
            }
            let (columns, rows) = tuning.tile2D
            try launch("conv2d_forward", file: "conv.cl", defines: ["HAS_BIAS": bias == nil ? 0 : 1],
                       global: [g.outChannels, g.batch * g.outHeight * g.outWidth], local: [columns, rows],
                       [x, w, b, y] + shapeArguments(g))
        }
    }

    public func conv2dBackwardData(_ g: Conv2dGeometry, outputGrad: Tensor, weight: Tensor, inputGrad: Tensor) throws {
        let op = Op.conv2dBackwardData
        try g.validate(op: op.rawValue)
        let dy = try operand(outputGrad, g.outputCount, op: op, "outputGrad")
        let w = try operand(weight, g.weightCount, op: op, "weight")
        let dx = try operand(inputGrad, g.inputCount, op: op, "inputGrad")
        try profiledOp("\(op.rawValue) \(g)", flops: g.flops) {
            if let product = WinogradProduct(backwardData: g, tuning: tuning) {
                try winogradProduct(product, input: dy, weight: w, bias: nil, flipped: true, output: dx)
                return
            }
            if tuning.gemm.enabled, let product = ImplicitGemm(backwardData: g) {
                try tiledProduct(product, input: dy, weight: w, bias: nil, flipped: true, output: dx)
                return
            }
            let (columns, rows) = tuning.tile2D
            try launch("conv2d_backward_data", file: "conv.cl",
                       global: [g.inChannels, g.batch * g.height * g.width], local: [columns, rows],
                       [dy, w, dx] + shapeArguments(g))
        }
    }

    public func conv2dBackwardWeights(_ g: Conv2dGeometry, input: Tensor, outputGrad: Tensor, weightGrad: Tensor, biasGrad: Tensor?) throws {
        let op = Op.conv2dBackwardWeights
        try g.validate(op: op.rawValue)
        let x = try operand(input, g.inputCount, op: op, "input")
        let dy = try operand(outputGrad, g.outputCount, op: op, "outputGrad")
        let dw = try operand(weightGrad, g.weightCount, op: op, "weightGrad")
        let db = try biasGrad.map { try operand($0, g.outChannels, op: op, "biasGrad") }
        try profiledOp("\(op.rawValue) \(g)", flops: g.flops) {
            if let product = WinogradProduct(forward: g, tuning: tuning), g.outChannels % 16 == 0 {
                try winogradWeightGradient(product, input: x, outputGrad: dy, weightGrad: dw)
            } else if tuning.gemm.enabled, g.outChannels % 16 == 0 {
                try tiledWeightGradient(ImplicitGemm(forward: g), input: x, outputGrad: dy, weightGrad: dw)
            } else {
                let (columns, rows) = tuning.tile2D
                try launch("conv2d_backward_weights", file: "conv.cl",
                           global: [g.outChannels, g.kernelHeight * g.kernelWidth * g.inChannels], local: [columns, rows],
                           [x, dy, dw] + shapeArguments(g))
            }
            if let db {
                try columnSum(dy, rows: g.batch * g.outHeight * g.outWidth, columns: g.outChannels, into: db)
            }
        }
    }

    /// out[c] = sum_r a[r, c]: the bias gradient of conv and dense layers. Rows are cut into
    /// chunks summed 4 columns per work-item (contiguous loads), then the chunks are added.
    func columnSum(_ a: KernelArgument, rows: Int, columns: Int, into out: KernelArgument) throws {
        let used = rowChunks(rows).count
        let target = used == 1 ? out : KernelArgument.tensor(try scratch("column sum partials", count: used * columns))
        try columnPartialSums(a, rows: rows, columns: columns, into: target)
        if used > 1 {
            try launch("sum_partials", file: "reduce.cl", global: [(columns + 3) / 4], local: [tuning.elementwise],
                       [target, .int(used), .int(columns), out])
        }
    }

    /// How column reductions cut `rows`: (number of chunks, rows per chunk).
    func rowChunks(_ rows: Int) -> (count: Int, rows: Int) {
        let chunks = max(1, min(tuning.columnSumChunks, rows / 16))
        let chunkRows = (rows + chunks - 1) / chunks
        return ((rows + chunkRows - 1) / chunkRows, chunkRows)
    }

    /// part[chunk][c] = sum of a[r][c] over the chunk's rows (`rowChunks`).
    func columnPartialSums(_ a: KernelArgument, rows: Int, columns: Int, into part: KernelArgument) throws {
        let (used, chunkRows) = rowChunks(rows)
        try launch("column_sum", file: "reduce.cl", global: [(columns + 3) / 4, used], local: [tuning.gemm.local, 1],
                   [a, .int(rows), .int(columns), .int(chunkRows), part])
    }

    // MARK: register-tiled implicit GEMM (Kernels/conv_tiled.cl)

    /// y = conv(x, w) + bias as the product [pixels x taps*inC] x [taps*inC x outC]: packs the
    /// weights (flipped and transposed for backward-data) into column panels, then one
    /// work-item per MR x NR output tile.
    func tiledProduct(_ p: ImplicitGemm, input x: KernelArgument, weight w: KernelArgument, bias: KernelArgument?,
                      flipped: Bool, output y: KernelArgument) throws {
        let shape = productShape(outChannels: p.outChannels)
        let packs = flipped || tuning.gemm.packAlways || p.outChannels % shape.columns != 0
        var matrix = w
        if packs {
            matrix = try preparedWeight(w, role: "packed weights",
                                        layout: "\(p.kernelHeight)x\(p.kernelWidth)x\(p.inChannels)->\(p.outChannels) in "
                                            + "\(shape.columnTiles)x\(shape.columns)" + (flipped ? " flipped" : ""),
                                        count: shape.columnTiles * shape.columns * p.reduction) { panels in
                // The product's own defines (HAS_BIAS included, unused here): one program serves
                // both launches. Every program POCL builds stays resident (about 2 MB each).
                try launch(flipped ? "conv2d_pack_weights_flipped" : "conv2d_pack_weights", file: "conv_tiled.cl",
                           defines: productDefines(p, shape, bias: bias != nil, packed: true),
                           global: [p.reduction, shape.columnTiles], local: [tuning.elementwise, 1], [w, panels])
            }
        }
        try tiledProductLaunch(p, input: x, matrix: matrix, packed: packs, bias: bias, output: y)
    }

    /// The MR x NR tile of a forward product with `outChannels` columns; `exact`: NR divides
    /// outChannels (B read in place; needs outChannels % 16 == 0).
    func productShape(outChannels: Int, exact: Bool = false) -> (rows: Int, vectors: Int, columns: Int, columnTiles: Int) {
        var vectors = min(tuning.gemm.maxVectors, (outChannels + 15) / 16)
        while exact && vectors > 1 && outChannels % (16 * vectors) != 0 { vectors -= 1 }
        let columns = 16 * vectors
        return (tuning.gemm.rows(forVectors: vectors), vectors, columns, (outChannels + columns - 1) / columns)
    }

    private func productDefines(_ p: ImplicitGemm, _ shape: (rows: Int, vectors: Int, columns: Int, columnTiles: Int),
                                bias: Bool, packed: Bool, groups: Int = 1, accumulate: Bool = false) -> [String: Int] {
        var defines = p.defines
        defines["MR"] = shape.rows
        defines["NV"] = shape.vectors
        defines["HAS_BIAS"] = bias ? 1 : 0
        defines["PACKED_B"] = packed ? 1 : 0
        defines["GROUPS"] = groups
        defines["ACCUMULATE"] = accumulate ? 1 : 0
        return defines
    }

    /// `groups` products of geometry `p` at once (operands stacked, each one whole operand
    /// after the last); B is `matrix`, packed into column panels (`productShape`) or read in
    /// place (needs outChannels % 16 == 0); `accumulate` adds the product to y.
    func tiledProductLaunch(_ p: ImplicitGemm, input x: KernelArgument, matrix: KernelArgument, packed: Bool,
                            bias: KernelArgument?, output y: KernelArgument, groups: Int = 1, accumulate: Bool = false) throws {
        let shape = productShape(outChannels: p.outChannels, exact: !packed)
        precondition(packed || p.outChannels % shape.columns == 0, "B read in place needs whole NR panels")
        let zeros = KernelArgument.tensor(try scratch("zeros", count: p.inChannels))
        try launch("conv2d_forward_tiled", file: "conv_tiled.cl",
                   defines: productDefines(p, shape, bias: bias != nil, packed: packed, groups: groups, accumulate: accumulate),
                   global: [(p.pixels + shape.rows - 1) / shape.rows, shape.columnTiles, groups], local: [tuning.gemm.local, 1, 1],
                   [x, matrix, bias ?? matrix, y, zeros])
    }

    /// dw = sum over pixels of A^T dy (A the implicit im2col of x), computed per chunk of whole
    /// images into partial gradients that `sum_partials` adds up (one chunk: written directly).
    /// Needs outChannels % 16 == 0.
    func tiledWeightGradient(_ p: ImplicitGemm, input x: KernelArgument, outputGrad dy: KernelArgument,
                             weightGrad dw: KernelArgument) throws {
        // Fewer input channels than MR (conv1: one): MR rows would waste most broadcasts, so
        // the tile turns wide instead (narrowInputRows x narrowVectors).
        let narrow = p.inChannels < tuning.gemm.rows(forVectors: tuning.gemm.maxVectors)
        var vectors = narrow ? tuning.gemm.narrowVectors : tuning.gemm.maxVectors
        while p.outChannels % (16 * vectors) != 0 { vectors -= 1 }
        let rows = narrow ? tuning.gemm.narrowInputRows : tuning.gemm.rows(forVectors: vectors)
        let columnTiles = p.outChannels / (16 * vectors)
        let rowTiles = p.kernelHeight * p.kernelWidth * ((p.inChannels + rows - 1) / rows)
        let weightCount = p.reduction * p.outChannels
        let imagePixels = max(1, p.pixels / p.batch)
        var imagesPerChunk = min(p.batch, max(1, tuning.gemm.chunkPixels / imagePixels))
        var chunks = (p.batch + imagesPerChunk - 1) / imagesPerChunk
        while chunks > 1 && chunks * weightCount > tuning.gemm.maxPartialFloats {
            imagesPerChunk *= 2
            chunks = (p.batch + imagesPerChunk - 1) / imagesPerChunk
        }
        imagesPerChunk = (p.batch + chunks - 1) / chunks  // balance the chunks
        chunks = (p.batch + imagesPerChunk - 1) / imagesPerChunk
        var defines = p.defines
        defines["MR"] = rows
        defines["NV"] = vectors
        defines["IMAGES_PER_CHUNK"] = imagesPerChunk
        let target = chunks == 1 ? dw : KernelArgument.tensor(try scratch("partial weight gradients", count: chunks * weightCount))
        try launch("conv2d_weights_tiled", file: "conv_tiled.cl", defines: defines,
                   global: [rowTiles, columnTiles, chunks], local: [tuning.gemm.local, 1, 1], [x, dy, target])
        if chunks > 1 {
            try launch("sum_partials", file: "reduce.cl",
                       global: [(weightCount + 3) / 4], local: [tuning.elementwise],
                       [target, .int(chunks), .int(weightCount), dw])
        }
    }
}

/// The geometry of one tiled product as Kernels/conv_tiled.cl sees it: a stride-S convolution
/// of an NHWC input with separate vertical and horizontal padding. Dense layers are 1x1
/// convolutions of 1x1 images; backward-data is a forward convolution of dy.
struct ImplicitGemm {
    var batch, height, width, inChannels, outChannels, kernelHeight, kernelWidth, stride, padHeight, padWidth: Int
    /// > 1: the input's pixels lie this far apart with zeros between (backward-data of a strided
    /// convolution); the output size is then given, not derived.
    var dilation = 1
    var outHeight, outWidth: Int
    var pixels: Int { batch * outHeight * outWidth }
    /// The GEMM's K: taps times input channels.
    var reduction: Int { kernelHeight * kernelWidth * inChannels }

    init(forward g: Conv2dGeometry) {
        batch = g.batch; height = g.height; width = g.width; inChannels = g.inChannels; outChannels = g.outChannels
        kernelHeight = g.kernelHeight; kernelWidth = g.kernelWidth; stride = g.stride; padHeight = g.padding; padWidth = g.padding
        outHeight = g.outHeight; outWidth = g.outWidth
    }

    /// dx = conv(dy dilated by the stride, flipped w) with padding k-1-P on the top and left
    /// (and whatever the bottom and right need for an output of the layer's input size): exact
    /// for P <= k-1. Input pixels that no output window covers (the remainder of the stride)
    /// get no tap and so a zero gradient.
    init?(backwardData g: Conv2dGeometry) {
        guard g.padding <= g.kernelHeight - 1, g.padding <= g.kernelWidth - 1 else { return nil }
        batch = g.batch; height = g.outHeight; width = g.outWidth; inChannels = g.outChannels; outChannels = g.inChannels
        kernelHeight = g.kernelHeight; kernelWidth = g.kernelWidth; stride = 1
        padHeight = g.kernelHeight - 1 - g.padding; padWidth = g.kernelWidth - 1 - g.padding
        dilation = g.stride
        outHeight = g.height; outWidth = g.width
    }

    /// x [batch, inFeatures] w [inFeatures, outFeatures]: a 1x1 convolution of 1x1 images.
    init(dense batch: Int, inFeatures: Int, outFeatures: Int) {
        self.batch = batch; height = 1; width = 1; inChannels = inFeatures; outChannels = outFeatures
        kernelHeight = 1; kernelWidth = 1; stride = 1; padHeight = 0; padWidth = 0
        outHeight = 1; outWidth = 1
    }

    var defines: [String: Int] {
        var defines = ["BATCH": batch, "IN_H": height, "IN_W": width, "IN_C": inChannels, "OUT_C": outChannels,
                       "KER_H": kernelHeight, "KER_W": kernelWidth, "STRIDE": stride, "PAD_H": padHeight, "PAD_W": padWidth]
        // Only dilated products name these: every other program keeps its build options (and POCL cache entry).
        if dilation > 1 {
            defines["DILATION"] = dilation
            defines["OUT_H"] = outHeight
            defines["OUT_W"] = outWidth
        }
        return defines
    }
}
