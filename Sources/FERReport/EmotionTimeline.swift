import FERData
import Foundation

/// The emotions of each tracked face of a video over time, as one SVG: a panel per face
/// (its track id, when it was seen), one line per class in the class's colour, the
/// probability in percent against the time in seconds. A face the tracker lost and found
/// again under a new id gets a panel of its own.
public enum EmotionTimeline {
    /// One tracked face: the time of each frame it was seen in and its probabilities there
    /// (FER-2013 class order).
    public struct Track: Sendable {
        public var id: Int
        public var samples: [(time: Double, probabilities: [Double])]
        public init(id: Int, samples: [(time: Double, probabilities: [Double])] = []) { self.id = id; self.samples = samples }
    }

    public static func svg(_ tracks: [Track], title: String) -> String {
        let panelWidth = 720.0, panelHeight = 200.0
        let width = panelWidth + 20, height = 48 + panelHeight * Double(max(tracks.count, 1))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"emotion-timeline\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(Markup.escape(title))</text>\n"
        var x = 10.0
        for emotion in EmotionClass.allCases {
            svg += "<rect x=\"\(Int(x))\" y=\"28\" width=\"18\" height=\"8\" fill=\"\(emotion.colourHex)\"/><text x=\"\(Int(x) + 22)\" y=\"36\">\(emotion.name)</text>\n"
            x += 90
        }
        if tracks.isEmpty {
            svg += "<text class=\"no-faces\" x=\"\(Int(width / 2))\" y=\"\(Int(48 + panelHeight / 2))\" text-anchor=\"middle\" fill=\"#777\">no face found in any frame</text>\n"
        }
        for (index, track) in tracks.enumerated() {
            let first = track.samples.first?.time ?? 0, last = track.samples.last?.time ?? 0
            let series = EmotionClass.allCases.map { emotion in
                ChartSeries(label: emotion.name, run: "face \(track.id)", key: emotion.name, color: emotion.colourHex, dashed: false,
                            points: track.samples.map { (x: $0.time, y: 100 * $0.probabilities[emotion.rawValue]) })
            }
            let chart = LineChart(title: "face #\(track.id): \(track.samples.count) frames, \(Markup.number(first))-\(Markup.number(last)) s (%)",
                                  panel: "face-\(track.id)", xLabel: "seconds", series: series, width: panelWidth, height: panelHeight)
            svg += chart.svg(at: 10, 44 + Double(index) * panelHeight)
        }
        return svg + "</svg>\n"
    }
}
