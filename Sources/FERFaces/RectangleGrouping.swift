/// A detected box in image pixels.
public struct FaceBox: Hashable, Sendable, Codable {
    public var x, y, width, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }

    public var area: Int { width * height }

    /// Intersection over union with another box.
    public func iou(_ other: FaceBox) -> Double {
        let w = min(x + width, other.x + other.width) - max(x, other.x)
        let h = min(y + height, other.y + other.height) - max(y, other.y)
        guard w > 0, h > 0 else { return 0 }
        let intersection = Double(w * h)
        return intersection / (Double(area + other.area) - intersection)
    }
}

/// OpenCV's `groupRectangles` (with its `partition` and `SimilarRects`), so that fer-cl
/// reports the boxes OpenCV reports: raw window hits are clustered (two are similar when
/// every edge differs by at most eps times their mean smaller side), clusters with at most
/// `minNeighbors` members are dropped, each cluster becomes its mean box, and a box lying
/// inside a better-supported one is dropped. The count of members is the detection's score.
public enum RectangleGrouping {
    public static let eps = 0.2

    public static func group(_ boxes: [FaceBox], minNeighbors: Int, eps: Double = eps) -> [(box: FaceBox, neighbors: Int)] {
        if minNeighbors <= 0 || boxes.isEmpty { return boxes.map { ($0, 1) } }
        let labels = partition(boxes) { similar($0, $1, eps: eps) }
        let classes = (labels.max() ?? -1) + 1
        var sums = [(x: Int, y: Int, w: Int, h: Int)](repeating: (0, 0, 0, 0), count: classes)
        var counts = [Int](repeating: 0, count: classes)
        for (box, label) in zip(boxes, labels) {
            sums[label].x += box.x; sums[label].y += box.y; sums[label].w += box.width; sums[label].h += box.height
            counts[label] += 1
        }
        // OpenCV scales by a float reciprocal and rounds half to even (saturate_cast<int>(float)).
        let means = (0..<classes).map { c -> FaceBox in
            let s = 1 / Float(counts[c])
            func mean(_ v: Int) -> Int { Int((Float(v) * s).rounded(.toNearestOrEven)) }
            return FaceBox(x: mean(sums[c].x), y: mean(sums[c].y), width: mean(sums[c].w), height: mean(sums[c].h))
        }
        var result: [(FaceBox, Int)] = []
        for i in 0..<classes where counts[i] > minNeighbors {
            let r1 = means[i], n1 = counts[i]
            let inside = (0..<classes).contains { j in
                let n2 = counts[j]
                guard j != i, n2 > minNeighbors else { return false }
                let r2 = means[j]
                let dx = Int((Double(r2.width) * eps).rounded(.toNearestOrEven)), dy = Int((Double(r2.height) * eps).rounded(.toNearestOrEven))
                return r1.x >= r2.x - dx && r1.y >= r2.y - dy && r1.x + r1.width <= r2.x + r2.width + dx
                    && r1.y + r1.height <= r2.y + r2.height + dy && (n2 > max(3, n1) || n1 < 3)
            }
            if !inside { result.append((r1, n1)) }
        }
        return result
    }

    static func similar(_ a: FaceBox, _ b: FaceBox, eps: Double) -> Bool {
        let delta = eps * Double(min(a.width, b.width) + min(a.height, b.height)) * 0.5
        return Double(abs(a.x - b.x)) <= delta && Double(abs(a.y - b.y)) <= delta
            && Double(abs(a.x + a.width - b.x - b.width)) <= delta && Double(abs(a.y + a.height - b.y - b.height)) <= delta
    }

    /// Equivalence classes of the predicate's transitive closure, numbered in the order of
    /// each class's first member (as OpenCV's `partition` numbers them).
    static func partition(_ boxes: [FaceBox], _ equivalent: (FaceBox, FaceBox) -> Bool) -> [Int] {
        var parent = Array(0..<boxes.count)
        func root(_ i: Int) -> Int {
            var r = i
            while parent[r] != r { r = parent[r] }
            var k = i
            while parent[k] != r { let next = parent[k]; parent[k] = r; k = next }
            return r
        }
        for i in 0..<boxes.count {
            for j in (i + 1)..<max(boxes.count, i + 1) where equivalent(boxes[i], boxes[j]) {
                let a = root(i), b = root(j)
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        var numbers: [Int: Int] = [:]
        return (0..<boxes.count).map { i in
            let r = root(i)
            if let n = numbers[r] { return n }
            numbers[r] = numbers.count
            return numbers.count - 1
        }
    }
}
