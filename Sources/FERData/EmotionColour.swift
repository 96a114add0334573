/// The colour each class is drawn in wherever emotions are shown as colours (boxes on
/// annotated pictures and video, lines of the video timeline), so the two agree.
extension EmotionClass {
    public var colour: (r: UInt8, g: UInt8, b: UInt8) {
        switch self {
        case .angry: (230, 40, 40)
        case .disgust: (40, 170, 60)
        case .fear: (150, 70, 200)
        case .happy: (250, 210, 0)
        case .sad: (40, 110, 230)
        case .surprise: (250, 130, 20)
        case .neutral: (160, 160, 160)
        }
    }

    /// `colour` as an SVG/CSS hex colour, e.g. `#e62828`.
    public var colourHex: String {
        let c = colour
        return "#" + [c.r, c.g, c.b].map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
