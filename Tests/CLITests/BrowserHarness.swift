import FERData
import Foundation

/// Headless Chromium for the page tests: Debian's `chromium` (Scripts/setup installs it), or
/// $CHROMIUM. Tests skip, saying so, where it is absent.
enum Chromium {
    static var path: String? {
        if let path = ProcessInfo.processInfo.environment["CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) { return path }
        return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    struct Page {
        let dom: String
        /// What the page wrote to its console (Chromium logs each message as a CONSOLE line), and uncaught errors.
        let consoleMessages: [String]
    }

    /// Loads `url`, lets it run for `budgetMilliseconds` of virtual time (network fetches pause
    /// that clock, so a request to the server completes within it), and returns the DOM.
    static func load(_ url: String, budgetMilliseconds: Int = 5000, extraFlags: [String] = [], timeout: Double = 90) throws -> Page {
        guard let path else { throw CLI.CLIError.noBinary }
        let profile = temporaryFolder("chromium-profile")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                             "--enable-logging=stderr", "--v=0", "--virtual-time-budget=\(budgetMilliseconds)"] + extraFlags + ["--dump-dom", url]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let killer = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let log = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        killer.cancel()
        try? FileManager.default.removeItem(at: profile)
        let console = log.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }.map(String.init)
        return Page(dom: dom, consoleMessages: console)
    }
}

/// One small trained run shared by the report and serve tests (training it once keeps CI short):
/// one epoch on the synthetic image-folder dataset, so `train` has written its curves, its
/// evaluation.json and report.html into the run folder.
enum TrainedRun {
    struct Fixture: Sendable { let run: URL; let data: URL }

    static let shared: Result<Fixture, any Error> = Result {
        let data = try makeImageFolderDataset(perClass: 4)
        let run = temporaryFolder("trained-run")
        let result = try CLI.run(["train", "--no-tune", "--data", data.path, "--out", run.path, "--epochs", "2", "--batch", "7"])
        guard result.status == 0 else { throw FixtureError(message: "train failed: \(result.error)") }
        return Fixture(run: run, data: data)
    }

    struct FixtureError: Error, CustomStringConvertible { let message: String; var description: String { message } }
}

/// A face-like grey test image: a light oval with dark eyes and a smiling mouth on a darker background.
func faceLikeImage(width: Int, height: Int) -> [UInt8] {
    var pixels = [UInt8](repeating: 60, count: width * height)
    let cx = Double(width) / 2, cy = Double(height) / 2, rx = Double(min(width, height)) * 0.3, ry = Double(min(width, height)) * 0.4
    for y in 0..<height {
        for x in 0..<width {
            let dx = (Double(x) - cx) / rx, dy = (Double(y) - cy) / ry
            var value: Double = dx * dx + dy * dy <= 1 ? 200 : 60
            for ex in [-0.4, 0.4] where pow(dx - ex, 2) + pow(dy + 0.3, 2) < 0.02 { value = 30 }
            if abs(dy - 0.35) < 0.05 + 0.2 * dx * dx && abs(dx) < 0.45 && dy > 0.3 { value = 40 }
            pixels[y * width + x] = UInt8(value)
        }
    }
    return pixels
}

/// A YUV4MPEG2 (y4m) video of `frames` copies of a grey image, which Chromium's fake camera plays in a loop.
func writeY4M(gray: [UInt8], width: Int, height: Int, frames: Int, to url: URL) throws {
    var bytes = Array("YUV4MPEG2 W\(width) H\(height) F10:1 Ip A1:1 C420jpeg\n".utf8)
    let chroma = [UInt8](repeating: 128, count: (width / 2) * (height / 2) * 2)
    for _ in 0..<frames {
        bytes += Array("FRAME\n".utf8)
        bytes += gray
        bytes += chroma
    }
    try Data(bytes).write(to: url)
}
