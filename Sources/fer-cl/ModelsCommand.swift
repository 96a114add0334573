import FERCore
import FERModel
import Foundation
import ReferenceBackend

struct ModelsCommand: Command {
    static let name = "models"
    static let summary = "List the built-in models: parameters, forward GFLOP per image and layers."
    static let usage = "[--json] [--model NAME|FILE]"
    static let options: [OptionSpec] = [
        .flag("json", "Write the summaries as JSON to standard output."),
        .value("model", "NAME|FILE", "Summarise one model: a built-in name or a JSON model description."),
    ]
    static let discussion = """
        Layers are listed as the network runs them, after fusion (a batchnorm+relu+maxpool row is \
        the batch norm, ReLU and pool nodes of the description computed in one pass). GFLOP counts \
        the convolutions' and dense layers' multiply-adds as 2 operations, plus one per element \
        for pooling and scaling.
        """

    let arguments: ParsedArguments

    init(_ arguments: ParsedArguments) throws { self.arguments = arguments }

    func run() throws -> Int32 {
        let descriptions = try arguments.string("model").map { [try Architecture.modelDescription(nameOrPath: $0)] }
            ?? Architecture.allCases.map(\.modelDescription)
        // Built on the reference backend: host memory, no device needed.
        let summaries = try descriptions.map { ModelSummary(try Network(description: $0, backend: ReferenceBackend())) }
        if arguments.flag("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(summaries), as: UTF8.self))
        } else {
            print(summaries.map { $0.headline + "\n" + $0.table }.joined(separator: "\n\n"))
        }
        return 0
    }
}
