import FERData
import FERFaces
import FERReport
import Foundation

/// `predict` on a video: frames sampled by ffmpeg at `--fps` (else the clip's own rate), faces
/// found and classified per frame with the same `FaceAnalyzer` as pictures, an id kept on each
/// face by `FaceTracker`, one result per frame (text, JSON line or CSV rows, flushed at once so a
/// webcam's results arrive live), optionally the annotated frames encoded by ffmpeg
/// (`--annotate out.mp4`) and an SVG of each face's emotions over time (`--timeline`).
/// With `--full-detect-every N`, only every N-th frame is scanned whole; the frames between are
/// searched around the tracked faces alone (`FaceDetector.detect(_:_:near:)`).
/// The frame rate achieved and where the time went are reported on standard error.
struct PredictVideo {
    let command: PredictCommand
    let analyzer: FaceAnalyzer
    let path: String

    struct FrameResult: Encodable {
        let video: String; let frame: Int; let time: Double; let width: Int; let height: Int
        let faces: [PredictCommand.Face]; let milliseconds: Double
        /// "full": the whole frame was scanned; "tracked": only around the faces tracked so far.
        let scan: String
    }

    func run() throws -> Int32 {
        let arguments = command.arguments
        let reader = try VideoReader(path: path, framesPerSecond: command.fps)
        var writer: VideoWriter?
        // A face may go undetected for up to a second (at least 5 sampled frames) and keep its id:
        // at 25 frames/s, 5 frames (0.2 s) split 3 faces into 8 ids with --detect-width 320.
        var tracker = FaceTracker(maximumMissed: max(5, Int(reader.framesPerSecond.rounded())))
        var timeline: [Int: EmotionTimeline.Track] = [:]
        if arguments.flag("csv") {
            print((["video", "frame", "time", "face_id", "x", "y", "width", "height", "neighbors", "emotion", "probability"]
                   + EmotionClass.allCases.map(\.name)).joined(separator: ","))
        }
        var seconds = (decode: 0.0, annotate: 0.0)
        let start = DispatchTime.now().uptimeNanoseconds
        func clock() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        while true {
            let t0 = clock()
            guard let frame = try reader.next() else { break }
            let t1 = clock()
            let index = reader.count - 1, full = index % command.fullDetectionInterval == 0
            let faces = try analyzer.analyze(frame.luma, near: full ? nil : tracker.boxes)
            let ids = tracker.update(faces.map(\.box))
            let t2 = clock()
            let time = reader.time(ofFrame: index)
            emit(FrameResult(video: path, frame: index, time: time, width: frame.width, height: frame.height,
                             faces: zip(faces, ids).map { command.face($0, id: $1) }, milliseconds: (t2 - t1) * 1000,
                             scan: full ? "full" : "tracked"))
            for (face, id) in zip(faces, ids) { timeline[id, default: EmotionTimeline.Track(id: id)].samples.append((time, face.probabilities)) }
            if let output = arguments.string("annotate") {
                if writer == nil { writer = try VideoWriter(path: output, width: frame.width, height: frame.height, framesPerSecond: reader.framesPerSecond) }
                var canvas = frame
                FaceAnnotation.draw(faces, ids: ids, on: &canvas)
                try writer!.write(canvas)
            }
            seconds.decode += t1 - t0; seconds.annotate += clock() - t2
        }
        try writer?.finish()
        let total = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let file = arguments.string("timeline") {
            let svg = EmotionTimeline.svg(timeline.values.sorted { $0.id < $1.id }, title: "\(URL(fileURLWithPath: path).lastPathComponent): emotions of each tracked face")
            try Data(svg.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        }
        let n = Double(max(reader.count, 1))
        let scans = command.fullDetectionInterval == 1 ? "" : ", the whole frame scanned every \(command.fullDetectionInterval)"
        printError(String(format: "%@: %d frames at %g frames/s of video%@, %d faces tracked; %.2f s, %.1f frames/s processed "
                          + "(per frame: decode wait %.1f ms, detect %.1f ms, classify %.1f ms, annotate + encode %.1f ms)",
                          path, reader.count, reader.framesPerSecond, scans, timeline.count, total, Double(reader.count) / total,
                          seconds.decode / n * 1000, analyzer.seconds.detect / n * 1000, analyzer.seconds.classify / n * 1000, seconds.annotate / n * 1000))
        return 0
    }

    func emit(_ result: FrameResult) {
        if command.arguments.flag("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(result) { print(String(decoding: data, as: UTF8.self)) }
        } else if command.arguments.flag("csv") {
            let quoted = "\"" + result.video.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            for f in result.faces {
                let fields = [quoted, "\(result.frame)", String(format: "%.3f", result.time), "\(f.id ?? 0)", "\(f.box.x)", "\(f.box.y)",
                              "\(f.box.width)", "\(f.box.height)", f.neighbors.map(String.init) ?? "", f.top[0].emotion, String(format: "%.4f", f.top[0].probability)]
                print((fields + EmotionClass.allCases.map { String(format: "%.4f", f.probabilities[$0.name] ?? 0) }).joined(separator: ","))
            }
        } else {
            let summary = result.faces.isEmpty ? "no face found" : result.faces.map { f in
                "#\(f.id ?? 0) at \(f.box.x),\(f.box.y) \(f.box.width)x\(f.box.height): "
                    + f.top.map { String(format: "%@ %.1f%%", $0.emotion, $0.probability * 100) }.joined(separator: ", ")
            }.joined(separator: "; ")
            print(String(format: "%.2f s frame %d: ", result.time, result.frame) + summary)
        }
        fflush(stdout)
    }
}
