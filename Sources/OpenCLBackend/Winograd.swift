import FERCore

/// Winograd F(MxM, 3x3) convolution passes (Kernels/winograd.cl): transforms around T^2
/// grouped products of conv_tiled.cl's GEMM kernels (T = M + 2), over chunks of images whose
/// transformed operands fit the cache (`GemmTuning.winogradChunkFloats`). Conv2d.swift decides
/// when (`WinogradProduct.init?`); results equal the implicit GEMM's up to rounding, which
/// `verify` checks against the reference like every other path.
///
/// | pass             | transforms in                 | T^2 products per chunk             | transform out          |
/// |------------------|-------------------------------|------------------------------------|------------------------|
/// | forward          | w -> U (packed, once), x -> V | M = V U  (conv2d_forward_tiled)    | y = A^T M A + bias     |
/// | backward-data    | flipped w -> U, dy -> V       | M = V U                            | dx = A^T M A           |
/// | weight gradient  | x -> V (channel-major), dy -> Yt | Mw += V Yt (conv2d_forward_tiled)| dw = G^T Mw G (once)   |
extension OpenCLBackend {
    /// out = conv(in, w) (+ bias) for the product `p`; `flipped` builds backward-data's filters.
    func winogradProduct(_ p: WinogradProduct, input x: KernelArgument, weight w: KernelArgument, bias: KernelArgument?,
                         flipped: Bool, output y: KernelArgument) throws {
        let shape = productShape(outChannels: p.outChannels)
        var defines = p.defines(images: p.batch)
        defines["NR"] = shape.columns
        defines["FLIPPED"] = flipped ? 1 : 0
        defines["HAS_BIAS"] = bias == nil ? 0 : 1
        let u = try preparedWeight(w, role: "winograd filters",
                                   layout: "\(p.positions)x\(shape.columnTiles)x\(shape.columns)x\(p.inChannels)" + (flipped ? " flipped" : ""),
                                   count: p.positions * shape.columnTiles * shape.columns * p.inChannels) { filters in
            let filterGrid = p.transformGrid(shape.columnTiles * shape.columns, p.inChannels)
            let grid = flipped ? filterGrid.reversed() : filterGrid
            try launch("winograd_weight_transform", file: "winograd.cl", defines: defines, global: grid, local: tuning.elementwiseGroup(grid), [w, filters])
        }
        let chunk = p.chunkImages(tuning, transformedChannels: p.inChannels + p.outChannels)
        let m = KernelArgument.tensor(try scratch("winograd products", count: p.positions * p.tiles(chunk) * p.outChannels))
        for first in stride(from: 0, to: p.batch, by: chunk) {
            let images = min(chunk, p.batch - first)
            defines["BATCH"] = images
            let v = try winogradInput(p, x, first: first, images: images)
            try tiledProductLaunch(p.gemm(images: images), input: v, matrix: u, packed: true, bias: nil, output: m, groups: p.positions)
            let tiles = p.tiles(images)
            try launch("winograd_output_transform", file: "winograd.cl", defines: defines,
                       global: p.transformGrid(p.outChannels, tiles), local: tuning.elementwiseGroup(p.transformGrid(p.outChannels, tiles)),
                       [m, bias ?? m, y, .int(first)])
        }
    }

    /// dw of the layer whose forward product is `p`; needs outChannels % 16 == 0 (Yt is the
    /// product's B, read in place). Chunks after the first add to Mw. Mw lives in the scratch
    /// of the other passes' filters U (when they are not kept, PreparedWeights.swift), and Yt in
    /// that of their products M: no pass uses both, and the queue runs passes in order (18 MB
    /// less for the seed network).
    func winogradWeightGradient(_ p: WinogradProduct, input x: KernelArgument, outputGrad dy: KernelArgument,
                                weightGrad dw: KernelArgument) throws {
        let chunk = p.chunkImages(tuning, transformedChannels: p.inChannels + p.outChannels)
        let yt = KernelArgument.tensor(try scratch("winograd products", count: p.positions * p.tiles(chunk) * p.outChannels))
        let mw = KernelArgument.tensor(try scratch("winograd filters", count: p.positions * p.inChannels * p.outChannels))
        for first in stride(from: 0, to: p.batch, by: chunk) {
            let images = min(chunk, p.batch - first)
            let tiles = p.tiles(images)
            let v = try winogradInput(p, x, first: first, images: images, channelMajor: true)
            try launch("winograd_gradient_transform", file: "winograd.cl", defines: p.defines(images: images),
                       global: p.transformGrid(p.outChannels, tiles), local: tuning.elementwiseGroup(p.transformGrid(p.outChannels, tiles)), [dy, yt, .int(first)])
            // Mw[xi] (+)= V[xi] (inChannels x tiles) Yt[xi] (tiles x outChannels): rows are channels.
            try tiledProductLaunch(ImplicitGemm(dense: p.inChannels, inFeatures: tiles, outFeatures: p.outChannels), input: v, matrix: yt,
                                   packed: false, bias: nil, output: mw, groups: p.positions, accumulate: first > 0)
        }
        try launch("winograd_weight_gradient_transform", file: "winograd.cl", defines: p.defines(images: p.batch),
                   global: p.transformGrid(p.outChannels, p.inChannels), local: tuning.elementwiseGroup(p.transformGrid(p.outChannels, p.inChannels)), [mw, dw])
    }

    /// V = B^T d B of every tile of `images` images from `first`: [T^2][tiles][inChannels], or
    /// [T^2][inChannels][tiles] when `channelMajor` (the weight gradient's operand).
    private func winogradInput(_ p: WinogradProduct, _ x: KernelArgument, first: Int, images: Int, channelMajor: Bool = false) throws -> KernelArgument {
        let tiles = p.tiles(images)
        let v = KernelArgument.tensor(try scratch("winograd inputs", count: p.positions * tiles * p.inChannels))
        var defines = p.defines(images: images)
        defines["CHANNEL_MAJOR"] = channelMajor ? 1 : 0
        let grid = channelMajor ? p.transformGrid(p.inChannels, tiles).reversed() : p.transformGrid(p.inChannels, tiles)
        try launch("winograd_input_transform", file: "winograd.cl", defines: defines,
                   global: grid, local: tuning.elementwiseGroup(grid), [x, v, .int(first)])
        return v
    }
}

/// A 3x3, stride-1, padding-1 convolution as Kernels/winograd.cl sees it: NHWC images of
/// height x width, inChannels -> outChannels, output the same size, in output tiles of
/// `tile` x `tile`. Backward-data is the forward product of dy with flipped filters (channels swapped).
struct WinogradProduct {
    var batch, height, width, inChannels, outChannels: Int
    /// M of F(MxM, 3x3): 2, 3 or 4.
    var tile: Int

    /// Transform positions of a (M+2)x(M+2) tile: the number of grouped products.
    var positions: Int { (tile + 2) * (tile + 2) }

    func tiles(_ images: Int) -> Int { images * ((height + tile - 1) / tile) * ((width + tile - 1) / tile) }

    /// Each position's product over `images` images as conv_tiled.cl sees it: a dense layer over tiles.
    func gemm(images: Int) -> ImplicitGemm { ImplicitGemm(dense: tiles(images), inFeatures: inChannels, outFeatures: outChannels) }

    func defines(images: Int) -> [String: Int] {
        ["WINO_M": tile, "BATCH": images, "IN_H": height, "IN_W": width, "IN_C": inChannels, "OUT_C": outChannels, "VW": vectorWidth]
    }

    /// Channels per transform work-item (winograd.cl's VW): 8 or 4 when both channel counts allow.
    var vectorWidth: Int { [8, 4].first { inChannels % $0 == 0 && outChannels % $0 == 0 } ?? 1 }

    /// The global size of a transform over `channels` (its contiguous axis) and `count` rows.
    func transformGrid(_ channels: Int, _ count: Int) -> [Int] { [channels / vectorWidth, count] }

    /// Images per chunk: as many as keep `transformedChannels` floats per tile position within
    /// the tuning's budget (at least one), balanced so that the chunks are near equal.
    func chunkImages(_ tuning: Tuning, transformedChannels: Int) -> Int {
        let perImage = positions * tiles(1) * transformedChannels
        let fit = max(1, min(batch, tuning.gemm.winogradChunkFloats / perImage))
        let chunks = (batch + fit - 1) / fit
        return (batch + chunks - 1) / chunks
    }

    init?(backwardData g: Conv2dGeometry, tuning: Tuning) {
        guard let forward = WinogradProduct(forward: g, tuning: tuning) else { return nil }
        self = forward
        swap(&inChannels, &outChannels)
    }

    /// nil when `g` is not a 3x3, stride-1, padding-1 convolution with enough channels, or
    /// the tuning has Winograd off.
    init?(forward g: Conv2dGeometry, tuning: Tuning) {
        guard tuning.gemm.enabled, tuning.gemm.winograd > 0, g.kernelHeight == 3, g.kernelWidth == 3, g.stride == 1, g.padding == 1,
              min(g.inChannels, g.outChannels) >= tuning.winogradMinChannels else { return nil }
        batch = g.batch; height = g.height; width = g.width; inChannels = g.inChannels; outChannels = g.outChannels
        tile = tuning.gemm.winogradTile(height: g.height, width: g.width)
    }
}

extension GemmTuning {
    /// The Winograd output tile of a 3x3 layer on height x width images: up to `winograd`, with the fewest transformed values per image (the
    /// multiplies of the products and the transforms' traffic): larger tiles save work only
    /// when the image is not mostly padding (6x6: F(4x4) pads to 8x8, 144 values like
    /// F(2x2); F(3x3) fits exactly, 100). Ties go to the smaller tile (cheaper transforms).
    /// 0 when this row has Winograd off.
    public func winogradTile(height: Int, width: Int) -> Int {
        guard winograd > 0 else { return 0 }
        func values(_ m: Int) -> Int { (m + 2) * (m + 2) * ((height + m - 1) / m) * ((width + m - 1) / m) }
        return [2, 3, 4].filter { $0 <= winograd }.min { values($0) < values($1) } ?? 2
    }
}
