import FERData
import Foundation
import Testing

/// `fer-cl serve`: the routes, its limits and timeouts, concurrent clients, Ctrl-C, and the page in headless Chromium.
@Suite(.serialized) struct ServeCommandTests {
    /// A running server on a free port; stopped with SIGINT by `stop`.
    final class Server {
        let process: Process
        let port: UInt16
        let output: Pipe

        /// `detects` false (`--no-detect`) classifies whole images: the synthetic pictures of most
        /// tests hold no detectable face, so the routes and the page are tested on those.
        init(model: URL, extra: [String] = [], detects: Bool = false) throws {
            let (process, out, _) = try CLI.launch(["serve", "--model", model.path, "--port", "0"] + (detects ? [] : ["--no-detect"]) + extra)
            var text = ""
            let deadline = Date().addingTimeInterval(120)
            while !text.contains("\n"), Date() < deadline, process.isRunning {
                text += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            }
            guard let range = text.range(of: #"http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) else {
                process.terminate()
                throw TrainedRun.FixtureError(message: "serve did not start: \(text)")
            }
            self.process = process
            self.output = out
            port = UInt16(text[range].dropFirst("http://127.0.0.1:".count).dropLast())!
        }

        func stop() -> (status: Int32, output: String) {
            kill(process.processIdentifier, SIGINT)
            let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, rest)
        }
    }

    /// Sends raw bytes (optionally in pieces with pauses) and returns the whole response text.
    static func exchange(_ port: UInt16, _ pieces: [[UInt8]], pause: useconds_t = 0, timeout: Double = 30) -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { return "connect failed" }
        var time = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        for piece in pieces {
            _ = piece.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if pause > 0 { usleep(pause) }
        }
        var response = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            response += buffer[..<count]
        }
        return String(decoding: response, as: UTF8.self)
    }

    static func post(_ port: UInt16, _ body: [UInt8], path: String = "/predict") -> String {
        exchange(port, [Array("POST \(path) HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body])
    }

    static func status(_ response: String) -> Int? { Int(response.split(separator: " ").dropFirst().first ?? "") }

    static func photo(width: Int = 160, height: Int = 120) throws -> [UInt8] {
        try encodePNG(gray: faceLikeImage(width: width, height: height), width: width, height: height)
    }

    @Test func malformedOversizedSlowAndConcurrentRequests() throws {
        let fixture = try TrainedRun.shared.get()
        let server = try Server(model: fixture.run.appendingPathComponent("model.safetensors"), extra: ["--timeout", "2"])
        let port = server.port
        let page = Self.exchange(port, [Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)])
        #expect(Self.status(page) == 200 && page.contains("/predict"))

        let ok = Self.post(port, try Self.photo())
        #expect(Self.status(ok) == 200, "\(ok)")
        let json = try #require(ok.range(of: "\r\n\r\n").map { ok[$0.upperBound...] })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["width"] as? Int == 160 && object["height"] as? Int == 120)
        let face = try #require((object["faces"] as? [[String: Any]])?.first)
        #expect((face["probabilities"] as? [String: Double])?.count == 7)
        #expect(abs(((face["probabilities"] as? [String: Double]) ?? [:]).values.reduce(0, +) - 1) < 1e-6)

        #expect(Self.status(Self.exchange(port, [Array("GARBAGE\r\n\r\n".utf8)])) == 400)
        #expect(Self.status(Self.exchange(port, [Array([0, 255, 13, 10, 13, 10])])) == 400)
        #expect(Self.status(Self.post(port, Array("not an image".utf8))) == 400)
        #expect(Self.status(Self.post(port, Array(try Self.photo().prefix(60)))) == 400, "a truncated PNG")
        #expect(Self.status(Self.exchange(port, [Array("GET /../../etc/passwd HTTP/1.1\r\n\r\n".utf8)])) == 404)
        #expect(Self.status(Self.exchange(port, [Array("DELETE /predict HTTP/1.1\r\n\r\n".utf8)])) == 405)
        #expect(Self.status(Self.exchange(port, [Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 20_000) + "\r\n\r\n").utf8)])) == 431)
        #expect(Self.status(Self.exchange(port, [Array("POST /predict HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n".utf8)])) == 413)
        // A slow client: half a request, then nothing; the 2 s timeout answers 408 and frees the thread.
        let started = Date()
        let slow = Self.exchange(port, [Array("POST /predict HTTP/1.1\r\nContent-Length: 100\r\n\r\nab".utf8)])
        #expect(Self.status(slow) == 408 && Date().timeIntervalSince(started) < 10)
        // A client that hangs up mid-request harms nobody.
        _ = Self.exchange(port, [Array("POST /predict HTTP/1.1\r\nContent-Len".utf8)], timeout: 0.1)

        // Eight clients at once, each several valid photos: all answered.
        let body = try Self.photo()
        let statuses = Statuses()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<3 { statuses.add(Self.status(Self.post(port, body)) ?? 0) }
        }
        #expect(statuses.all == [Int](repeating: 200, count: 24))

        #expect(Self.status(Self.post(port, body)) == 200, "the server still answers")
        let stopped = server.stop()
        #expect(stopped.status == 0 && stopped.output.contains("stopped"), "\(stopped)")
    }

    final class Statuses: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [Int] = []
        func add(_ value: Int) { lock.withLock { values.append(value) } }
        var all: [Int] { lock.withLock { values } }
    }

    /// The page in headless Chromium: a photo posted gets its box and label drawn; the fake
    /// webcam, playing a generated face video, gets frames recognised live.
    @Test func pageShowsFacesForAPhotoAndTheWebcam() throws {
        guard Chromium.path != nil else {
            print("skipped: no chromium (Scripts/setup installs it; or set $CHROMIUM)")
            return
        }
        let fixture = try TrainedRun.shared.get()
        let server = try Server(model: fixture.run.appendingPathComponent("model.safetensors"))
        defer { _ = server.stop() }
        let uri = "data:image/png;base64," + Data(try Self.photo()).base64EncodedString()
        let photoPage = try Chromium.load("http://127.0.0.1:\(server.port)/#photo=\(uri)", budgetMilliseconds: 5000)
        #expect(photoPage.consoleMessages.isEmpty, "console: \(photoPage.consoleMessages)")
        #expect(photoPage.dom.contains("class=\"box\""), "a box drawn: \(photoPage.dom.suffix(1500))")
        #expect(photoPage.dom.range(of: #"class="label">[a-z]+ \d+%"#, options: .regularExpression) != nil)
        #expect(photoPage.dom.components(separatedBy: "class=\"bar\"").count - 1 == 7)

        // The webcam: the fake camera plays a generated face video; the page posts frames and draws
        // each answer, so boxes and a frame count appear while it runs (watched over DevTools).
        let video = temporaryFolder("face").appendingPathExtension("y4m")
        try writeY4M(gray: faceLikeImage(width: 320, height: 240), width: 320, height: 240, frames: 10, to: video)
        let browser = try DevToolsPipe(chromium: Chromium.path!, flags: [
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            "--use-file-for-fake-video-capture=\(video.path)", "--autoplay-policy=no-user-gesture-required"])
        try browser.navigate("http://127.0.0.1:\(server.port)/?camera=1")
        let live = try browser.wait(until: "Number(document.body.dataset.frames || 0) >= 5", seconds: 60)
        let frames = try browser.evaluate("Number(document.body.dataset.frames || 0)") as? Int ?? 0
        let fps = try browser.evaluate("document.body.dataset.fps || ''") as? String ?? ""
        let boxes = try browser.evaluate("document.querySelectorAll('#stage .box').length") as? Int ?? 0
        let label = try browser.evaluate("(document.querySelector('#stage .box .label') || {}).textContent || ''") as? String ?? ""
        print("webcam page: \(frames) frames recognised, \(fps) frames/s")
        #expect(live && frames >= 5, "webcam frames recognised: \(frames)")
        #expect(boxes == 1 && label.range(of: #"^[a-z]+ \d+%$"#, options: .regularExpression) != nil, "box \(boxes), label '\(label)'")
        #expect(browser.consoleMessages.isEmpty, "console: \(browser.consoleMessages)")
    }

    /// The detection path: a picture of two FER-2013 test faces (the video test's first frame)
    /// posted to a server that detects gets both faces, at the boxes and with the probabilities
    /// `predict --json` gives for the same file (one `FaceAnalyzer` behind both), and the page
    /// draws a box for each.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"), "no Haar cascade (Scripts/setup installs opencv-data): serve's detection is not tested"))
    func detectsTheFacesPredictFinds() throws {
        guard PredictVideoTests.faces != nil else {
            print("skipped: ../shared/fer2013 is absent, so the picture would hold no face to detect")
            return
        }
        let fixture = try TrainedRun.shared.get()
        let model = fixture.run.appendingPathComponent("model.safetensors")
        let scene = PredictVideoTests.frame(0)
        let png = try encodePNG(gray: scene.pixels, width: scene.width, height: scene.height)
        let file = temporaryFolder("serve-scene").appendingPathExtension("png")
        try Data(png).write(to: file)

        let predicted = try CLI.run(["predict", "--model", model.path, "--json", file.path])
        try #require(predicted.status == 0, "\(predicted.error)")
        let expected = try #require((try JSONSerialization.jsonObject(with: Data(predicted.output.utf8)) as? [String: Any])?["faces"] as? [[String: Any]])
        try #require(expected.count == 2, "predict finds both pasted faces: \(predicted.output)")

        let server = try Server(model: model, detects: true)
        defer { _ = server.stop() }
        let answer = Self.post(server.port, png)
        #expect(Self.status(answer) == 200, "\(answer.prefix(300))")
        let body = try #require(answer.range(of: "\r\n\r\n").map { answer[$0.upperBound...] })
        let served = try #require((try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["faces"] as? [[String: Any]])
        try #require(served.count == 2, "\(body)")
        let leftToRight = { (faces: [[String: Any]]) in faces.sorted { PredictVideoTests.box($0).x < PredictVideoTests.box($1).x } }
        for (index, (face, reference)) in zip(leftToRight(served), leftToRight(expected)).enumerated() {
            #expect(PredictVideoTests.box(face) == PredictVideoTests.box(reference), "\(face) against \(reference)")
            #expect((face["neighbors"] as? Int ?? 0) > 0)
            let p = face["probabilities"] as? [String: Double] ?? [:], q = reference["probabilities"] as? [String: Double] ?? [:]
            #expect(p.count == 7 && p.keys.allSatisfy { abs(p[$0]! - (q[$0] ?? -1)) < 1e-5 }, "\(p) against \(q)")
            // Found where it was pasted.
            let truth = PredictVideoTests.pastedBox(face: index, frame: 0)
            #expect(PredictVideoTests.iou(PredictVideoTests.box(face), truth) > 0.4, "\(face) against \(truth)")
        }

        guard Chromium.path != nil else {
            print("skipped: no chromium, so the page's boxes for a detected photo are not checked")
            return
        }
        let uri = "data:image/png;base64," + Data(png).base64EncodedString()
        let page = try Chromium.load("http://127.0.0.1:\(server.port)/#photo=\(uri)", budgetMilliseconds: 5000)
        #expect(page.consoleMessages.isEmpty, "console: \(page.consoleMessages)")
        #expect(page.dom.components(separatedBy: "class=\"box\"").count - 1 == 2, "two boxes drawn: \(page.dom.suffix(1500))")
    }
}
