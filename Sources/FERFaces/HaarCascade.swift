import FERCore
import FERData
import Foundation

/// A boosted cascade of Haar-feature stumps in OpenCV's XML format (the files of the Debian
/// package `opencv-data`, e.g. /usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml),
/// read without OpenCV, held as the three tables `Backend.haarCascadeScan` takes.
public struct HaarCascade: Sendable {
    /// The training window, in pixels (24x24 for OpenCV's frontal-face cascades).
    public let windowWidth, windowHeight: Int
    /// [featureCount, 3, 5]: x, y, width, height, weight per rectangle (HaarScanGeometry).
    public let features: [Float]
    /// [stumpCount, 4]: feature index, threshold, left value, right value.
    public let stumps: [Float]
    /// [stageCount, 2]: stump count, threshold.
    public let stages: [Float]

    public var featureCount: Int { features.count / 15 }
    public var stumpCount: Int { stumps.count / 4 }
    public var stageCount: Int { stages.count / 2 }

    /// OpenCV lowers every stage threshold by this much when it reads a cascade
    /// (`THRESHOLD_EPS` in cascadedetect.cpp); doing the same keeps the decisions identical.
    static let stageThresholdEpsilon: Float = 1e-5

    /// The frontal-face cascade of `opencv-data`, where Debian installs it.
    public static let defaultPath = "/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml"

    public init(windowWidth: Int, windowHeight: Int, features: [Float], stumps: [Float], stages: [Float]) {
        self.windowWidth = windowWidth; self.windowHeight = windowHeight
        self.features = features; self.stumps = stumps; self.stages = stages
    }

    /// Reads a cascade file; every failure names the file and says what is wrong.
    public init(contentsOfFile path: String) throws(CascadeError) {
        guard FileManager.default.fileExists(atPath: path) else {
            let hint = path == Self.defaultPath ? " (install it with: apt-get install opencv-data)" : ""
            throw CascadeError(.unreadable, path: path, reason: "no such file" + hint)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CascadeError(.unreadable, path: path, reason: "cannot be read (a folder, or no permission)")
        }
        try self.init(xml: [UInt8](data), path: path)
    }

    /// Parses the bytes of a cascade file; `path` only names it in errors.
    public init(xml bytes: [UInt8], path: String) throws(CascadeError) {
        let kind = FileKind(sniffing: bytes.prefix(64))
        guard kind == .xml || kind == .text else {
            throw CascadeError(.malformedXML, path: path, reason: "this is \(kind.description), not an OpenCV cascade XML file")
        }
        let root: XMLElement
        do {
            root = try parseXML(bytes)
        } catch {
            throw CascadeError(.malformedXML, path: path, line: error.line, reason: error.reason)
        }
        var reader = CascadeReader(path: path)
        self = try reader.cascade(root)
    }
}

/// Turns the XML tree into tables, checking every number it will trust later.
private struct CascadeReader {
    let path: String

    func fail(_ kind: CascadeError.Kind, _ node: XMLElement?, _ reason: String) -> CascadeError {
        CascadeError(kind, path: path, line: node?.line, reason: reason)
    }

    func required(_ parent: XMLElement, _ name: String) throws(CascadeError) -> XMLElement {
        guard let node = parent.child(name) else { throw fail(.notACascade, parent, "<\(parent.name)> has no <\(name)>") }
        return node
    }

    func numbers(_ node: XMLElement) throws(CascadeError) -> [Double] {
        var values: [Double] = []
        for token in node.text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
            guard let value = Double(token), value.isFinite else { throw fail(.notACascade, node, "\"\(token)\" in <\(node.name)> is not a number") }
            values.append(value)
        }
        return values
    }

    func integer(_ parent: XMLElement, _ name: String, in range: ClosedRange<Int>) throws(CascadeError) -> Int {
        let node = try required(parent, name)
        let values = try numbers(node)
        guard values.count == 1, let value = Int(exactly: values[0]), range.contains(value) else {
            throw fail(.notACascade, node, "<\(name)> must be one integer in \(range.lowerBound)...\(range.upperBound), found \"\(node.text.trimmingCharacters(in: .whitespacesAndNewlines))\"")
        }
        return value
    }

    mutating func cascade(_ root: XMLElement) throws(CascadeError) -> HaarCascade {
        guard root.name == "opencv_storage" else { throw fail(.notACascade, root, "the root element is <\(root.name)>, not <opencv_storage>") }
        guard let node = root.children.first(where: { $0.attributes["type_id"] != nil || $0.name == "cascade" }) ?? root.children.first else {
            throw fail(.notACascade, root, "<opencv_storage> is empty")
        }
        if node.attributes["type_id"] == "opencv-haar-classifier" {
            throw fail(.unsupported, node, "an old-format (OpenCV 1.x) cascade; use the new-format files of opencv-data")
        }
        guard node.child("stages") != nil, node.child("features") != nil else {
            throw fail(.notACascade, node, "<\(node.name)> is not a cascade (no <stages> and <features>)")
        }
        let stageType = try required(node, "stageType").text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard stageType == "BOOST" else { throw fail(.unsupported, node, "stage type \(stageType); only BOOST cascades are evaluated") }
        let featureType = try required(node, "featureType").text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard featureType == "HAAR" else { throw fail(.unsupported, node, "\(featureType) features; only HAAR cascades are evaluated") }
        let width = try integer(node, "width", in: 3...1024), height = try integer(node, "height", in: 3...1024)

        let featureNodes = try required(node, "features").children
        guard !featureNodes.isEmpty else { throw fail(.notACascade, node, "<features> is empty") }
        var features: [Float] = []
        for feature in featureNodes {
            if let tilted = feature.child("tilted"), (try numbers(tilted)).first != 0 {
                throw fail(.unsupported, tilted, "tilted (45 degree) features are not evaluated; use a cascade without them, such as haarcascade_frontalface_default.xml")
            }
            let rects = try required(feature, "rects").children
            guard (2...3).contains(rects.count) else { throw fail(.notACascade, feature, "a feature has \(rects.count) rectangles, expected 2 or 3") }
            for rect in rects {
                let v = try numbers(rect)
                guard v.count == 5, v[0...3].allSatisfy({ $0 == $0.rounded() && $0 >= 0 }),
                      v[0] + v[2] <= Double(width), v[1] + v[3] <= Double(height) else {
                    throw fail(.notACascade, rect, "a rectangle must be \"x y width height weight\" inside the \(width)x\(height) window")
                }
                features += v.map { Float($0) }
            }
            if rects.count == 2 { features += [0, 0, 0, 0, 0] }
        }

        var stumps: [Float] = [], stages: [Float] = []
        let stageNodes = try required(node, "stages").children
        guard !stageNodes.isEmpty else { throw fail(.notACascade, node, "<stages> is empty") }
        for stage in stageNodes {
            let thresholdNode = try required(stage, "stageThreshold")
            guard let threshold = try numbers(thresholdNode).first else { throw fail(.notACascade, thresholdNode, "<stageThreshold> is empty") }
            let weak = try required(stage, "weakClassifiers").children
            guard !weak.isEmpty else { throw fail(.notACascade, stage, "a stage without weak classifiers") }
            for classifier in weak {
                let nodesNode = try required(classifier, "internalNodes"), leavesNode = try required(classifier, "leafValues")
                let nodes = try numbers(nodesNode), leaves = try numbers(leavesNode)
                guard nodes.count == 4, leaves.count == 2 else {
                    throw fail(.unsupported, nodesNode, "a weak classifier with \(nodes.count / 4) nodes and \(leaves.count) leaves; only stumps (1 node, 2 leaves) are evaluated")
                }
                guard let index = Int(exactly: nodes[2]), (0..<featureNodes.count).contains(index) else {
                    throw fail(.notACascade, nodesNode, "feature index \(nodes[2]) outside the \(featureNodes.count) features")
                }
                stumps += [Float(index), Float(nodes[3]), Float(leaves[0]), Float(leaves[1])]
            }
            stages += [Float(weak.count), Float(threshold) - HaarCascade.stageThresholdEpsilon]
        }
        return HaarCascade(windowWidth: width, windowHeight: height, features: features, stumps: stumps, stages: stages)
    }
}
