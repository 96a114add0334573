import FERFaces
import Foundation
import Testing

/// The cascade reader: OpenCV's own file, and broken files that must fail with the file and
/// the reason named.
@Suite("Haar cascade reader")
struct CascadeReaderTests {
    static let minimal = """
        <?xml version="1.0"?>
        <opencv_storage>
        <cascade type_id="opencv-cascade-classifier"><stageType>BOOST</stageType>
          <featureType>HAAR</featureType><height>24</height><width>24</width>
          <stages><_><maxWeakCount>1</maxWeakCount><stageThreshold>-1.5</stageThreshold>
            <weakClassifiers><_><internalNodes>0 -1 0 -3.15e-02</internalNodes>
              <leafValues>2.0 -2.25</leafValues></_></weakClassifiers></_></stages>
          <features><_><rects><_>6 4 12 9 -1.</_><_>6 7 12 3 3.</_></rects></_></features></cascade>
        </opencv_storage>
        """

    func read(_ text: String) throws(CascadeError) -> HaarCascade {
        try HaarCascade(xml: Array(text.utf8), path: "test.xml")
    }

    func error(_ text: String) -> CascadeError? {
        do { _ = try read(text); return nil } catch { return error }
    }

    @Test func readsAMinimalCascade() throws {
        let cascade = try read(Self.minimal)
        #expect(cascade.windowWidth == 24 && cascade.windowHeight == 24)
        #expect(cascade.features == [6, 4, 12, 9, -1, 6, 7, 12, 3, 3, 0, 0, 0, 0, 0])
        #expect(cascade.stumps == [0, -0.0315, 2, -2.25])
        #expect(cascade.stages == [1, Float(-1.5) - 1e-5])
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: HaarCascade.defaultPath), "opencv-data is not installed"))
    func readsOpenCVsFrontalFaceCascade() throws {
        let cascade = try HaarCascade(contentsOfFile: HaarCascade.defaultPath)
        #expect(cascade.stageCount == 25)
        #expect(cascade.stumpCount == 2913)
        #expect(cascade.featureCount == 2913)
    }

    @Test func truncatedFileNamesTheLine() throws {
        let cut = String(Self.minimal.prefix(Self.minimal.count - 60))
        let e = try #require(error(cut))
        #expect(e.kind == .malformedXML)
        #expect(e.description.contains("test.xml"))
        #expect(e.description.contains("the file ends before"))
    }

    @Test func mismatchedTagIsMalformed() throws {
        let e = try #require(error(Self.minimal.replacingOccurrences(of: "</width>", with: "</height>")))
        #expect(e.kind == .malformedXML)
        #expect(e.line == 4)
        #expect(e.reason.contains("</height> closes <width>"))
    }

    @Test func missingElementIsNamed() throws {
        let e = try #require(error(Self.minimal.replacingOccurrences(of: "<stageThreshold>-1.5</stageThreshold>", with: "")))
        #expect(e.kind == .notACascade)
        #expect(e.reason.contains("<stageThreshold>"))
    }

    @Test func nonNumericValueIsNamed() throws {
        let e = try #require(error(Self.minimal.replacingOccurrences(of: "2.0 -2.25", with: "2.0 minus")))
        #expect(e.kind == .notACascade)
        #expect(e.reason.contains("\"minus\""))
    }

    @Test func rectangleOutsideTheWindowIsRejected() throws {
        let e = try #require(error(Self.minimal.replacingOccurrences(of: "6 7 12 3 3.", with: "16 7 12 3 3.")))
        #expect(e.kind == .notACascade)
        #expect(e.reason.contains("inside the 24x24 window"))
    }

    @Test func featureIndexOutOfRangeIsRejected() throws {
        let e = try #require(error(Self.minimal.replacingOccurrences(of: "0 -1 0 -3.15e-02", with: "0 -1 5 -3.15e-02")))
        #expect(e.reason.contains("feature index 5"))
    }

    @Test func unsupportedKindsAreSaidSo() throws {
        #expect(error(Self.minimal.replacingOccurrences(of: "<featureType>HAAR", with: "<featureType>LBP"))?.kind == .unsupported)
        #expect(error(Self.minimal.replacingOccurrences(of: "</rects></_></features>", with: "</rects><tilted>1</tilted></_></features>"))?.kind == .unsupported)
        #expect(error(Self.minimal.replacingOccurrences(of: "0 -1 0 -3.15e-02", with: "1 -1 0 -3.15e-02 0 -2 0 1.0"))?.kind == .unsupported)
    }

    @Test func otherFilesAreNamedByKind() throws {
        let png = try #require(error(String(decoding: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], as: UTF8.self)))
        #expect(png.kind == .malformedXML)
        #expect(error("<!DOCTYPE html><html><body>hi</body></html>")?.description.contains("this is an HTML page") == true)
        #expect(error("<?xml version=\"1.0\"?><settings><a>1</a></settings>")?.kind == .notACascade)
        #expect(error("")?.kind == .malformedXML)
    }

    @Test func missingFileIsUnreadable() throws {
        #expect(throws: CascadeError.self) { try HaarCascade(contentsOfFile: "/nonexistent/cascade.xml") }
        do { _ = try HaarCascade(contentsOfFile: "/nonexistent/cascade.xml") } catch { #expect(error.kind == .unreadable && error.description.contains("/nonexistent/cascade.xml")) }
    }
}
