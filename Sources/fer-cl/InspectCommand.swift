import FERCore
import FERData
import Foundation
import ReferenceBackend

struct InspectCommand: Command {
    static let name = "inspect"
    static let summary = "Describe a FER-2013 copy: images per split and class, imbalance, bad records; optionally a PNG grid of samples."
    static let usage = "[--data PATH] [--json] [--grid FILE.png] [--export-csv FILE] [--skip-bad]"
    static let options: [OptionSpec] = [
        DataChoice.option("FER-2013 in any form fer-cl reads. Default \(DataChoice.defaultDescription)."),
        .flag("json", "Write the summary as JSON to standard output."),
        .value("grid", "FILE.png", "Write a grid of training images, each above its augmented version (one column per class)."),
    ] + InspectCommand.gridAugmentation.options("Grid augmentation") + [
        .value("seed", "N", "Seed of the sample choice and augmentation (default 1)."),
        .value("export-csv", "FILE", "Write the data as a Kaggle-style fer2013.csv (Usage from each split)."),
        DataChoice.skipBadOption,
    ]

    static let gridAugmentation = AugmentationFlags(flip: 0.5, rotate: 15, scale: 0.1, translate: 4)

    let arguments: ParsedArguments

    init(_ arguments: ParsedArguments) throws { self.arguments = arguments }

    func run() throws -> Int32 {
        let loaded = try DataChoice.load(arguments)
        let summary = DatasetSummary(loaded)
        if arguments.flag("json") {
            print(summary.json)
        } else {
            print(summary.text)
        }
        if let csvPath = arguments.string("export-csv") {
            try writeFER2013CSV(loaded.datasets, to: csvPath)
            if !arguments.flag("json") { print("\nwrote \(csvPath)") }
        }
        if let gridPath = arguments.string("grid") {
            guard let source = loaded[.train] ?? loaded.datasets.first else { return 0 }
            try writeGrid(source, to: gridPath)
            if !arguments.flag("json") { print("\nsample grid (originals above augmented versions): \(gridPath)") }
        }
        return 0
    }

    /// Two images per class, each above its augmented twin: 7 columns x 4 rows, drawn at
    /// twice the size.
    func writeGrid(_ dataset: Dataset, to path: String) throws {
        let seed = try arguments.uint64("seed", default: 1)
        var generator = PhiloxGenerator(seed: seed, stream: 0x6121D)
        var picks: [Int32] = []
        for emotion in EmotionClass.allCases {
            let members = dataset.labels.indices.filter { Int(dataset.labels[$0]) == emotion.rawValue }
            for _ in 0..<2 { picks.append(members.isEmpty ? -1 : Int32(members[Int(generator.next() % UInt64(members.count))])) }
        }
        let backend = ReferenceBackend()
        let images = try backend.makeTensor([dataset.count, 48, 48], .uint8)
        try backend.upload(dataset.images, to: images)
        let labels = try backend.intTensor(dataset.labels, [dataset.count])
        let present = picks.map { max($0, 0) }
        var p = AugmentParameters(batch: present.count, imageCount: dataset.count, seed: seed, epoch: 0)
        p.pixelScale = 1
        let original = try backend.makeTensor([present.count, 48, 48, 1], .float32)
        try backend.augmentBatch(p, images: images, labels: labels, indices: try backend.intTensor(present, [present.count]),
                                 output: original, outputLabels: try backend.makeTensor([present.count], .int32))
        let flags = try Self.gridAugmentation.parsed(arguments)
        p.flipProbability = flags.flip
        p.minRotation = -flags.rotate; p.maxRotation = flags.rotate
        p.minScale = 1 - flags.scale; p.maxScale = 1 + flags.scale
        p.maxTranslation = flags.translate
        p.cropPadding = flags.cropPadding
        p.erasingProbability = flags.erase
        try p.validate(op: "inspect --grid")
        let augmented = try backend.makeTensor([present.count, 48, 48, 1], .float32)
        try backend.augmentBatch(p, images: images, labels: labels, indices: try backend.intTensor(present, [present.count]),
                                 output: augmented, outputLabels: try backend.makeTensor([present.count], .int32))
        let before = try backend.floats(original), after = try backend.floats(augmented)
        // Tiles in grid order: per class column, sample A, its augmented twin, sample B, its twin.
        let pixelsPerImage = Dataset.pixelsPerImage
        func pixels(_ values: [Float], _ pick: Int) -> [UInt8] {
            values[(pick * pixelsPerImage)..<((pick + 1) * pixelsPerImage)].map { UInt8(max(0, min(255, $0.rounded()))) }
        }
        let columns = EmotionClass.count
        var tiles: [UInt8] = [], order: [Int] = []
        for row in 0..<4 {
            for column in 0..<columns {
                let pick = column * 2 + row / 2
                tiles += pixels(row % 2 == 0 ? before : after, pick)
                order.append(picks[pick] >= 0 ? order.count : -1)
            }
        }
        let sheet = Dataset(images: tiles, labels: [Int32](repeating: 0, count: order.count), split: .train, source: "grid")
            .grid(indices: order, columns: columns, padding: 4, scale: 2, background: 255)
        try writePNG(gray: sheet.pixels, width: sheet.width, height: sheet.height, to: path)
    }
}
