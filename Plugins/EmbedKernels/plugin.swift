import Foundation
import PackagePlugin

/// Embeds every `Kernels/*.cl` and `Kernels/*.h` file into the target as a Swift string
/// literal, so the `fer-cl` binary carries its kernel sources and runs from any directory.
@main
struct EmbedKernels: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let kernels = context.package.directoryURL.appending(path: "Kernels")
        let files = try FileManager.default.contentsOfDirectory(at: kernels, includingPropertiesForKeys: nil)
            .filter { ["cl", "h"].contains($0.pathExtension) }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedKernels.swift")
        // The commit is recorded for provenance; HEAD and the branch it names are inputs so a
        // new commit regenerates the file.
        let gitDirectory = context.package.directoryURL.appending(path: ".git")
        var gitFiles: [URL] = []
        let head = gitDirectory.appending(path: "HEAD")
        if let text = try? String(contentsOf: head, encoding: .utf8) {
            gitFiles.append(head)
            if text.hasPrefix("ref: ") {
                let ref = gitDirectory.appending(path: text.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))
                if FileManager.default.fileExists(atPath: ref.path) { gitFiles.append(ref) }
            }
        }
        return [.buildCommand(
            displayName: "Embedding \(files.count) OpenCL kernel files",
            executable: try context.tool(named: "EmbedKernelsTool").url,
            arguments: [output.path, gitDirectory.path] + files.map(\.path),
            inputFiles: files + gitFiles,
            outputFiles: [output]
        )]
    }
}
