import FERData
import Foundation

/// The image paths `predict` was given: files as they are, folders searched recursively
/// for JPEG and PNG files (by name, sorted), and `-` for one path per line on standard input.
enum PredictInputs {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png"]

    static func paths(_ arguments: [String]) -> [String] {
        var paths: [String] = []
        for argument in arguments {
            if argument == "-" {
                while let line = readLine() {
                    let path = line.trimmingCharacters(in: .whitespaces)
                    if !path.isEmpty { paths.append(path) }
                }
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory), isDirectory.boolValue else {
                paths.append(argument)  // a missing file is reported when it is read, with the others going on
                continue
            }
            let root = URL(fileURLWithPath: argument, isDirectory: true)
            var found: [String] = []
            if let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) {
                for case let url as URL in walker where imageExtensions.contains(url.pathExtension.lowercased()) {
                    found.append(url.path)
                }
            }
            paths += found.sorted()
        }
        return paths
    }
}

extension PredictInputs {
    static let videoExtensions: Set<String> = ["mp4", "m4v", "mov", "mkv", "webm", "avi", "mpg", "mpeg", "ts", "flv", "wmv", "3gp", "ogv"]

    /// Whether `path` is taken as a video: a device (`/dev/video0`), a video file name, or a file
    /// whose first bytes are a video container's (whatever its name says).
    static func isVideo(_ path: String) -> Bool {
        if path.hasPrefix("/dev/") { return true }
        if videoExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased()) { return true }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        return FileKind(sniffing: [UInt8](handle.readData(ofLength: 64))) == .video
    }
}
