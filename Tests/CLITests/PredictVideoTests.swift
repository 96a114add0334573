import FERData
import Foundation
import Testing

let ffmpegPresent = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].contains { FileManager.default.isExecutableFile(atPath: $0) }

/// `predict` on video and `--annotate`, end to end through the binary: a clip made here (FER-2013
/// test faces drifting across a smooth background, or plain gradients where the data is
/// absent) encoded by ffmpeg, then sampled, tracked, annotated and charted; and the errors for
/// a file that is not a video and for a missing ffmpeg.
@Suite("predict on video") struct PredictVideoTests {
    /// One tiny model for the suite (its emotions are meaningless; the pipeline is what is tested).
    static let model: Result<String, Error> = Result {
        let data = try makeImageFolderDataset(perClass: 3)
        let run = temporaryFolder("video-model")
        let trained = try CLI.run(["train", "--no-tune", "--data", data.path, "--out", run.path, "--epochs", "1", "--batch", "7"])
        guard trained.status == 0 else { throw CLI.CLIError.noBinary }
        return run.appendingPathComponent("model.safetensors").path
    }

    static let faces: [GrayImage]? = {
        guard SharedDataSmokeTests.present else { return nil }
        let test = SharedDataSmokeTests.data.appendingPathComponent("test")
        return try? ["happy", "surprise"].map { emotion in
            let folder = test.appendingPathComponent(emotion).path
            let first = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()[0]
            return try decodeGrayImage(atPath: folder + "/" + first)
        }
    }()

    /// Where face `n` is pasted in frame `index` of the test clip: 110 px, moving 2 px a frame.
    static func pastedBox(face n: Int, frame index: Int) -> (x: Int, y: Int, w: Int, h: Int) {
        (x: 30 + 170 * n + 2 * index, y: 60 + (n == 0 ? index : -index), w: 110, h: 110)
    }

    /// Frame `index` of the test clip: 360x240, two faces at their `pastedBox`es.
    static func frame(_ index: Int) -> GrayImage {
        let width = 360, height = 240
        var pixels = (0..<(width * height)).map { UInt8(90 + ($0 % width) / 6 + ($0 / width) / 8) }
        for (n, face) in (faces ?? []).enumerated() {
            let box = pastedBox(face: n, frame: index)
            let scaled = face.resized(width: box.w, height: box.h)
            for y in 0..<box.h { for x in 0..<box.w { pixels[(box.y + y) * width + box.x + x] = scaled.pixels[y * box.w + x] } }
        }
        return GrayImage(width: width, height: height, pixels: pixels)
    }

    /// Encodes `count` frames at 10 frames/s with ffmpeg's own MPEG-4 encoder (present in every ffmpeg build).
    static func makeClip(frames count: Int) throws -> URL {
        let folder = temporaryFolder("video")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let clip = folder.appendingPathComponent("clip.mp4")
        let encoder = Process()
        encoder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        encoder.arguments = ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "gray", "-s", "360x240", "-r", "10", "-i", "-",
                             "-c:v", "mpeg4", "-q:v", "2", "-pix_fmt", "yuv420p", clip.path]
        let input = Pipe()
        encoder.standardInput = input
        try encoder.run()
        for index in 0..<count { try input.fileHandleForWriting.write(contentsOf: Data(frame(index).pixels)) }
        try input.fileHandleForWriting.close()
        encoder.waitUntilExit()
        try #require(encoder.terminationStatus == 0, "ffmpeg could not make the test clip")
        return clip
    }

    static func objects(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    static func box(_ face: [String: Any]) -> (x: Int, y: Int, w: Int, h: Int) {
        let b = face["box"] as! [String: Int]
        return (b["x"]!, b["y"]!, b["width"]!, b["height"]!)
    }

    static func iou(_ a: (x: Int, y: Int, w: Int, h: Int), _ b: (x: Int, y: Int, w: Int, h: Int)) -> Double {
        let w = min(a.x + a.w, b.x + b.w) - max(a.x, b.x), h = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
        guard w > 0, h > 0 else { return 0 }
        return Double(w * h) / Double(a.w * a.h + b.w * b.h - w * h)
    }

    @Test(.enabled(if: ffmpegPresent, "ffmpeg is not installed (apt-get install ffmpeg): the video test is skipped"))
    func clipIsSampledTrackedAnnotatedAndCharted() throws {
        if Self.faces == nil { print("../shared/fer2013 is absent: the clip has no faces, so tracking is not checked, only frames and times") }
        let model = try Self.model.get()
        let clip = try Self.makeClip(frames: 20)
        let out = clip.deletingLastPathComponent()
        let annotated = out.appendingPathComponent("annotated.mp4"), timeline = out.appendingPathComponent("timeline.svg")
        let result = try CLI.run(["predict", "--model", model, "--json", "--fps", "5", "--annotate", annotated.path, "--timeline", timeline.path, clip.path])
        try #require(result.status == 0, "\(result.error)")
        let frames = try Self.objects(result.output)
        // 2 s at 5 frames/s.
        #expect(frames.count == 10, "\(result.output)")
        for (k, frame) in frames.enumerated() {
            #expect(frame["frame"] as? Int == k)
            #expect(abs((frame["time"] as? Double ?? -1) - Double(k) / 5) < 1e-9)
            #expect(frame["width"] as? Int == 360 && frame["height"] as? Int == 240)
        }
        #expect(result.error.contains("frames/s processed"))

        let faces = frames.map { $0["faces"] as! [[String: Any]] }
        var ids = Set<Int>()
        for (previous, current) in zip(faces, faces.dropFirst()) {
            for a in previous {
                for b in current where Self.iou(Self.box(a), Self.box(b)) >= 0.5 {
                    #expect(a["id"] as? Int == b["id"] as? Int, "a face that barely moved changed its id: \(a["id"]!) -> \(b["id"]!)")
                }
            }
        }
        for frame in faces { for face in frame { ids.insert(face["id"] as! Int) } }
        if Self.faces != nil {
            #expect(faces.filter { !$0.isEmpty }.count >= 5, "the pasted faces are found in most frames")
            #expect(!ids.isEmpty && ids.count <= 2, "two faces drifting slowly keep two ids at most: \(ids.sorted())")
        }

        // The annotated clip: as many frames as were sampled, at the sampled size.
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames,width,height",
                           "-of", "default=noprint_wrappers=1", annotated.path]
        let pipe = Pipe()
        probe.standardOutput = pipe
        try probe.run()
        let facts = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        probe.waitUntilExit()
        #expect(facts.contains("width=360") && facts.contains("height=240") && facts.contains("nb_read_frames=10"), "\(facts)")

        let svg = try String(contentsOf: timeline, encoding: .utf8)
        for id in ids { #expect(svg.contains("data-panel=\"face-\(id)\"")) }
        #expect(ids.isEmpty == svg.contains("no face found in any frame"))
        #expect(frames.allSatisfy { $0["scan"] as? String == "full" })

        // Whole frames scanned every 4th frame only: the frames between search around the tracked
        // faces and find them again, with the same ids.
        let sparse = try CLI.run(["predict", "--model", model, "--json", "--fps", "5", "--full-detect-every", "4", clip.path])
        try #require(sparse.status == 0, "\(sparse.error)")
        let sparseFrames = try Self.objects(sparse.output)
        #expect(sparseFrames.map { $0["scan"] as? String ?? "" } == (0..<10).map { $0 % 4 == 0 ? "full" : "tracked" })
        #expect(sparse.error.contains("the whole frame scanned every 4"), "\(sparse.error)")
        if Self.faces != nil {
            let sparseFaces = sparseFrames.map { $0["faces"] as! [[String: Any]] }
            var sparseIDs = Set<Int>()
            for (k, sparse) in sparseFaces.enumerated() {
                // Sampled frame k is the clip's frame 2k (10 frames/s sampled at 5).
                let pasted = (0..<2).map { Self.pastedBox(face: $0, frame: 2 * k) }
                for b in sparse {
                    sparseIDs.insert(b["id"] as! Int)
                    let box = Self.box(b), cx = box.x + box.w / 2, cy = box.y + box.h / 2
                    #expect(pasted.contains { cx >= $0.x && cx < $0.x + $0.w && cy >= $0.y && cy < $0.y + $0.h },
                            "frame \(k): \(box) is not on a pasted face \(pasted)")
                }
            }
            let tracked = (0..<10).filter { $0 % 4 != 0 }
            let foundEvery = tracked.map { faces[$0].count }.reduce(0, +), foundSparse = tracked.map { sparseFaces[$0].count }.reduce(0, +)
            #expect(foundSparse + 1 >= foundEvery, "the frames between full scans find \(foundSparse) faces, full scans \(foundEvery)")
            #expect(!sparseIDs.isEmpty && sparseIDs.count <= 2, "\(sparseIDs.sorted())")
        }
        let pictures = try CLI.run(["predict", "--model", model, "--full-detect-every", "4", out.appendingPathComponent("picture.png").path])
        #expect(pictures.status != 0 && pictures.error.contains("--full-detect-every is for video"), "\(pictures.error)")
    }

    /// A gray and a colour picture annotated into a folder: the boxes in the top emotion's
    /// colour (exactly on the colour picture, as luma on the gray one), every pixel away from
    /// them as it was, the colour picture in its own colours.
    @Test func picturesAreAnnotatedIntoAFolder() throws {
        let model = try Self.model.get()
        let folder = temporaryFolder("annotate-in")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let picture = Self.frame(0)
        // A warm tint of about the same luma (0.299 * 16 = 0.114 * 42), so the faces are still found.
        let rgb = picture.pixels.flatMap { [UInt8(min(Int($0) + 16, 255)), $0, UInt8(max(Int($0) - 42, 0))] }
        try writePNG(gray: picture.pixels, width: picture.width, height: picture.height, to: folder.appendingPathComponent("scene.png").path)
        try Data(try encodePNG(rgb: rgb, width: picture.width, height: picture.height)).write(to: folder.appendingPathComponent("tinted.png"))
        let out = temporaryFolder("annotate-out")
        let result = try CLI.run(["predict", "--model", model, "--json", "--annotate", out.path, folder.path])
        try #require(result.status == 0, "\(result.error)")
        let objects = try Self.objects(result.output)
        func faces(_ name: String) -> [[String: Any]] {
            objects.first { ($0["image"] as! String).hasSuffix(name) }!["faces"] as! [[String: Any]]
        }
        func topColour(_ face: [String: Any]) -> [UInt8] {
            let c = EmotionClass.allCases.first { $0.name == ((face["top"] as! [[String: Any]])[0]["emotion"] as! String) }!.colour
            return [c.r, c.g, c.b]
        }
        let gray = try decodeGrayImage(atPath: out.appendingPathComponent("scene.png").path)
        let colour = try decodeRGBImage(atPath: out.appendingPathComponent("tinted.png").path)
        #expect(gray.width == picture.width && gray.height == picture.height && colour.width == picture.width && colour.height == picture.height)
        if Self.faces != nil { #expect(!faces("scene.png").isEmpty, "the pasted faces are found") }
        // The box's left edge, half way down, is in the face's top emotion's colour.
        for face in faces("scene.png") {
            let b = Self.box(face)
            #expect(gray.pixels[(b.y + b.h / 2) * gray.width + b.x] == RGBImage(width: 1, height: 1, pixels: topColour(face)).luma.pixels[0])
        }
        for face in faces("tinted.png") {
            let b = Self.box(face), at = 3 * ((b.y + b.h / 2) * colour.width + b.x)
            #expect(Array(colour.pixels[at..<(at + 3)]) == topColour(face))
        }
        // Away from every box, the pictures are as they were.
        let far = faces("scene.png").isEmpty && faces("tinted.png").isEmpty ? 0 : 239 * picture.width + 359
        #expect(gray.pixels[far] == picture.pixels[far])
        #expect(Array(colour.pixels[(3 * far)..<(3 * far + 3)]) == Array(rgb[(3 * far)..<(3 * far + 3)]))
    }

    @Test(.enabled(if: ffmpegPresent, "ffmpeg is not installed: the unreadable-video message cannot be checked"))
    func aFileThatIsNotAVideoIsNamedWithFFmpegsMessage() throws {
        let model = try Self.model.get()
        let folder = temporaryFolder("broken-video")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let broken = folder.appendingPathComponent("broken.mp4")
        try Data("this is not a video at all".utf8).write(to: broken)
        let result = try CLI.run(["predict", "--model", model, broken.path])
        #expect(result.status == 1)
        #expect(result.error.contains("video \(broken.path)") && result.error.contains("Invalid data"), "\(result.error)")
    }

    @Test func aMissingFFmpegSaysHowToInstallIt() throws {
        let model = try Self.model.get()
        let empty = temporaryFolder("no-ffmpeg")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let clip = empty.appendingPathComponent("clip.mp4")
        try Data([0, 0, 0, 24] + Array("ftypisom".utf8)).write(to: clip)
        let result = try CLI.run(["predict", "--model", model, clip.path], environment: ["PATH": empty.path])
        #expect(result.status == 1)
        #expect(result.error.contains("apt-get install ffmpeg"), "\(result.error)")
    }

    @Test func aVideoIsGivenAlone() throws {
        let model = try Self.model.get()
        let result = try CLI.run(["predict", "--model", model, "a.mp4", "b.png"])
        #expect(result.status == 2)
        #expect(result.error.contains("one video per call"), "\(result.error)")
    }
}
