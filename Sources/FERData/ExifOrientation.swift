/// EXIF orientation of JPEG files: cameras store the sensor's pixels as they are and record
/// in APP1 how to turn them for display, so a phone portrait decodes sideways unless the
/// tag is applied. Only the orientation tag (0x0112) of IFD0 is read.
enum ExifOrientation {
    /// The orientation (1-8) of a JPEG's EXIF block, or nil when there is none or it is damaged.
    static func of(jpeg bytes: [UInt8]) -> Int? {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
        var i = 2
        // Walk the marker segments before the image data.
        while i + 4 <= bytes.count, bytes[i] == 0xFF {
            let marker = bytes[i + 1]
            if marker == 0xDA || marker == 0xD9 { return nil }  // start of scan / end: no EXIF before it
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= bytes.count else { return nil }
            let body = (i + 4)..<(i + 2 + length)
            if marker == 0xE1, body.count > 14, Array(bytes[body.lowerBound..<(body.lowerBound + 6)]) == Array("Exif\0\0".utf8) {
                return tiffOrientation(Array(bytes[(body.lowerBound + 6)..<body.upperBound]))
            }
            i += 2 + length
        }
        return nil
    }

    private static func tiffOrientation(_ tiff: [UInt8]) -> Int? {
        guard tiff.count >= 8 else { return nil }
        let little: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ at: Int) -> Int? {
            guard at >= 0, at + 2 <= tiff.count else { return nil }
            return little ? Int(tiff[at]) | Int(tiff[at + 1]) << 8 : Int(tiff[at]) << 8 | Int(tiff[at + 1])
        }
        func u32(_ at: Int) -> Int? {
            guard let a = u16(at), let b = u16(at + 2) else { return nil }
            return little ? a | b << 16 : a << 16 | b
        }
        guard let ifd = u32(4), let count = u16(ifd) else { return nil }
        for entry in 0..<count {
            let at = ifd + 2 + 12 * entry
            guard let tag = u16(at) else { return nil }
            if tag == 0x0112, let type = u16(at + 2), type == 3, let value = u16(at + 8), (1...8).contains(value) { return value }
        }
        return nil
    }
}

extension ExifOrientation {
    /// Pixels of `channels` bytes each, row-major, turned for display as orientation `o` says
    /// (1: as stored; 2-4: mirrored or turned 180 degrees; 5-8: transposed, with width and
    /// height swapped; 6 is a 90 degree clockwise turn, 8 counter-clockwise).
    static func orient(_ pixels: [UInt8], width w: Int, height h: Int, channels: Int, _ o: Int) -> (width: Int, height: Int, pixels: [UInt8]) {
        let swaps = o >= 5 && o <= 8
        let (outWidth, outHeight) = swaps ? (h, w) : (w, h)
        var out = [UInt8](repeating: 0, count: w * h * channels)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                let (sx, sy): (Int, Int)
                switch o {
                case 2: (sx, sy) = (w - 1 - x, y)
                case 3: (sx, sy) = (w - 1 - x, h - 1 - y)
                case 4: (sx, sy) = (x, h - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, h - 1 - x)
                case 7: (sx, sy) = (w - 1 - y, h - 1 - x)
                case 8: (sx, sy) = (w - 1 - y, x)
                default: (sx, sy) = (x, y)
                }
                for c in 0..<channels { out[(y * outWidth + x) * channels + c] = pixels[(sy * w + sx) * channels + c] }
            }
        }
        return (outWidth, outHeight, out)
    }
}

extension GrayImage {
    /// The image turned for display as EXIF orientation `o` says (`ExifOrientation.orient`).
    public func oriented(_ o: Int) -> GrayImage {
        let turned = ExifOrientation.orient(pixels, width: width, height: height, channels: 1, o)
        return GrayImage(width: turned.width, height: turned.height, pixels: turned.pixels)
    }
}

extension RGBImage {
    /// The image turned for display as EXIF orientation `o` says (`ExifOrientation.orient`).
    public func oriented(_ o: Int) -> RGBImage {
        let turned = ExifOrientation.orient(pixels, width: width, height: height, channels: 3, o)
        return RGBImage(width: turned.width, height: turned.height, pixels: turned.pixels)
    }
}
