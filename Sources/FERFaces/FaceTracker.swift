/// Keeps an id on each face across video frames by box overlap: each frame's detections are
/// matched to the live tracks greedily, the pair with the largest intersection over union
/// first, as long as it reaches `minimumIoU`; an unmatched detection starts a new track (ids
/// count up from 1 and are never reused), and a track unmatched for more than `maximumMissed`
/// frames in a row ends (a face the detector misses for a frame or two keeps its id).
/// Sampled at a few frames per second, a face moves far less than its own width between
/// frames, which is what makes overlap a sufficient cue here.
public struct FaceTracker: Sendable {
    public var minimumIoU: Double
    public var maximumMissed: Int

    struct Track: Sendable { var id: Int; var box: FaceBox; var missed: Int }
    private var tracks: [Track] = []
    private var nextID = 1

    public init(minimumIoU: Double = 0.3, maximumMissed: Int = 5) {
        self.minimumIoU = minimumIoU
        self.maximumMissed = maximumMissed
    }

    /// The last box of every live track (a face missed for a few frames included), oldest track first.
    public var boxes: [FaceBox] { tracks.map(\.box) }

    /// The track id of each of this frame's boxes, in their order.
    public mutating func update(_ boxes: [FaceBox]) -> [Int] {
        var pairs: [(iou: Double, track: Int, box: Int)] = []
        for (t, track) in tracks.enumerated() {
            for (b, box) in boxes.enumerated() {
                let overlap = track.box.iou(box)
                if overlap >= minimumIoU { pairs.append((overlap, t, b)) }
            }
        }
        // Largest overlap first; ties go to the older track, then the earlier box, so the result
        // does not depend on the sort's stability.
        pairs.sort { ($0.iou, -$0.track, -$0.box) > ($1.iou, -$1.track, -$1.box) }
        var ids = [Int?](repeating: nil, count: boxes.count)
        var matched = Set<Int>()
        for pair in pairs where ids[pair.box] == nil && !matched.contains(pair.track) {
            ids[pair.box] = tracks[pair.track].id
            tracks[pair.track].box = boxes[pair.box]
            tracks[pair.track].missed = 0
            matched.insert(pair.track)
        }
        for t in tracks.indices where !matched.contains(t) { tracks[t].missed += 1 }
        tracks.removeAll { $0.missed > maximumMissed }
        for (b, box) in boxes.enumerated() where ids[b] == nil {
            ids[b] = nextID
            tracks.append(Track(id: nextID, box: box, missed: 0))
            nextID += 1
        }
        return ids.map { $0! }
    }
}
