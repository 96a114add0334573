import FERData
import FERReport
import FERTrain
import Foundation
import Testing

struct GalleryAndPageTests {
    /// Four images of class 0 and two of class 1, with chosen probabilities.
    static func gallery(perClass: Int = 2) -> Gallery {
        let probabilities: [[Double]] = [
            [0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.45, 0.55],   // class 0: two right (0.9, 0.6), two wrong (0.8, 0.55)
            [0.3, 0.7], [0.95, 0.05],                            // class 1: one right (0.7), one wrong (0.95)
        ]
        let images = (0..<probabilities.count).flatMap { [UInt8](repeating: UInt8($0 * 10), count: 2304) }
        return Gallery(probabilities: probabilities, labels: [0, 0, 0, 0, 1, 1], images: images, perClass: perClass)
    }

    @Test func mistakesMostConfidentFirstCorrectAnswersLeastConfidentFirst() {
        let gallery = Self.gallery()
        #expect(gallery.classes.count == 2)
        #expect(gallery.classes[0].confidentMistakes.map(\.index) == [2, 3])
        #expect(gallery.classes[0].confidentMistakes.map(\.predictedClass) == [1, 1])
        #expect(gallery.classes[0].unsureCorrect.map(\.index) == [1, 0])
        #expect(gallery.classes[1].confidentMistakes.map(\.index) == [5])
        #expect(gallery.classes[1].confidentMistakes.first?.confidence == 0.95)
        #expect(gallery.classes[1].unsureCorrect.map(\.index) == [4])
        #expect(gallery.classes[0].confidentMistakes.first.map { Set($0.pixels) } == [20], "the image of index 2")
        #expect(Self.gallery(perClass: 1).classes[0].unsureCorrect.map(\.index) == [1])
    }

    @Test func thePageIsSelfContainedAndEscaped() throws {
        let log = RunLog(name: "run <1>", jsonLines: RunLogTests.stringForm.replacingOccurrences(of: "--epochs 2", with: "--epochs 2 <script>"))
        let evaluation = Evaluation(confusion: [[3, 1], [0, 2]], lossSum: 3)
        let scored = ScoredModel(model: "m.safetensors", data: "test", evaluation: evaluation)
        let page = HTMLReport.html([ReportedRun(log: log, evaluation: scored, gallery: Self.gallery()),
                                    ReportedRun(log: RunLog(name: "other", jsonLines: RunLogTests.nestedForm))])
        #expect(!page.contains("<script"), "no script, and user text is escaped")
        #expect(page.contains("run &lt;1&gt;"))
        #expect(!page.contains("src=\"http") && !page.contains("href=\"http") && !page.contains("@import"), "nothing fetched")
        #expect(page.components(separatedBy: "src=\"data:image/png;base64,").count - 1 == 6)
        #expect(page.contains("<table id=\"comparison\">"))
        #expect(page.contains("data-field=\"accuracy\" data-value=\"\(evaluation.accuracy)\">83.33%<"))
        #expect(page.contains("not scored"))
    }
}
