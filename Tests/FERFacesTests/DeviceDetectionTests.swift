import FERCore
import FERData
import FERFaces
import OpenCLBackend
import ReferenceBackend
import Testing

/// The OpenCL scan against the reference on a real cascade and a whole picture: every
/// scale, every window, the same raw hits in the same order (op-level; `verify` checks the
/// op itself on a random cascade).
@Suite("Face detection on OpenCL")
struct DeviceDetectionTests {
    @Test(.enabled(if: sharedFER2013Present && cascadePresent, "needs ../shared/fer2013 and opencv-data (apt-get install opencv-data)"))
    func sameWindowHitsAsTheReference() throws {
        let cascade = try HaarCascade(contentsOfFile: HaarCascade.defaultPath)
        let reference = try FaceDetector(cascade: cascade, backend: ReferenceBackend())
        let device = try FaceDetector(cascade: cascade, backend: try OpenCLBackend(deviceRequest: nil))
        let crops = try SyntheticScene.faces("surprise", count: 3)
        let picture = SyntheticScene(width: 330, height: 250, seed: 4, pasting: [
            (crops[0], .init(x: 12, y: 20, size: 100)), (crops[1], .init(x: 150, y: 30, size: 84)), (crops[2], .init(x: 200, y: 130, size: 110)),
        ])
        let p = DetectionParameters(scaleFactor: 1.1, minNeighbors: 3, minSize: 24)
        let expected = try reference.candidates(picture.image, p)
        #expect(expected.count > 20, "the picture gives the comparison window hits to compare")
        #expect(try device.candidates(picture.image, p) == expected)
    }
}
