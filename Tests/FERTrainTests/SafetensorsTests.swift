import FERCore
import FERTrain
import Foundation
import Testing

@Suite struct SafetensorsTests {
    func sample() -> SafetensorsFile {
        SafetensorsFile(tensors: ["a.weight": .floats([1, 2, 3, 4, 5, 6], shape: [2, 3]), "a.count": .int64(42),
                                  "b": .floats([-1.5], shape: [1])],
                        metadata: ["format": "fer-cl/1", "note": "x"])
    }

    @Test func roundTrips() throws {
        let data = try sample().encoded()
        let decoded = try SafetensorsFile(data: data)
        #expect(try decoded.tensors["a.weight"]!.floats() == [1, 2, 3, 4, 5, 6])
        #expect(decoded.tensors["a.weight"]!.shape == [2, 3])
        #expect(try decoded.tensors["a.count"]!.int64Scalar() == 42)
        #expect(decoded.metadata == ["format": "fer-cl/1", "note": "x"])
        // The header is padded to 8 bytes so tensor data is aligned.
        let headerLength = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        #expect(headerLength % 8 == 0)
    }

    /// Random bytes, truncations, and single-byte corruptions of a valid file: every one is
    /// either read or refused with a SafetensorsError; nothing crashes.
    @Test func fuzzedInputIsRefusedCleanly() throws {
        let valid = try sample().encoded()
        var generator = PhiloxGenerator(seed: 77)
        var refused = 0, accepted = 0
        func attempt(_ data: Data) {
            do {
                let file = try SafetensorsFile(data: data)
                for entry in file.tensors.values where entry.dtype == .f32 { _ = try? entry.floats() }
                accepted += 1
            } catch is SafetensorsError {
                refused += 1
            } catch {
                Issue.record("unexpected error type \(type(of: error)): \(error)")
            }
        }
        for length in 0..<valid.count { attempt(valid.prefix(length)) }
        for _ in 0..<3000 {
            var corrupted = valid
            let position = Int(generator.next() % UInt64(corrupted.count))
            corrupted[position] = UInt8(truncatingIfNeeded: generator.next())
            attempt(corrupted)
        }
        for _ in 0..<2000 {
            let length = Int(generator.next() % 300)
            var bytes = Data((0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            if length >= 8, generator.next() % 2 == 0 {
                // A plausible header length, so the JSON parser sees the noise too.
                let headerLength = UInt64(generator.next() % UInt64(length - 7))
                withUnsafeBytes(of: headerLength.littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
            }
            attempt(bytes)
        }
        #expect(refused > 4000)
        #expect(accepted > 0)  // corruptions of tensor bytes alone still parse
    }

    @Test func headerErrorsSayWhatIsWrong() throws {
        func header(_ json: String, payload: Int) -> Data {
            var data = Data()
            withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
            data.append(Data(json.utf8))
            data.append(Data(count: payload))
            return data
        }
        func reason(_ data: Data) -> String {
            do { _ = try SafetensorsFile(data: data); return "accepted" } catch let error as SafetensorsError { return error.reason } catch { return "\(error)" }
        }
        #expect(reason(header(#"{"t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, payload: 4)).contains("truncated"))
        #expect(reason(header(#"{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, payload: 8)).contains("needs 12 bytes"))
        #expect(reason(header(#"{"t":{"dtype":"Q9","shape":[2],"data_offsets":[0,8]}}"#, payload: 8)).contains("unknown dtype"))
        #expect(reason(header(#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, payload: 8)).contains("overlap"))
        #expect(reason(Data("not a safetensors file at all".utf8)).contains("header length"))
    }

    @Test func writingIsAtomic() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fer-cl-st-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("m.safetensors")
        try sample().write(to: url)
        try sample().write(to: url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["m.safetensors"])
        #expect(try SafetensorsFile(contentsOf: url).tensors.count == 3)
    }
}
