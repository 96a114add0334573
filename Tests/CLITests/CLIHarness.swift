import FERCore
import FERData
import Foundation
import Testing

/// Runs the `fer-cl` binary built beside the test bundle (or named by $FER_CL_BINARY).
enum CLI {
    static var binary: URL? {
        if let path = ProcessInfo.processInfo.environment["FER_CL_BINARY"] { return URL(fileURLWithPath: path) }
        let candidates = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
                          Bundle.main.bundleURL.deletingLastPathComponent(), Bundle.main.bundleURL]
        return candidates.map { $0.appendingPathComponent("fer-cl") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Result { let status: Int32; let output: String; let error: String }

    static func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        guard let binary else { throw CLIError.noBinary }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        // A tuning cache of the test's own (empty unless the test passes one), so no test reads
        // or writes the developer's ~/.cache/fer-cl/tuning; `train` runs pass --no-tune.
        let isolated = ["FER_CL_TUNING_CACHE": temporaryFolder("tuning-cache").path]
        process.environment = ProcessInfo.processInfo.environment.merging(isolated) { $1 }.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let (process, out, err) = try launch(arguments, environment: environment)
        // Read before waiting so a chatty command cannot block on a full pipe.
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let error = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self),
                      error: String(decoding: error, as: UTF8.self))
    }

    enum CLIError: Error, CustomStringConvertible {
        case noBinary
        var description: String { "fer-cl binary not found next to the tests: run `swift build -c release` first or set FER_CL_BINARY" }
    }
}

/// A small FER-2013-shaped image-folder dataset written as PNGs: `perClass` images per class
/// in train/, a third of that in test/, class-dependent brightness.
func makeImageFolderDataset(perClass: Int) throws -> URL {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("fer-cl-cli-\(UUID().uuidString)")
    var generator = PhiloxGenerator(seed: 17)
    for (split, count) in [("train", perClass), ("test", max(1, perClass / 3))] {
        for emotion in EmotionClass.allCases {
            let folder = root.appendingPathComponent("\(split)/\(emotion.name)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for index in 0..<count {
                let pixels = (0..<2304).map { _ in UInt8(min(255, emotion.rawValue * 35 + Int(generator.next() % 40))) }
                try writePNG(gray: pixels, width: 48, height: 48, to: folder.appendingPathComponent("\(index).png").path)
            }
        }
    }
    return root
}

func temporaryFolder(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("fer-cl-\(name)-\(UUID().uuidString)")
}
