import Foundation

/// A network as data: named nodes, each an op with its attributes and the names of the values
/// it reads. This is the JSON format of `--model my-net.json` (README, "Models from JSON") and
/// the description every model file carries in its metadata, so any tool rebuilds the network
/// from the file alone. Node names prefix the nodes' tensor names, so a node named
/// "layer1.0.conv1" holds "layer1.0.conv1.weight" as PyTorch's state_dict would.
public struct ModelDescription: Codable, Equatable, Sendable {
    /// Stored in model files as their architecture name.
    public var name: String
    /// Per-sample input shape [height, width, channels]; the value named "input".
    public var input: [Int]
    public var nodes: [NodeDescription]
    /// The node whose value is the logits; default the last node.
    public var output: String?

    public init(name: String, input: [Int], nodes: [NodeDescription], output: String? = nil) {
        self.name = name; self.input = input; self.nodes = nodes; self.output = output
    }

    /// The name of the network's input value.
    public static let inputName = "input"

    public var outputName: String { output ?? nodes.last?.name ?? Self.inputName }

    /// Sorted keys, no whitespace: the form stored in model files.
    public func json(pretty: Bool = false) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    public static func decode(json: String, source: String) throws -> ModelDescription {
        do {
            return try JSONDecoder().decode(ModelDescription.self, from: Data(json.utf8))
        } catch let error as GraphError {
            throw error
        } catch {
            throw GraphError.unreadable(source: source, reason: Self.describe(error))
        }
    }

    /// A decoding error as a sentence that names the field.
    static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case let DecodingError.keyNotFound(key, context): return "missing field '\(key.stringValue)' at \(path(context.codingPath))"
        case let DecodingError.typeMismatch(_, context): return "wrong type at \(path(context.codingPath)): \(context.debugDescription)"
        case let DecodingError.valueNotFound(_, context): return "missing value at \(path(context.codingPath))"
        case let DecodingError.dataCorrupted(context): return "invalid JSON at \(path(context.codingPath)): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}

/// The ops a node may name ("op" in JSON).
public enum NodeOp: String, Codable, CaseIterable, Sendable {
    /// out_channels (required), kernel (3), stride (1), padding (kernel / 2), bias (true).
    case conv2d
    /// Over the channel (last) axis, PyTorch's defaults (eps 1e-5, momentum 0.1).
    case batchnorm
    case relu
    /// 2x2, stride 2.
    case maxpool
    /// [h, w, c] -> [h * w * c].
    case flatten
    /// out_features (required).
    case dense
    /// rate (0.5).
    case dropout
    /// Elementwise sum of two or more values of equal shape (residual joins).
    case add
    /// [h, w, c] -> [c]: each channel's mean over the pixels.
    case globalAvgPool = "global_avg_pool"
    case sigmoid
    /// inputs [x [h, w, c], s [c]]: x * s per channel (squeeze-and-excitation).
    case channelScale = "channel_scale"
}

/// One node of a `ModelDescription`. Attributes an op does not use are an error, so a typo
/// ("strides") does not pass silently.
public struct NodeDescription: Codable, Equatable, Sendable {
    public var name: String
    public var op: NodeOp
    /// Default: the previous node's value (the network input for the first node).
    public var inputs: [String]?
    public var outChannels: Int?
    public var kernel: Int?
    public var stride: Int?
    public var padding: Int?
    public var bias: Bool?
    public var outFeatures: Int?
    public var rate: Float?

    public init(name: String, op: NodeOp, inputs: [String]? = nil, outChannels: Int? = nil, kernel: Int? = nil, stride: Int? = nil,
                padding: Int? = nil, bias: Bool? = nil, outFeatures: Int? = nil, rate: Float? = nil) {
        self.name = name; self.op = op; self.inputs = inputs
        self.outChannels = outChannels; self.kernel = kernel; self.stride = stride; self.padding = padding; self.bias = bias
        self.outFeatures = outFeatures; self.rate = rate
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, op, inputs, outChannels = "out_channels", kernel, stride, padding, bias, outFeatures = "out_features", rate
    }

    /// The attributes each op accepts besides name, op and inputs.
    static func attributes(of op: NodeOp) -> Set<CodingKeys> {
        switch op {
        case .conv2d: [.outChannels, .kernel, .stride, .padding, .bias]
        case .dense: [.outFeatures]
        case .dropout: [.rate]
        case .batchnorm, .relu, .maxpool, .flatten, .add, .globalAvgPool, .sigmoid, .channelScale: []
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let name = (try? container.decode(String.self, forKey: AnyKey("name"))) ?? "#\(decoder.codingPath.last?.intValue ?? 0)"
        let opName = try container.decode(String.self, forKey: AnyKey("op"))
        guard let op = NodeOp(rawValue: opName) else {
            throw GraphError.unknownOp(node: name, op: opName, known: NodeOp.allCases.map(\.rawValue))
        }
        let allowed = Set(["name", "op", "inputs"]).union(Self.attributes(of: op).map(\.rawValue))
        if let unknown = container.allKeys.map(\.stringValue).filter({ !allowed.contains($0) }).sorted().first {
            throw GraphError.unknownAttribute(node: name, op: opName, attribute: unknown, allowed: allowed.sorted())
        }
        let keyed = try decoder.container(keyedBy: CodingKeys.self)
        self.init(name: try keyed.decode(String.self, forKey: .name), op: op,
                  inputs: try keyed.decodeIfPresent([String].self, forKey: .inputs),
                  outChannels: try keyed.decodeIfPresent(Int.self, forKey: .outChannels),
                  kernel: try keyed.decodeIfPresent(Int.self, forKey: .kernel),
                  stride: try keyed.decodeIfPresent(Int.self, forKey: .stride),
                  padding: try keyed.decodeIfPresent(Int.self, forKey: .padding),
                  bias: try keyed.decodeIfPresent(Bool.self, forKey: .bias),
                  outFeatures: try keyed.decodeIfPresent(Int.self, forKey: .outFeatures),
                  rate: try keyed.decodeIfPresent(Float.self, forKey: .rate))
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
