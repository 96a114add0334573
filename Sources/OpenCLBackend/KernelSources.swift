import Foundation

/// The text of the kernel files, by file name. By default the copies embedded in the binary
/// at build time; `--kernels DIR` (development) reads a folder instead, and tests replace a
/// file to prove that a broken kernel is caught.
public struct KernelSources: Sendable {
    public private(set) var files: [String: String]

    public static var embedded: KernelSources { KernelSources(files: EmbeddedKernels.files) }

    public init(files: [String: String]) { self.files = files }

    /// Every `.cl` and `.h` file of a folder.
    public init(directory: URL) throws {
        var files: [String: String] = [:]
        for url in try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        where ["cl", "h"].contains(url.pathExtension) {
            files[url.lastPathComponent] = try String(contentsOf: url, encoding: .utf8)
        }
        self.files = files
    }

    public func replacing(_ file: String, with text: String) -> KernelSources {
        var copy = self
        copy.files[file] = text
        return copy
    }

    /// The program text of `file` with `#include "name"` lines replaced by the named file,
    /// because a program built from a string has no folder to include from.
    func program(_ file: String) throws -> String {
        guard let text = files[file] else { throw OpenCLError.missingKernelSource(file) }
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#include \""), let name = trimmed.split(separator: "\"").dropFirst().first {
                lines.append(try program(String(name)))
            } else {
                lines.append(String(line))
            }
        }
        return lines.joined(separator: "\n")
    }
}
