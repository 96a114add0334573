#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reader for the Kaggle CSV releases of FER-2013.
///
/// Two variants exist: `fer2013.csv` (header `emotion,pixels,Usage`) and
/// `icml_face_data.csv` (header `emotion, Usage, pixels`, with a space after each comma,
/// carried into every row). Columns are therefore located by trimmed, case-insensitive
/// name, and every field is trimmed of spaces, tabs and one pair of double quotes.
///
/// Speed: the file is ~290 MB of decimal text (35,887 rows × 2,304 values), so it is
/// parsed as raw bytes straight into the pixel buffer — no per-row `String`, no
/// per-pixel allocation — and rows are parsed in parallel, each writing only its own
/// output slot. Line numbers are 1-based with the header as line 1.
enum FER2013CSVReader {
    struct Columns {
        var emotion: Int
        var pixels: Int
        var usage: Int
        var count: Int
    }

    /// Result of one row; errors are stored beside it so parsing never throws mid-flight.
    enum RowStatus: UInt8 {
        case blank = 0, train, test, privateTest, bad

        init(_ split: Dataset.Split) {
            switch split {
            case .train: self = .train
            case .test: self = .test
            case .privateTest: self = .privateTest
            }
        }

        var split: Dataset.Split? {
            switch self {
            case .train: .train
            case .test: .test
            case .privateTest: .privateTest
            case .blank, .bad: nil
            }
        }
    }

    static func read(_ path: String, options: LoadOptions) throws(DataError) -> ReadResult {
        try FileAccess.withMappedBytes(path) { (buffer) throws(DataError) -> ReadResult in
            // A UTF-8 byte-order mark (spreadsheet exports add one) is not part of the header.
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) {
                return try parse(UnsafeBufferPointer(rebasing: buffer[3...]), path: path, options: options)
            }
            return try parse(buffer, path: path, options: options)
        }
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, path: String, options: LoadOptions) throws(DataError) -> ReadResult {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw DataError(.emptyDataset, path: path, reason: "file is empty, expected a header line 'emotion,pixels,Usage'")
        }
        let lineStarts = findLineStarts(base, buffer.count)
        let columns = try parseHeader(base, 0, lineEnd(base, lineStarts, 0, buffer.count), path: path)

        let rows = lineStarts.count - 2 // minus the header and the sentinel
        // Left uninitialised: only rows that parse cleanly are read back, and those had
        // all 2,304 bytes written; skipping the 83 MB memset saves a pass over memory.
        var pixels = [UInt8](unsafeUninitializedCapacity: rows * Dataset.pixelsPerImage) { _, count in
            count = rows * Dataset.pixelsPerImage
        }
        var labels = [Int32](repeating: 0, count: rows)
        var status = [RowStatus](repeating: .blank, count: rows)
        var errors = [RowError?](repeating: nil, count: rows)

        pixels.withUnsafeMutableBufferPointer { pixelBuffer in
            labels.withUnsafeMutableBufferPointer { labelBuffer in
                status.withUnsafeMutableBufferPointer { statusBuffer in
                    errors.withUnsafeMutableBufferPointer { errorBuffer in
                        let out = SharedMutableBuffer(pixelBuffer), outLabels = SharedMutableBuffer(labelBuffer)
                        let outStatus = SharedMutableBuffer(statusBuffer), outErrors = SharedMutableBuffer(errorBuffer)
                        let input = SharedInput(base: base, count: buffer.count)
                        parallelChunks(rows, parallel: options.parallel, minChunk: 256) { range in
                            for row in range {
                                let lo = lineStarts[row + 1]
                                let hi = lineEnd(input.base, lineStarts, row + 1, input.count)
                                let result = parseRow(input.base, lo, hi, line: row + 2, columns: columns, path: path,
                                                      pixels: out.base + row * Dataset.pixelsPerImage)
                                switch result {
                                case .success(let parsed):
                                    outStatus[row] = parsed.status
                                    outLabels[row] = parsed.label
                                case .failure(let error):
                                    outStatus[row] = .bad
                                    outErrors[row] = error
                                }
                            }
                        }
                    }
                }
            }
        }

        var result = ReadResult()
        var counts: [Dataset.Split: Int] = [:]
        for row in 0 ..< rows {
            if let split = status[row].split { counts[split, default: 0] += 1 }
        }
        for (split, count) in counts {
            var data = ReadResult.SplitData()
            data.images.reserveCapacity(count * Dataset.pixelsPerImage)
            data.labels.reserveCapacity(count)
            result.splits[split] = data
        }
        for row in 0 ..< rows {
            switch status[row] {
            case .blank:
                continue
            case .bad:
                let bad = errors[row]!
                result.issues.append(ReadResult.Issue(split: bad.split, error: bad.error))
            case .train, .test, .privateTest:
                let split = status[row].split!
                let start = row * Dataset.pixelsPerImage
                result.splits[split]!.images.append(contentsOf: pixels[start ..< start + Dataset.pixelsPerImage])
                result.splits[split]!.labels.append(labels[row])
            }
        }
        try result.check(options)
        return result
    }

    /// Offsets of every line start, plus a sentinel one past the end, via `memchr`
    /// (vectorised in libc) rather than a byte loop.
    private static func findLineStarts(_ base: UnsafePointer<UInt8>, _ count: Int) -> [Int] {
        var starts = [0]
        var offset = 0
        while offset < count, let hit = memchr(base + offset, 0x0A, count - offset) {
            offset = UnsafeRawPointer(hit) - UnsafeRawPointer(base) + 1
            if offset < count { starts.append(offset) }
        }
        // Sentinel: where line k+1 would start, so line k ends one byte before it
        // (before its `\n`, or at end of data when the last line has none).
        starts.append(base[count - 1] == 0x0A ? count : count + 1)
        return starts
    }

    /// End of line `index`, excluding its `\n` and a Windows `\r`.
    private static func lineEnd(_ base: UnsafePointer<UInt8>, _ starts: [Int], _ index: Int, _ count: Int) -> Int {
        var end = min(starts[index + 1] - 1, count)
        if end > starts[index] && base[end - 1] == 0x0D { end -= 1 }
        return end
    }

    private static func parseHeader(_ base: UnsafePointer<UInt8>, _ lo: Int, _ hi: Int, path: String) throws(DataError) -> Columns {
        let names = splitFields(base, lo, hi).map { range in
            let (a, b) = trim(base, range.lowerBound, range.upperBound)
            return String(decoding: UnsafeBufferPointer(start: base + a, count: b - a), as: UTF8.self).lowercased()
        }
        func index(_ name: String, display: String) throws(DataError) -> Int {
            guard let i = names.firstIndex(of: name) else {
                let found = names.prefix(8).map { "'\($0.prefix(40))'" }.joined(separator: ", ")
                throw DataError(.missingColumn, path: path, line: 1,
                                reason: "header has no '\(display)' column (found \(found)); expected 'emotion,pixels,Usage'")
            }
            return i
        }
        return Columns(emotion: try index("emotion", display: "emotion"), pixels: try index("pixels", display: "pixels"),
                       usage: try index("usage", display: "Usage"), count: names.count)
    }

    private static func splitFields(_ base: UnsafePointer<UInt8>, _ lo: Int, _ hi: Int) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var start = lo
        while start <= hi {
            let comma = start < hi ? memchr(base + start, 0x2C, hi - start) : nil
            let end = comma.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? hi
            fields.append(start ..< end)
            start = end + 1
        }
        return fields
    }
}

private struct SharedInput: @unchecked Sendable {
    let base: UnsafePointer<UInt8>
    let count: Int
}
