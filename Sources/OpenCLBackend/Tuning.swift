/// Launch sizes for every kernel, decided in one place. These are the safe defaults; the
/// speed work replaces them with measured per-device values.
struct Tuning {
    /// Work-group size of 1-D elementwise kernels.
    let elementwise: Int
    /// Work-group size of per-channel reductions (batch norm, bias gradients); a power of two.
    let reduction: Int
    /// Work-group tile of 2-D kernels (conv and dense outputs): (columns, rows).
    let tile2D: (Int, Int)

    init(device: DeviceInfo) {
        let limit = max(1, device.maxWorkGroupSize)
        elementwise = min(64, limit)
        var power = 1
        while power * 2 <= min(128, limit) { power *= 2 }
        reduction = power
        tile2D = limit >= 64 ? (16, 4) : (1, 1)
    }
}
