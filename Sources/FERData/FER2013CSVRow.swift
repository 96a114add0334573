#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Row-level parsing for `FER2013CSVReader`: one data line to a label, a split and
/// 2,304 pixel bytes, or to the first thing wrong with it.
///
/// Checks run in a fixed order — field count, `Usage`, `emotion`, then pixels — so a row
/// with several problems always reports the same one.
extension FER2013CSVReader {
    /// Bounds without surrounding spaces, tabs and one pair of double quotes.
    @inline(__always)
    static func trim(_ base: UnsafePointer<UInt8>, _ lo: Int, _ hi: Int) -> (Int, Int) {
        var a = lo, b = hi
        while a < b && (base[a] == 0x20 || base[a] == 0x09) { a += 1 }
        while b > a && (base[b - 1] == 0x20 || base[b - 1] == 0x09) { b -= 1 }
        if b - a >= 2 && base[a] == 0x22 && base[b - 1] == 0x22 {
            a += 1
            b -= 1
            while a < b && (base[a] == 0x20 || base[a] == 0x09) { a += 1 }
            while b > a && (base[b - 1] == 0x20 || base[b - 1] == 0x09) { b -= 1 }
        }
        return (a, b)
    }

    struct ParsedRow {
        var status: RowStatus
        var label: Int32
    }

    struct RowError: Error {
        var split: Dataset.Split?
        var error: DataError
    }

    static func parseRow(_ base: UnsafePointer<UInt8>, _ lo: Int, _ hi: Int, line: Int, columns: Columns,
                                 path: String, pixels out: UnsafeMutablePointer<UInt8>) -> Result<ParsedRow, RowError> {
        func fail(_ kind: DataError.Kind, _ reason: String, _ split: Dataset.Split? = nil) -> Result<ParsedRow, RowError> {
            .failure(RowError(split: split, error: DataError(kind, path: path, line: line, reason: reason)))
        }
        let (blankA, blankB) = trim(base, lo, hi)
        if blankA == blankB { return .success(ParsedRow(status: .blank, label: 0)) }

        // Field bounds for the three columns we need; other columns are only counted.
        var emotion = (0, 0), pixels = (0, 0), usage = (0, 0)
        var field = 0, start = lo
        while true {
            let comma = start < hi ? memchr(base + start, 0x2C, hi - start) : nil
            let end = comma.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? hi
            if field == columns.emotion { emotion = (start, end) }
            if field == columns.pixels { pixels = (start, end) }
            if field == columns.usage { usage = (start, end) }
            field += 1
            if comma == nil { break }
            start = end + 1
        }
        if field != columns.count {
            return fail(.malformedRow, "expected \(columns.count) comma-separated fields as in the header, found \(field)")
        }

        let (ua, ub) = trim(base, usage.0, usage.1)
        let usageText = text(base, ua, ub)
        guard let split = Dataset.Split(usage: usageText) else {
            return fail(.unknownUsage, "unknown Usage '\(usageText)', expected Training, PublicTest or PrivateTest")
        }

        let (ea, eb) = trim(base, emotion.0, emotion.1)
        var label = 0
        var numeric = ea < eb && eb - ea <= 9
        for i in ea ..< eb where numeric {
            let digit = Int(base[i]) - 0x30
            if digit < 0 || digit > 9 { numeric = false } else { label = label * 10 + digit }
        }
        guard numeric else {
            return fail(.badLabel, "emotion label '\(text(base, ea, eb))' is not an integer 0-6", split)
        }
        guard label < EmotionClass.count else {
            return fail(.badLabel, "emotion label \(label) is outside 0-6", split)
        }

        let (pa, pb) = trim(base, pixels.0, pixels.1)
        let scan = scanPixels(base + pa, base + pb, into: out)
        let count = scan.count
        if let bad = scan.badToken {
            let token = text(base, pa + bad.lowerBound, pa + bad.upperBound)
            if scan.tooLarge {
                return fail(.pixelOutOfRange, "pixel \(count + 1) is \(token.prefix(20)), outside 0-255", split)
            }
            if token.first == "-", token.count > 1, token.dropFirst().allSatisfy(\.isASCIIDigit) {
                return fail(.pixelOutOfRange, "pixel \(count + 1) is \(token), outside 0-255", split)
            }
            return fail(.nonNumericPixel, "pixel \(count + 1) '\(token.prefix(20))' is not a number 0-255", split)
        }
        if count != Dataset.pixelsPerImage {
            return fail(.wrongPixelCount, "\(count) pixel values, expected \(Dataset.pixelsPerImage) (48x48)", split)
        }
        return .success(ParsedRow(status: RowStatus(split), label: Int32(label)))
    }

    struct PixelScan {
        /// Values read before the end or before the bad token.
        var count = 0
        /// Offsets of the first bad token, relative to the field start.
        var badToken: Range<Int>?
        /// The bad token is a number above 255 (otherwise: not a number).
        var tooLarge = false
    }

    /// The hot loop of CSV loading (83 M values for the full file): decimal tokens
    /// separated by spaces or tabs, written as bytes to `out` (the first 2,304 only, so
    /// a long row cannot overrun its slot, but all are counted for the error message).
    /// Values saturate at 1000 so absurdly long tokens cannot overflow.
    @inline(__always)
    static func scanPixels(_ start: UnsafePointer<UInt8>, _ end: UnsafePointer<UInt8>,
                                   into out: UnsafeMutablePointer<UInt8>) -> PixelScan {
        var scan = PixelScan()
        var p = start
        var count = 0
        while p < end {
            let c = p.pointee
            if c == 0x20 || c == 0x09 {
                p += 1
                continue
            }
            let tokenStart = p
            var value: UInt32 = 0
            var digit = c &- 0x30
            while digit < 10 {
                value = min(value &* 10 &+ UInt32(digit), 1000)
                p += 1
                if p == end { break }
                digit = p.pointee &- 0x30
            }
            let endsCleanly = p == end || p.pointee == 0x20 || p.pointee == 0x09
            if p == tokenStart || !endsCleanly || value > 255 {
                var tokenEnd = p
                while tokenEnd < end && tokenEnd.pointee != 0x20 && tokenEnd.pointee != 0x09 { tokenEnd += 1 }
                scan.badToken = (tokenStart - start) ..< (tokenEnd - start)
                scan.tooLarge = endsCleanly && p != tokenStart
                break
            }
            if count < Dataset.pixelsPerImage { out[count] = UInt8(truncatingIfNeeded: value) }
            count += 1
        }
        scan.count = count
        return scan
    }

    static func text(_ base: UnsafePointer<UInt8>, _ lo: Int, _ hi: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + lo, count: max(0, hi - lo)), as: UTF8.self)
    }
}

private extension Character {
    /// 0-9 only (`isNumber` alone also accepts other scripts' digits and fractions).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
