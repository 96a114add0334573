import FERData
import Foundation

/// A scratch folder under the system temp directory, removed when the test is done.
/// Each test makes its own, so tests can run in parallel.
final class ScratchDirectory {
    let path: String

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("fer-data-tests-\(safe)-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ relative: String) -> String { path + "/" + relative }

    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) -> String {
        let target = file(relative)
        let parent = (target as NSString).deletingLastPathComponent
        try! FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: target, contents: Data(bytes)), "cannot write \(target)")
        return target
    }

    @discardableResult
    func write(_ relative: String, text: String) -> String {
        write(relative, Array(text.utf8))
    }

    func makeDirectory(_ relative: String) {
        try! FileManager.default.createDirectory(atPath: file(relative), withIntermediateDirectories: true)
    }
}

/// Deterministic pseudo-random bytes (SplitMix64), so fixtures are the same every run.
struct FixtureRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0 ..< count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

/// One CSV pixel field: 2,304 values of `value` (or the given list) joined by spaces.
func pixelField(_ values: [Int]) -> String {
    values.map(String.init).joined(separator: " ")
}

func pixelField(constant value: Int, count: Int = Dataset.pixelsPerImage) -> String {
    pixelField([Int](repeating: value, count: count))
}

/// Runs `body`, expecting a `DataError`; returns it, or `nil` if none (or another error) was thrown.
func dataError(_ body: () throws -> Void) -> DataError? {
    do {
        try body()
        return nil
    } catch let error as DataError {
        return error
    } catch {
        return nil
    }
}

/// The shared FER-2013 image folders, located from this file: the package root is three
/// levels up from Tests/FERDataTests/Fixtures.swift, and the data sits beside it.
let sharedFER2013Path: String = {
    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.deletingLastPathComponent().appendingPathComponent("shared/fer2013").standardizedFileURL.path
}()

let sharedFER2013Present: Bool = {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: sharedFER2013Path + "/train", isDirectory: &isDirectory)
        && isDirectory.boolValue
}()
