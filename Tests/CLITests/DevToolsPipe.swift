import Foundation

/// Headless Chromium driven over its DevTools pipe (`--remote-debugging-pipe`: JSON messages
/// ended by NUL, read on fd 3 and written on fd 4), for pages that keep working after load
/// (the webcam loop): `--dump-dom` returns at load, and virtual time stops the fake camera.
final class DevToolsPipe {
    let pid: pid_t
    private let toBrowser: Int32
    private let fromBrowser: Int32
    private var nextID = 1
    private var pending = [UInt8]()
    private var session: String?
    let logFile: URL

    init(chromium: String, flags: [String]) throws {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else { throw DevToolsError(message: "pipe failed") }
        logFile = temporaryFolder("chromium-log").appendingPathExtension("txt")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 3)
        posix_spawn_file_actions_adddup2(&actions, output[1], 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, logFile.path, O_WRONLY | O_APPEND, 0)
        let profile = temporaryFolder("chromium-profile")
        let arguments = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                         "--enable-logging=stderr", "--v=0", "--remote-debugging-pipe"] + flags + ["about:blank"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, chromium, &actions, nil, &argv, environ)
        close(input[0]); close(output[1])
        guard status == 0 else { throw DevToolsError(message: "cannot start \(chromium): \(String(cString: strerror(status)))") }
        pid = child
        toBrowser = input[1]
        fromBrowser = output[0]
        let targets = try call("Target.getTargets")
        guard let page = ((targets["targetInfos"] as? [[String: Any]]) ?? []).first(where: { $0["type"] as? String == "page" }),
              let targetID = page["targetId"] as? String else { throw DevToolsError(message: "no page target") }
        let attached = try call("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        session = attached["sessionId"] as? String
    }

    deinit {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        close(toBrowser); close(fromBrowser)
    }

    func navigate(_ url: String) throws { _ = try call("Page.navigate", ["url": url]) }

    /// A JavaScript expression's value.
    func evaluate(_ expression: String) throws -> Any? {
        let result = try call("Runtime.evaluate", ["expression": expression, "returnByValue": true])
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Polls `expression` until it is true or `seconds` pass.
    func wait(until expression: String, seconds: Double) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try evaluate(expression) as? Bool == true { return true }
            usleep(200_000)
        }
        return false
    }

    /// Chromium's CONSOLE lines and uncaught errors so far.
    var consoleMessages: [String] {
        let log = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return log.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }.map(String.init)
    }

    func call(_ method: String, _ parameters: [String: Any] = [:], timeout: Double = 60) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if let session, method.hasPrefix("Runtime.") || method.hasPrefix("Page.") { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        _ = bytes.withUnsafeBytes { write(toBrowser, $0.baseAddress, $0.count) }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let end = pending.firstIndex(of: 0) {
                let text = Data(pending[..<end])
                pending.removeSubrange(...end)
                guard let reply = try JSONSerialization.jsonObject(with: text) as? [String: Any], reply["id"] as? Int == id else { continue }
                if let error = reply["error"] { throw DevToolsError(message: "\(method): \(error)") }
                return reply["result"] as? [String: Any] ?? [:]
            }
            var poller = pollfd(fd: fromBrowser, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 500) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = read(fromBrowser, &chunk, chunk.count)
            guard count > 0 else { throw DevToolsError(message: "chromium closed the pipe") }
            pending += chunk[..<count]
        }
        throw DevToolsError(message: "\(method): no reply within \(timeout) s")
    }

    struct DevToolsError: Error, CustomStringConvertible { let message: String; var description: String { message } }
}
