import FERData
import Foundation

/// `--data` for every command that reads FER-2013.
enum DataChoice {
    static let defaultDescription = "$FER2013_DIR, else ./data/fer2013"

    static func option(_ help: String) -> OptionSpec { .value("data", "PATH", help) }
    static let skipBadOption = OptionSpec.flag("skip-bad", "Skip bad records (wrong pixel count, unreadable image, ...) instead of stopping; prints how many and the first few.")

    /// The path given, or the documented default; nil when neither exists.
    static func path(_ arguments: ParsedArguments) -> String? {
        if let path = arguments.string("data") { return path }
        if let environment = ProcessInfo.processInfo.environment["FER2013_DIR"], !environment.isEmpty { return environment }
        let local = "data/fer2013"
        return FileManager.default.fileExists(atPath: local) ? local : nil
    }

    static let whereToPutIt = """
        no FER-2013 data found. fer-cl looks at --data PATH, then $FER2013_DIR, then ./data/fer2013.
        Put FER-2013 in one of these forms there:
          - the image folders: data/fer2013/train/<class>/*.jpg and data/fer2013/test/<class>/*.jpg
          - Kaggle's fer2013.csv (or icml_face_data.csv): data/fer2013/fer2013.csv
        or point at it: fer-cl train --data /path/to/fer2013   (or export FER2013_DIR=/path/to/fer2013)
        """

    static func load(_ arguments: ParsedArguments) throws -> LoadedDatasets {
        guard let path = path(arguments) else { throw UsageError(message: whereToPutIt, command: arguments.command) }
        let loaded = try loadDatasets(at: path, options: LoadOptions(skipBad: arguments.flag("skip-bad")))
        reportSkipped(loaded.report)
        return loaded
    }

    static func reportSkipped(_ report: LoadReport) {
        guard report.skipped > 0 else { return }
        printError("skipped \(report.skipped) bad record(s); first ones:")
        for message in report.messages { printError("  \(message)") }
    }
}
