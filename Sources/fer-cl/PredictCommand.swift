import FERCore
import FERData
import FERModel
import FERTrain
import Foundation

struct PredictCommand: Command {
    static let name = "predict"
    static let summary = "Classify face images with a trained model: the top emotions with probabilities."
    static let usage = "--model FILE IMAGE... [--top 3] [--json] [--device D]"
    static let options: [OptionSpec] = [
        .value("model", "FILE", "A fer-cl model file."),
        .value("top", "K", "How many emotions to list per image (default 3)."),
        .flag("json", "Write the predictions as JSON to standard output."),
        BackendChoice.deviceOption,
        BackendChoice.kernelsOption,
    ]
    static let discussion = """
        Images may be JPEG or PNG of any size, grey or colour; they are converted like training data (luma, resized \
        to 48x48). --json also gives each image's logits in the model's class order (FER-2013 label order).
        """
    static var allowsPositional: Bool { true }

    let arguments: ParsedArguments
    let modelPath: String
    let top: Int

    init(_ arguments: ParsedArguments) throws {
        self.arguments = arguments
        guard let model = arguments.string("model") else { throw UsageError(message: "--model FILE is required", command: Self.name) }
        guard !arguments.positional.isEmpty else { throw UsageError(message: "give at least one image", command: Self.name) }
        modelPath = model
        top = try arguments.int("top", default: 3, range: 1...7)
    }

    struct Prediction: Encodable { let image: String; let top: [Score]; let logits: [Float] }
    struct Score: Encodable { let emotion: String; let probability: Double }

    func run() throws -> Int32 {
        let backend = try BackendChoice.make(arguments)
        let (network, normalization, _) = try ModelFile.open(URL(fileURLWithPath: modelPath), on: backend)
        let pixels = try arguments.positional.map { path in try loadFERImage(atPath: path) }
        let dataset = Dataset(images: pixels.flatMap { $0 }, labels: [Int32](repeating: 0, count: pixels.count), split: .test, source: "command line")
        let data = try DeviceDataset(dataset, on: backend)
        let parameters = normalization.plainBatch(batch: pixels.count, imageCount: pixels.count)
        let (input, _) = try data.batch(ArraySlice((0..<Int32(pixels.count)).map { $0 }), parameters: parameters)
        let logits = try backend.floats(try network.forward(input, context: PassContext(mode: .inference)))
        let k = network.classes
        let predictions = arguments.positional.enumerated().map { row, path -> Prediction in
            let scores = logits[(row * k)..<((row + 1) * k)].map(Double.init)
            let top = scores.max()!
            let exps = scores.map { exp($0 - top) }
            let total = exps.reduce(0, +)
            let ranked = exps.enumerated().sorted { $0.element > $1.element }.prefix(self.top)
            return Prediction(image: path, top: ranked.map { Score(emotion: EmotionClass.allCases[$0.offset].name, probability: $0.element / total) },
                              logits: Array(logits[(row * k)..<((row + 1) * k)]))
        }
        if arguments.flag("json") {
            try printJSON(predictions)
        } else {
            for prediction in predictions {
                print(prediction.image + ": " + prediction.top.map { String(format: "%@ %.1f%%", $0.emotion, $0.probability * 100) }.joined(separator: ", "))
            }
        }
        return 0
    }
}
