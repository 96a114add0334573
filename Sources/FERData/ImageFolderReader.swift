/// Reader for the image-folder release of FER-2013: a folder of class folders
/// (`angry/`, `disgust/`, …), each holding one image file per example.
///
/// Order is made deterministic — classes in label order (not alphabetical folder
/// order), files sorted by name inside each class — so that two runs, or two machines,
/// see the same index for the same image and a seeded shuffle is reproducible.
///
/// Every visible (non-dot) file inside a class folder is an example and is decoded by
/// its signature, so a stray non-image file is reported rather than ignored. Plain files
/// next to the class folders (a README, a CSV) are not examples and are left alone.
enum ImageFolderReader {
    /// One image to load and where it goes.
    private struct Item: Sendable {
        var path: String
        var label: Int32
    }

    static func read(classRoot: String, split: Dataset.Split, options: LoadOptions) throws(DataError) -> ReadResult {
        var result = ReadResult()
        var folders: [(EmotionClass, String)] = []
        for name in try FileAccess.entries(of: classRoot) {
            let path = FileAccess.join(classRoot, name)
            guard FileAccess.kind(of: path) == .directory else { continue }
            guard let emotion = EmotionClass(folderName: name) else {
                let names = EmotionClass.allCases.map(\.name).joined(separator: ", ")
                result.issues.append(ReadResult.Issue(split: split, error: DataError(
                    .unknownClassFolder, path: path, reason: "unknown class folder '\(name)', expected one of \(names)")))
                continue
            }
            folders.append((emotion, path))
        }
        if folders.isEmpty && result.issues.isEmpty {
            let names = EmotionClass.allCases.map(\.name).joined(separator: ", ")
            throw DataError(.emptyDataset, path: classRoot, reason: "no class folders here, expected some of \(names)")
        }
        // Stable sort: two spellings of one class ("Angry", "angry") keep name order.
        folders.sort { $0.0.rawValue < $1.0.rawValue }

        var items: [Item] = []
        for (emotion, folder) in folders {
            for name in try FileAccess.entries(of: folder) {
                items.append(Item(path: FileAccess.join(folder, name), label: Int32(emotion.rawValue)))
            }
        }

        let paths = items.map(\.path)
        // Uninitialised: a slot is only read back if its image decoded, which wrote it whole.
        var pixels = [UInt8](unsafeUninitializedCapacity: items.count * Dataset.pixelsPerImage) { _, count in
            count = items.count * Dataset.pixelsPerImage
        }
        var errors = [DataError?](repeating: nil, count: items.count)
        pixels.withUnsafeMutableBufferPointer { pixelBuffer in
            errors.withUnsafeMutableBufferPointer { errorBuffer in
                let out = SharedMutableBuffer(pixelBuffer), outErrors = SharedMutableBuffer(errorBuffer)
                parallelChunks(items.count, parallel: options.parallel, minChunk: 32) { range in
                    for index in range {
                        do throws(DataError) {
                            let image = try loadFERImage(atPath: paths[index])
                            let slot = out.base + index * Dataset.pixelsPerImage
                            image.withUnsafeBufferPointer { slot.update(from: $0.baseAddress!, count: Dataset.pixelsPerImage) }
                        } catch {
                            outErrors[index] = error
                        }
                    }
                }
            }
        }

        var data = ReadResult.SplitData()
        if errors.allSatisfy({ $0 == nil }) {
            // The usual case: every file decoded, so the buffer is the dataset as is
            // (copying 74 MB would cost more than a tenth of the decode).
            data.images = pixels
            data.labels = items.map(\.label)
        } else {
            data.images.reserveCapacity(pixels.count)
            data.labels.reserveCapacity(items.count)
            // Issues are listed in load order: unknown folders first (found while
            // listing), then files in label-then-name order.
            for (index, item) in items.enumerated() {
                if let error = errors[index] {
                    result.issues.append(ReadResult.Issue(split: split, error: error))
                    continue
                }
                let start = index * Dataset.pixelsPerImage
                data.images.append(contentsOf: pixels[start ..< start + Dataset.pixelsPerImage])
                data.labels.append(item.label)
            }
        }
        result.splits[split] = data
        try result.check(options)
        return result
    }
}
