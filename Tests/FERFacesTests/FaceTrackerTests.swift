import FERFaces
import Testing

/// The IoU tracker: ids kept while faces move, kept over a short miss, new after a long one,
/// and contested boxes resolved by the larger overlap.
@Suite("face tracker") struct FaceTrackerTests {
    func box(_ x: Int, _ y: Int, _ side: Int = 100) -> FaceBox { FaceBox(x: x, y: y, width: side, height: side) }

    @Test func movingFacesKeepTheirIds() {
        var tracker = FaceTracker()
        #expect(tracker.update([box(0, 0), box(300, 0)]) == [1, 2])
        // Listed in the other order and moved by 10 px: the ids follow the faces, not the order.
        #expect(tracker.update([box(310, 5), box(10, 0)]) == [2, 1])
        #expect(tracker.update([box(20, 0), box(320, 10), box(600, 600)]) == [1, 2, 3])
    }

    @Test func aShortMissKeepsTheIdALongOneDoesNot() {
        var tracker = FaceTracker(minimumIoU: 0.3, maximumMissed: 2)
        #expect(tracker.update([box(0, 0)]) == [1])
        #expect(tracker.update([]) == [])
        #expect(tracker.update([]) == [])
        #expect(tracker.update([box(5, 5)]) == [1], "missed for 2 frames, the limit: still face 1")
        for _ in 0..<3 { _ = tracker.update([]) }
        #expect(tracker.update([box(5, 5)]) == [2], "missed for 3 frames: a new face, ids never reused")
    }

    @Test func theLargerOverlapWins() {
        var tracker = FaceTracker()
        #expect(tracker.update([box(0, 0)]) == [1])
        // Both boxes overlap track 1 (IoU 0.67 and 0.43); the closer one keeps the id.
        #expect(tracker.update([box(40, 0), box(20, 0)]) == [2, 1])
    }

    @Test func tooLittleOverlapStartsANewTrack() {
        var tracker = FaceTracker(minimumIoU: 0.3)
        #expect(tracker.update([box(0, 0)]) == [1])
        #expect(tracker.update([box(70, 0)]) == [2], "IoU 0.18 < 0.3")
    }
}
