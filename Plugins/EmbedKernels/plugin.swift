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
        return [.buildCommand(
            displayName: "Embedding \(files.count) OpenCL kernel files",
            executable: try context.tool(named: "EmbedKernelsTool").url,
            arguments: [output.path] + files.map(\.path),
            inputFiles: files,
            outputFiles: [output]
        )]
    }
}
