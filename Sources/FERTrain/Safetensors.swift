import FERData
import Foundation

/// The safetensors format (https://github.com/huggingface/safetensors): an 8-byte
/// little-endian header length, a JSON header mapping tensor names to
/// {dtype, shape, data_offsets} plus an optional "__metadata__" string map, then the raw
/// little-endian tensor bytes. Reading validates every field, so a corrupt, truncated or
/// foreign file is an error naming the file and the problem, never a crash.
public struct SafetensorsFile: Sendable {
    public enum DType: String, Sendable {
        case f32 = "F32", i64 = "I64", i32 = "I32", u8 = "U8", f64 = "F64", f16 = "F16", bf16 = "BF16", i8 = "I8", i16 = "I16", u16 = "U16", u32 = "U32", u64 = "U64", bool = "BOOL"

        public var byteSize: Int {
            switch self {
            case .f64, .i64, .u64: 8
            case .f32, .i32, .u32: 4
            case .f16, .bf16, .i16, .u16: 2
            case .u8, .i8, .bool: 1
            }
        }
    }

    public struct Entry: Sendable {
        public let dtype: DType
        public let shape: [Int]
        public let bytes: Data

        public var count: Int { shape.reduce(1, *) }

        public init(dtype: DType, shape: [Int], bytes: Data) {
            self.dtype = dtype; self.shape = shape; self.bytes = bytes
        }

        public static func floats(_ values: [Float], shape: [Int]) -> Entry {
            Entry(dtype: .f32, shape: shape, bytes: values.withUnsafeBytes { Data($0) })
        }

        public static func int64(_ value: Int64) -> Entry {
            Entry(dtype: .i64, shape: [], bytes: withUnsafeBytes(of: value.littleEndian) { Data($0) })
        }

        public func floats() throws -> [Float] {
            guard dtype == .f32 else { throw SafetensorsError(path: "", reason: "expected F32, found \(dtype.rawValue)") }
            return bytes.withUnsafeBytes { raw in (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) } }
        }

        public func int64Scalar() throws -> Int64 {
            guard dtype == .i64, count == 1 else { throw SafetensorsError(path: "", reason: "expected an I64 scalar, found \(dtype.rawValue) \(shape)") }
            return bytes.withUnsafeBytes { Int64(littleEndian: $0.loadUnaligned(as: Int64.self)) }
        }
    }

    public var tensors: [String: Entry]
    public var metadata: [String: String]

    public init(tensors: [String: Entry] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The file's bytes; tensors in name order, header padded with spaces to 8 bytes.
    public func encoded() throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let entry = tensors[name]!
            header[name] = ["dtype": entry.dtype.rawValue, "shape": entry.shape, "data_offsets": [offset, offset + entry.bytes.count]]
            offset += entry.bytes.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var data = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for name in names { data.append(tensors[name]!.bytes) }
        return data
    }

    /// Writes to a temporary file beside `url` and renames it into place, so an interrupted
    /// write never leaves a half-written file under the final name.
    public func write(to url: URL) throws {
        let data = try encoded()
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        do {
            try data.write(to: temporary)
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.synchronize()
            try handle.close()
            if rename(temporary.path, url.path) != 0 {
                throw SafetensorsError(path: url.path, reason: "cannot rename \(temporary.lastPathComponent) into place: \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    public init(contentsOf url: URL) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw SafetensorsError(path: url.path, reason: "no such file")
        }
        if isFolder.boolValue {
            let model = url.appendingPathComponent("model.safetensors")
            throw SafetensorsError(path: url.path, reason: "is a folder, not a model file"
                + (FileManager.default.fileExists(atPath: model.path) ? " (its final model is \(model.path))" : ""))
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SafetensorsError(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        // A file of another kind is named, rather than parsed until its bytes make no sense.
        let kind = FileKind(sniffing: data.prefix(64))
        if ![.safetensors, .unknown, .empty].contains(kind) {
            throw SafetensorsError(path: url.path, reason: "this is \(kind.description), not a model file "
                + "(fer-cl's models and checkpoints are .safetensors files written by `fer-cl train`)")
        }
        do {
            try self.init(data: data)
        } catch let error as SafetensorsError {
            throw SafetensorsError(path: url.path, reason: error.reason)
        }
    }

    public init(data: Data) throws {
        func fail(_ reason: String) -> SafetensorsError { SafetensorsError(path: "", reason: reason) }
        guard data.count >= 8 else { throw fail("file is \(data.count) bytes, too short for a safetensors header") }
        let headerLength = data.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength >= 2, headerLength <= UInt64(data.count - 8), headerLength <= 100_000_000 else {
            throw fail("header length \(headerLength) does not fit the file (\(data.count) bytes): not a safetensors file, or truncated")
        }
        let headerEnd = 8 + Int(headerLength)
        let headerBytes = data.subdata(in: 8..<headerEnd)
        guard let object = try? JSONSerialization.jsonObject(with: headerBytes), let header = object as? [String: Any] else {
            throw fail("header is not a JSON object")
        }
        let payload = data.count - headerEnd
        var tensors: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        var ranges: [(Int, Int, String)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else { throw fail("__metadata__ is not an object") }
                for (key, item) in map {
                    guard let text = item as? String else { throw fail("__metadata__ value \(key) is not a string") }
                    metadata[key] = text
                }
                continue
            }
            guard let info = value as? [String: Any],
                  let dtypeName = info["dtype"] as? String,
                  let shapeValues = info["shape"] as? [Any],
                  let offsetValues = info["data_offsets"] as? [Any], offsetValues.count == 2 else {
                throw fail("tensor \(name): entry needs dtype, shape and two data_offsets")
            }
            guard let dtype = DType(rawValue: dtypeName) else { throw fail("tensor \(name): unknown dtype \(dtypeName)") }
            let shape = try shapeValues.map { item -> Int in
                guard let n = (item as? NSNumber)?.intValue, n >= 0, n <= 1 << 31, (item as? NSNumber)?.doubleValue == Double(n) else {
                    throw fail("tensor \(name): shape \(shapeValues) is not a list of non-negative integers")
                }
                return n
            }
            let offsets = try offsetValues.map { item -> Int in
                guard let n = (item as? NSNumber)?.intValue, n >= 0, (item as? NSNumber)?.doubleValue == Double(n) else {
                    throw fail("tensor \(name): data_offsets \(offsetValues) are not non-negative integers")
                }
                return n
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end, end <= payload else {
                throw fail("tensor \(name): data_offsets [\(begin), \(end)] outside the \(payload) data bytes (truncated file?)")
            }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow, product <= payload else { throw fail("tensor \(name): shape \(shape) is larger than the file") }
                count = product
            }
            guard count * dtype.byteSize == end - begin else {
                throw fail("tensor \(name): shape \(shape) of \(dtype.rawValue) needs \(count * dtype.byteSize) bytes, offsets give \(end - begin)")
            }
            tensors[name] = Entry(dtype: dtype, shape: shape, bytes: data.subdata(in: (headerEnd + begin)..<(headerEnd + end)))
            ranges.append((begin, end, name))
        }
        ranges.sort { $0.0 < $1.0 }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.0 < a.1 {
            throw fail("tensors \(a.2) and \(b.2) overlap")
        }
        self.tensors = tensors
        self.metadata = metadata
    }
}

public struct SafetensorsError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public var description: String { path.isEmpty ? "safetensors: \(reason)" : "\(path): \(reason)" }
}
