import FERData
import FERServe
import FERFaces
import Foundation

/// Set by SIGINT/SIGTERM while serving; the accept loop checks it every 200 ms.
nonisolated(unsafe) var serveStopRequested: sig_atomic_t = 0

struct ServeCommand: Command {
    static let name = "serve"
    static let summary = "Serve a web page that classifies faces in photos and the webcam with a model."
    static let usage = "--model FILE [--port 8080] [--host 127.0.0.1] [--device D]"
    static let options: [OptionSpec] = [
        .value("model", "FILE", "A fer-cl model file."),
        .value("port", "N", "TCP port (default 8080; 0 picks a free one, printed at start)."),
        .value("host", "ADDRESS", "IPv4 address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface)."),
        .value("max-connections", "N", "Connections served at once; more get 503 (default 32)."),
        .value("timeout", "S", "Seconds a client has to send its whole request; slower ones get 408 (default 10)."),
        .value("cascade", "FILE", "OpenCV Haar cascade XML for face detection (default \(HaarCascade.defaultPath), from apt-get install opencv-data)."),
        .flag("no-detect", "Take every posted image as one face crop, without face detection."),
        BackendChoice.deviceOption,
        BackendChoice.kernelsOption,
    ]
    static let discussion = """
        GET / is the page (drop photos on it, or start the webcam); POST /predict with a JPEG or PNG body answers \
        {"width", "height", "faces": [{"box": {x, y, width, height}, "emotion", "confidence", "probabilities"}]}. \
        Nothing else is served and no file is read after the model. Requests are limited to 16 KiB of headers and \
        12 MiB of body, and must arrive within --timeout seconds. Ctrl-C stops the server.
        """

    let arguments: ParsedArguments
    let modelPath: String
    let port: UInt16
    let host: String
    var limits = HTTPLimits()

    init(_ arguments: ParsedArguments) throws {
        self.arguments = arguments
        guard let model = arguments.string("model") else { throw UsageError(message: "--model FILE is required", command: Self.name) }
        modelPath = model
        port = UInt16(try arguments.int("port", default: 8080, range: 0...65_535))
        host = arguments.string("host") ?? "127.0.0.1"
        limits.maxConnections = try arguments.int("max-connections", default: limits.maxConnections, range: 1...1024)
        limits.requestSeconds = Double(try arguments.int("timeout", default: Int(limits.requestSeconds), range: 1...3600))
    }

    func run() throws -> Int32 {
        let cascade = arguments.flag("no-detect") ? nil : try HaarCascade(contentsOfFile: arguments.string("cascade") ?? HaarCascade.defaultPath)
        let analyzer = ServedFaces(analyzer: try FaceAnalyzer(modelPath: modelPath, cascade: cascade, backend: try BackendChoice.make(arguments, runsLoadedModel: true)))
        printError(cascade == nil ? "face detection off (--no-detect): every image is one face"
                                  : "faces found with \(arguments.string("cascade") ?? HaarCascade.defaultPath)")
        let routes = ServeRoutes(analyzer: analyzer)
        let server = try HTTPServer(host: host, port: port, limits: limits) { routes.respond(to: $0) }
        for signalNumber in [SIGINT, SIGTERM] { signal(signalNumber) { _ in serveStopRequested = 1 } }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        print("serving \(modelPath) on http://\(host):\(server.port)/ (\(analyzer.backend.name)); Ctrl-C stops")
        server.run(shouldStop: { serveStopRequested != 0 })
        print("stopped")
        return 0
    }
}

/// The server's two routes: the embedded page and /predict. Nothing else, and no file access.
struct ServeRoutes: Sendable {
    let analyzer: ServedFaces

    struct Prediction: Encodable { let width: Int; let height: Int; let faces: [ServedFaces.Face]; let milliseconds: Double }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        switch (request.method, request.path) {
        case ("GET", "/"), ("HEAD", "/"):
            var response = HTTPResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(ServePage.html.utf8),
                                        extraHeaders: [("Content-Security-Policy", "default-src 'self' data: blob:; style-src 'unsafe-inline'; script-src 'unsafe-inline'")])
            if request.method == "HEAD" { response.body = [] }
            return response
        case ("POST", "/predict"):
            return predict(request.body)
        case (_, "/"), (_, "/predict"):
            return .error(405, "\(request.method) is not allowed on \(request.path)")
        default:
            return .error(404, "no such page: only / and /predict exist")
        }
    }

    func predict(_ body: [UInt8]) -> HTTPResponse {
        let start = Date()
        let image: GrayImage
        do {
            image = try decodeGrayImage(body, path: "request body")
        } catch {
            return .error(error.kind == .imageTooLarge ? 413 : 400, "\(error)")
        }
        do {
            let faces = try analyzer.analyze(image)
            let prediction = Prediction(width: image.width, height: image.height, faces: faces, milliseconds: Date().timeIntervalSince(start) * 1000)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return .json(200, String(decoding: try encoder.encode(prediction), as: UTF8.self))
        } catch {
            return .error(500, "inference failed: \(error)")
        }
    }
}
