import FERData
import FERTrain
import Foundation

struct EvaluateCommand: Command {
    static let name = "evaluate"
    static let summary = "Score a model: overall and per-class accuracy, precision/recall/F1, confusion matrix."
    static let usage = "--model FILE [--data PATH] [--json] [--confusion FILE.svg] [--usage U] [--batch 256] [--tta none] [--device D]"
    static let options: [OptionSpec] = [
        .value("model", "FILE", "A fer-cl model (model.safetensors, best.safetensors or a checkpoint)."),
        DataChoice.option("Data to score: a split root is scored on its test split, a class folder as it is, a CSV on its PublicTest+PrivateTest rows. Default \(DataChoice.defaultDescription)."),
        .value("usage", "U", "CSV only: score Training, PublicTest or PrivateTest rows instead."),
        .flag("json", "Write the results as JSON to standard output."),
        .value("confusion", "FILE.svg", "Also write the confusion matrix as an SVG heatmap."),
        .value("batch", "N", "Evaluation batch size (default 256)."),
        .value("tta", "MODE", "Test-time augmentation: none (default), flip (average the image's and its mirror image's probabilities) or ten-crop (the corners and centre of the image padded by the model's training --crop-padding, and their mirror images)."),
        .value("crop-padding", "PX", "Ten-crop's offsets for a model file that does not record its training --crop-padding (written before fer-cl 0.3)."),
        BackendChoice.deviceOption,
        DataChoice.skipBadOption,
        BackendChoice.kernelsOption,
    ]

    let arguments: ParsedArguments
    let modelPath: String

    init(_ arguments: ParsedArguments) throws {
        self.arguments = arguments
        guard let model = arguments.string("model") else { throw UsageError(message: "--model FILE is required", command: Self.name) }
        modelPath = model
    }

    func run() throws -> Int32 {
        let backend = try BackendChoice.make(arguments, runsLoadedModel: true)
        let (network, recordedNormalization, _) = try ModelFile.open(URL(fileURLWithPath: modelPath), on: backend)
        let loaded = try DataChoice.load(arguments)
        let dataset = try Self.scoredSplit(loaded, usage: arguments.string("usage"))
        var normalization = recordedNormalization
        if let padding = try arguments.optionalInt("crop-padding", range: 1...24) {
            if let recorded = normalization.trainingCropPadding, recorded != padding {
                throw UsageError(message: "--crop-padding \(padding) differs from the \(recorded) the model records it was trained with", command: Self.name)
            }
            normalization.trainingCropPadding = padding
        }
        var evaluator = Evaluator(network: network, normalization: normalization)
        evaluator.batch = try arguments.int("batch", default: 256, range: 1...65_536)
        evaluator.testTimeAugmentation = try Self.testTimeAugmentation(arguments, command: Self.name)
        let evaluation = try evaluator.evaluate(try DeviceDataset(dataset, on: backend))
        if let svgPath = arguments.string("confusion") {
            try Data(evaluation.confusionSVG.utf8).write(to: URL(fileURLWithPath: svgPath))
        }
        if arguments.flag("json") {
            try printJSON(evaluation)
        } else {
            print("\(modelPath) on \(dataset.source) (\(dataset.split)), \(backend.name)\n")
            print(evaluation.text)
            if let svgPath = arguments.string("confusion") { print("\nconfusion matrix heatmap: \(svgPath)") }
        }
        return 0
    }

    /// What `evaluate` scores in each data form (see --help).
    static func scoredSplit(_ loaded: LoadedDatasets, usage: String?) throws -> Dataset {
        if let usage {
            guard let split = Dataset.Split(usage: usage) else {
                throw UsageError(message: "--usage must be Training, PublicTest or PrivateTest", command: name)
            }
            guard let dataset = loaded[split] else { throw UsageError(message: "\(loaded.source) has no \(usage) rows", command: name) }
            return dataset
        }
        let tests = [loaded[.test], loaded[.privateTest]].compactMap { $0 }
        if tests.isEmpty, loaded.datasets.count == 1, let only = loaded.datasets.first { return only }
        guard let first = tests.first else {
            throw UsageError(message: "\(loaded.source) has no test split to score (give a class folder, or --usage for a CSV)", command: name)
        }
        return tests.dropFirst().reduce(first) { combined, next in
            Dataset(images: combined.images + next.images, labels: combined.labels + next.labels, split: .test,
                    source: combined.source, report: combined.report)
        }
    }

    /// `--tta MODE` (evaluate and predict).
    static func testTimeAugmentation(_ arguments: ParsedArguments, command: String) throws -> TestTimeAugmentation {
        guard let mode = arguments.string("tta") else { return .none }
        guard let tta = TestTimeAugmentation(rawValue: mode) else {
            throw UsageError(message: "--tta must be \(TestTimeAugmentation.allCases.map(\.rawValue).joined(separator: ", ")), got '\(mode)'", command: command)
        }
        return tta
    }
}
