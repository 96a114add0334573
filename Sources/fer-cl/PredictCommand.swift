import FERCore
import FERData
import FERFaces
import Foundation

struct PredictCommand: Command {
    static let name = "predict"
    static let summary = "Find the faces in pictures and classify each: box, detection score and the top emotions."
    static let usage = "--model FILE INPUT... [--top 3] [--json | --csv] [--no-detect] [--tta flip|ten-crop] [--annotate DIR] [--cascade FILE] [--device D]\n"
        + "       fer-cl predict --model FILE VIDEO [--fps N] [--full-detect-every N] [--json | --csv] [--annotate OUT.mp4] [--timeline FILE.svg]"
    static let options: [OptionSpec] = [
        .value("model", "FILE", "A fer-cl model file."),
        .value("top", "K", "How many emotions to list per face (default 3)."),
        .flag("json", "One JSON object per image and line: path, faces (box, neighbors, top emotions, probabilities, logits), milliseconds."),
        .flag("csv", "One CSV row per face: path, face, box, neighbors, top emotion and every class probability."),
        .flag("no-detect", "Take every image as one face crop (as training images are), without face detection."),
        .value("tta", "MODE", "Test-time augmentation as in evaluate: none (default), flip or ten-crop (each face's probabilities averaged over its views; the logits stay the plain view's)."),
        
        .value("annotate", "DIR|FILE", "Pictures: write each into DIR with boxes and labels drawn. Video: write the annotated frames to FILE (e.g. out.mp4) through ffmpeg."),
        .value("fps", "N", "Video: frames per second to sample (default: the clip's own rate)."),
        .value("timeline", "FILE", "Video: an SVG of each tracked face's emotion probabilities over time."),
        .value("full-detect-every", "N", "Video: scan the whole frame every N-th sampled frame and, in between, only around the tracked faces (faster; a new face appears up to N-1 frames late). Default 1: every frame in full."),
        .value("cascade", "FILE", "OpenCV Haar cascade XML (default \(HaarCascade.defaultPath), from apt-get install opencv-data)."),
        .value("scale-factor", "F", "Detector scale step, as OpenCV's scaleFactor (default 1.1)."),
        .value("min-neighbors", "N", "Window hits a face needs, as OpenCV's minNeighbors (default 3)."),
        .value("min-face", "PIXELS", "Smallest face side searched (default 30)."),
        .value("detect-width", "PIXELS", "Detect on the picture shrunk to this width (faster; boxes mapped back; faces under --min-face there are missed). Default: full size."),
        .value("margin", "F", "Each detected box is widened by F of its side before cropping (default \(FaceAnalyzer.defaultMargin))."),
        BackendChoice.deviceOption,
        BackendChoice.kernelsOption,
    ]
    static let discussion = """
        INPUT: JPEG or PNG files, folders (searched recursively), or - for one path per line on standard input. Faces are found \
        with a Haar cascade (OpenCV's detectMultiScale, reimplemented), cropped with a margin, converted like training data \
        (luma, 48x48) and classified in fixed batches. A 48x48 image is taken as a face crop already (said on standard error); \
        --no-detect does so for every image. A file that cannot be read is reported and skipped; the exit status is then 1.
        A video (a file ffmpeg reads, by name or content, or a device such as /dev/video0) is given alone: ffmpeg (apt-get \
        install ffmpeg) decodes it, frames are sampled at --fps, each face keeps an id across frames (box overlap), and one \
        result per frame is printed with its time in seconds (--json: one object per frame and line; --csv: one row per face).
        """
    static var allowsPositional: Bool { true }

    let arguments: ParsedArguments
    let modelPath: String
    let top: Int
    let parameters: DetectionParameters
    let margin: Double
    let detectionWidth: Int?
    /// Video sampling rate; nil: the clip's own.
    let fps: Double?
    /// Video: every how many sampled frames the whole frame is scanned (1: every frame).
    let fullDetectionInterval: Int

    init(_ arguments: ParsedArguments) throws {
        self.arguments = arguments
        guard let model = arguments.string("model") else { throw UsageError(message: "--model FILE is required", command: Self.name) }
        guard !arguments.positional.isEmpty else { throw UsageError(message: "give at least one image, folder or -", command: Self.name) }
        guard !(arguments.flag("json") && arguments.flag("csv")) else { throw UsageError(message: "--json and --csv exclude each other", command: Self.name) }
        modelPath = model
        top = try arguments.int("top", default: 3, range: 1...7)
        let scaleFactor = try arguments.float("scale-factor", default: 1.1)
        guard scaleFactor > 1, scaleFactor <= 4 else { throw UsageError(message: "--scale-factor must be in (1, 4], got \(scaleFactor)", command: Self.name) }
        parameters = DetectionParameters(scaleFactor: Double(scaleFactor), minNeighbors: try arguments.int("min-neighbors", default: 3, range: 0...1000),
                                         minSize: try arguments.int("min-face", default: 30, range: 1...100_000))
        let margin = try arguments.float("margin", default: Float(FaceAnalyzer.defaultMargin))
        guard (0...1).contains(margin) else { throw UsageError(message: "--margin must be in [0, 1], got \(margin)", command: Self.name) }
        self.margin = Double(margin)
        detectionWidth = try arguments.optionalInt("detect-width", range: 24...100_000)
        if let text = arguments.string("fps") {
            guard let value = Double(text), value >= 0.01, value <= 240 else {
                throw UsageError(message: "--fps must be a number in [0.01, 240], got '\(text)'", command: Self.name)
            }
            fps = value
        } else {
            fps = nil
        }
        fullDetectionInterval = try arguments.int("full-detect-every", default: 1, range: 1...10_000)
    }

    struct ImageResult: Encodable { let image: String; let width: Int; let height: Int; let detected: Bool; let faces: [Face]; let milliseconds: Double }
    /// `id`: the face's track id in a video (absent for pictures).
    struct Face: Encodable { var id: Int? = nil; let box: FaceBox; let neighbors: Int?; let top: [Score]; let probabilities: [String: Double]; let logits: [Float] }
    struct Score: Encodable { let emotion: String; let probability: Double }

    func run() throws -> Int32 {
        let backend = try BackendChoice.make(arguments, runsLoadedModel: true)
        let detect = !arguments.flag("no-detect")
        let cascade = detect ? try HaarCascade(contentsOfFile: arguments.string("cascade") ?? HaarCascade.defaultPath) : nil
        let analyzer = try FaceAnalyzer(modelPath: modelPath, cascade: cascade, backend: backend, parameters: parameters, margin: margin)
        analyzer.detectionWidth = detectionWidth
        try analyzer.setTestTimeAugmentation(try EvaluateCommand.testTimeAugmentation(arguments, command: Self.name))
        let paths = PredictInputs.paths(arguments.positional)
        guard !paths.isEmpty else { throw UsageError(message: "no JPEG or PNG files among the inputs", command: Self.name) }
        let videos = paths.filter(PredictInputs.isVideo)
        if !videos.isEmpty {
            guard paths.count == 1 else {
                throw UsageError(message: "a video is predicted on its own: give one video per call (\(videos.count) videos among \(paths.count) inputs)", command: Self.name)
            }
            guard detect else { throw UsageError(message: "--no-detect is for face crops, not video", command: Self.name) }
            return try PredictVideo(command: self, analyzer: analyzer, path: videos[0]).run()
        }
        for option in ["fps", "timeline", "full-detect-every"] where arguments.string(option) != nil {
            throw UsageError(message: "--\(option) is for video inputs; none of the inputs is a video", command: Self.name)
        }
        var annotation = try arguments.string("annotate").map { try PredictAnnotation(folder: $0) }
        let progress = isatty(STDERR_FILENO) != 0 && paths.count > 1 && (arguments.flag("json") || arguments.flag("csv"))
        if arguments.flag("csv") {
            print((["image", "face", "x", "y", "width", "height", "neighbors", "emotion", "probability"] + EmotionClass.allCases.map(\.name)).joined(separator: ","))
        }
        var failures = 0
        for (index, path) in paths.enumerated() {
            if progress { FileHandle.standardError.write(Data("\r\(index + 1)/\(paths.count) \(path)\u{1B}[K".utf8)) }
            let image: GrayImage
            do {
                image = try decodeGrayImage(atPath: path)
            } catch {
                if progress { FileHandle.standardError.write(Data("\n".utf8)) }
                printError("fer-cl predict: skipped \(error)")
                failures += 1
                continue
            }
            // A FER-2013-sized crop has no room for the detector's margin: it is the face already.
            let asCrop = !detect || (image.width == 48 && image.height == 48)
            if detect && asCrop { printError("\(path): 48x48, taken as a face crop (no detection)") }
            let start = DispatchTime.now().uptimeNanoseconds
            let faces = asCrop ? try analyzer.classifyWhole([image]) : try analyzer.analyze(image)
            let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            emit(ImageResult(image: path, width: image.width, height: image.height, detected: !asCrop, faces: faces.map { face($0) }, milliseconds: milliseconds))
            if annotation != nil { _ = try annotation!.write(image, faces: faces, input: path) }
        }
        if progress { FileHandle.standardError.write(Data("\n".utf8)) }
        if failures > 0 { printError("fer-cl predict: \(failures) of \(paths.count) inputs could not be read") }
        return failures > 0 ? 1 : 0
    }

    func face(_ f: AnalyzedFace, id: Int? = nil) -> Face {
        Face(id: id, box: f.box, neighbors: f.neighbors, top: f.top(top).map { Score(emotion: $0.emotion.name, probability: $0.probability) },
             probabilities: Dictionary(uniqueKeysWithValues: zip(EmotionClass.allCases.map(\.name), f.probabilities)), logits: f.logits)
    }

    func emit(_ result: ImageResult) {
        if arguments.flag("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(result) { print(String(decoding: data, as: UTF8.self)) }
        } else if arguments.flag("csv") {
            for (i, f) in result.faces.enumerated() {
                let quoted = "\"" + result.image.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let fields = [quoted, "\(i)", "\(f.box.x)", "\(f.box.y)", "\(f.box.width)", "\(f.box.height)", f.neighbors.map(String.init) ?? "",
                              f.top[0].emotion, String(format: "%.4f", f.top[0].probability)]
                print((fields + EmotionClass.allCases.map { String(format: "%.4f", f.probabilities[$0.name] ?? 0) }).joined(separator: ","))
            }
        } else {
            let summary = result.faces.isEmpty ? "no face found" : result.faces.map { f in
                let box = result.detected ? "face at \(f.box.x),\(f.box.y) \(f.box.width)x\(f.box.height) (\(f.neighbors ?? 0) hits): " : ""
                return box + f.top.map { String(format: "%@ %.1f%%", $0.emotion, $0.probability * 100) }.joined(separator: ", ")
            }.joined(separator: "; ")
            print("\(result.image): \(summary)")
        }
    }
}
