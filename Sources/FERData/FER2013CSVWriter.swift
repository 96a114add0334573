#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes datasets as a Kaggle-style `fer2013.csv` (`emotion,pixels,Usage`), each row's
/// `Usage` taken from its dataset's split, datasets in the order given.
///
/// This is the interchange format every FER-2013 tool reads, so converting an image-folder
/// copy to it gives a single file that loads in a fraction of a second and can be checked
/// against the original release; tests also use it to build fixtures and benchmark inputs.
/// Pixels are written as decimal integers separated by single spaces, rows end in `\n`.
public func writeFER2013CSV(_ datasets: [Dataset], to path: String) throws(DataError) {
    // Decimal text of every byte value, so a pixel costs one table lookup and one copy.
    let digits: [[UInt8]] = (0 ... 255).map { Array(String($0).utf8) }
    let flushThreshold = 1 << 20
    try FileAccess.withOutputFile(path) { (file: UnsafeMutablePointer<FILE>) throws(DataError) in
        var buffer: [UInt8] = []
        buffer.reserveCapacity(flushThreshold + 16 * 1024)
        buffer.append(contentsOf: "emotion,pixels,Usage\n".utf8)
        for dataset in datasets {
            let usage = Array(",\(dataset.split.usage)\n".utf8)
            for index in 0 ..< dataset.count {
                buffer.append(contentsOf: digits[Int(dataset.labels[index])])
                buffer.append(0x2C)
                let start = index * Dataset.pixelsPerImage
                for offset in 0 ..< Dataset.pixelsPerImage {
                    if offset > 0 { buffer.append(0x20) }
                    buffer.append(contentsOf: digits[Int(dataset.images[start + offset])])
                }
                buffer.append(contentsOf: usage)
                if buffer.count >= flushThreshold {
                    try FileAccess.writeAll(buffer[...], to: file, path: path)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try FileAccess.writeAll(buffer[...], to: file, path: path)
    }
}
