import FERCore
import FERModel

/// An exponential moving average of a network's weights and batch-norm running statistics
/// (as timm's ModelEmaV2 keeps it), updated after every optimiser step:
///     average = decay * average + (1 - decay) * weights.
/// With it enabled a run validates and saves the average, which generalises better than the
/// last weights; `swappedIn` puts it into the network for a while.
public final class WeightAverage {
    public let decay: Float
    let network: Network
    /// The network's tensors that are averaged, by their model names, and their averages.
    let entries: [(name: String, value: Tensor, average: Tensor)]
    /// Holds the live weights while the average is swapped in.
    private var parked: [Tensor] = []

    /// Starts the average at the network's current weights.
    public init(network: Network, decay: Float) throws {
        self.decay = decay
        self.network = network
        let backend = network.backend
        let named = network.parameters.map { ($0.name, $0.value) } + network.layers.flatMap(\.stateTensors).map { ($0.name, $0.value) }
        entries = try named.map { name, value in
            let average = try backend.makeTensor(value.shape, .float32)
            try backend.emaUpdate(decay: 0, average: average, value: value)
            return (name, value, average)
        }
    }

    public func update() throws {
        for entry in entries { try network.backend.emaUpdate(decay: decay, average: entry.average, value: entry.value) }
    }

    /// Runs `body` with the averaged weights in the network, then restores the live ones.
    public func swappedIn<T>(_ body: () throws -> T) throws -> T {
        let backend = network.backend
        if parked.isEmpty { parked = try entries.map { try backend.makeTensor($0.value.shape, .float32) } }
        for (entry, spare) in zip(entries, parked) {
            try backend.emaUpdate(decay: 0, average: spare, value: entry.value)
            try backend.emaUpdate(decay: 0, average: entry.value, value: entry.average)
        }
        defer {
            for (entry, spare) in zip(entries, parked) { try? backend.emaUpdate(decay: 0, average: entry.value, value: spare) }
        }
        return try body()
    }

    /// Checkpoint tensors: each average in the engine's layout under `optimizer.ema.<name>`, with
    /// the optimiser's state, which model loading skips.
    public static let prefix = Checkpoint.optimizerPrefix + "ema."

    public func tensors() throws -> [String: SafetensorsFile.Entry] {
        var out: [String: SafetensorsFile.Entry] = [:]
        for entry in entries { out[Self.prefix + entry.name] = .floats(try network.backend.floats(entry.average), shape: entry.average.shape) }
        return out
    }

    public func restore(from file: SafetensorsFile, path: String) throws {
        for entry in entries {
            guard let saved = file.tensors[Self.prefix + entry.name], saved.shape == entry.average.shape else {
                throw ModelFileError.mismatch(path: path, missing: [Self.prefix + entry.name], unexpected: [], wrongShape: [])
            }
            try network.backend.upload(try saved.floats(), to: entry.average)
        }
    }
}
