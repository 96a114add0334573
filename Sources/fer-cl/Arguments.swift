/// Hand-written argument parsing (the package takes no dependencies): each command declares
/// its options once, and both parsing and `--help` come from that declaration.
struct OptionSpec {
    let name: String          // "device" for --device
    let valueName: String?    // nil for a flag
    let help: String

    static func flag(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name: name, valueName: nil, help: help) }
    static func value(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help)
    }
}

struct UsageError: Error, CustomStringConvertible {
    let message: String
    let command: String
    var description: String { "\(message)\nRun `fer-cl \(command) --help` for usage." }
}

struct ParsedArguments {
    var values: [String: String] = [:]
    var flags: Set<String> = []
    /// Flags given as `--flag=off`: they turn off what a recipe turned on (`--class-weights=off`).
    var clearedFlags: Set<String> = []
    var positional: [String] = []
    let command: String

    init(_ arguments: [String], specs: [OptionSpec], command: String, allowsPositional: Bool = false) throws {
        self.command = command
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else {
                guard allowsPositional, !argument.hasPrefix("-") || argument == "-" else {
                    throw UsageError(message: "unexpected argument '\(argument)'", command: command)
                }
                positional.append(argument)
                continue
            }
            var name = String(argument.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let spec = specs.first(where: { $0.name == name }) else {
                let guess = Suggestion.closest(to: name, among: specs.map(\.name) + ["help"])
                throw UsageError(message: "unknown option --\(name)" + (guess.map { "; did you mean --\($0)?" } ?? ""), command: command)
            }
            if spec.valueName == nil {
                switch inlineValue {
                case nil, "on": flags.insert(name); clearedFlags.remove(name)
                case "off": clearedFlags.insert(name); flags.remove(name)
                default: throw UsageError(message: "--\(name) is a switch: give it alone, or --\(name)=off to turn it off", command: command)
                }
            } else if let inlineValue {
                values[name] = inlineValue
            } else {
                guard index < arguments.count else {
                    throw UsageError(message: "--\(name) needs a value (\(spec.valueName!))", command: command)
                }
                values[name] = arguments[index]
                index += 1
            }
        }
    }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func string(_ name: String) -> String? { values[name] }

    func int(_ name: String, default fallback: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError(message: "--\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'", command: command)
        }
        return value
    }

    func optionalInt(_ name: String, range: ClosedRange<Int>) throws -> Int? {
        guard values[name] != nil else { return nil }
        return try int(name, default: 0, range: range)
    }

    func float(_ name: String, default fallback: Float) throws -> Float {
        guard let text = values[name] else { return fallback }
        guard let value = Float(text), value.isFinite else {
            throw UsageError(message: "--\(name) must be a number, got '\(text)'", command: command)
        }
        return value
    }

    func uint64(_ name: String, default fallback: UInt64) throws -> UInt64 {
        guard let text = values[name] else { return fallback }
        guard let value = UInt64(text) else {
            throw UsageError(message: "--\(name) must be a non-negative integer, got '\(text)'", command: command)
        }
        return value
    }
}

/// A subcommand: its declaration (name, summary, options) and its work.
protocol Command {
    static var name: String { get }
    static var summary: String { get }
    static var usage: String { get }
    static var options: [OptionSpec] { get }
    static var discussion: String { get }
    /// Whether plain arguments (file names) are accepted besides options.
    static var allowsPositional: Bool { get }
    init(_ arguments: ParsedArguments) throws
    /// Returns the process exit status.
    func run() throws -> Int32
}

extension Command {
    static var discussion: String { "" }
    static var allowsPositional: Bool { false }

    static var help: String {
        var text = "\(summary)\n\nUsage: fer-cl \(name) \(usage)\n\nOptions:\n"
        let rows = (options + [.flag("help", "Show this help.")]).map { spec in
            ("--\(spec.name)" + (spec.valueName.map { " \($0)" } ?? ""), spec.help)
        }
        let width = rows.map(\.0.count).max() ?? 0
        for (left, right) in rows {
            text += "  " + left.padding(toLength: width + 2, withPad: " ", startingAt: 0) + right + "\n"
        }
        if !discussion.isEmpty { text += "\n" + discussion + "\n" }
        return text
    }
}
