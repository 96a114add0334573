import Foundation

/// fer-cl: train CNNs for facial expression recognition on FER-2013 with hand-written OpenCL kernels.
let commands: [any Command.Type] = [TrainCommand.self, EvaluateCommand.self, PredictCommand.self, InspectCommand.self, DevicesCommand.self, VerifyCommand.self, BenchCommand.self, TuneCommand.self, ModelsCommand.self, PlotCommand.self, ReportCommand.self, ServeCommand.self]

func topLevelHelp() -> String {
    var text = "fer-cl: train and check facial-expression CNNs on FER-2013 with OpenCL kernels.\n\nUsage: fer-cl <command> [options]\n\nCommands:\n"
    let width = commands.map { $0.name.count }.max() ?? 0
    for command in commands {
        text += "  " + command.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary + "\n"
    }
    text += "\nRun `fer-cl help <command>` or `fer-cl <command> --help` for a command's options; `fer-cl --version` for the version."
    return text
}

/// The command called `name`, or a usage error that suggests the closest one.
func findCommand(named name: String) -> Result<any Command.Type, UsageError> {
    if let command = commands.first(where: { $0.name == name }) { return .success(command) }
    let guess = Suggestion.closest(to: name, among: commands.map { $0.name })
    let message = "unknown command '\(name)'" + (guess.map { "; did you mean '\($0)'?" } ?? "")
        + "\nCommands: " + commands.map { $0.name }.joined(separator: ", ") + ". Run `fer-cl --help` for what each does."
    return .failure(UsageError(message: message, command: ""))
}

func runCommand(_ arguments: [String]) -> Int32 {
    guard let name = arguments.first, !["--help", "-h"].contains(name) else {
        print(topLevelHelp())
        return arguments.isEmpty ? 2 : 0
    }
    if name == "--version" || name == "version" {
        print(VersionReport.text())
        return 0
    }
    if name == "help" {
        guard let topic = arguments.dropFirst().first else {
            print(topLevelHelp())
            return 0
        }
        switch findCommand(named: topic) {
        case .success(let command):
            print(command.help)
            return 0
        case .failure(let error):
            printError("fer-cl: \(error.message)")
            return 2
        }
    }
    let command: any Command.Type
    switch findCommand(named: name) {
    case .success(let found): command = found
    case .failure(let error):
        printError("fer-cl: \(error.message)")
        return 2
    }
    let rest = Array(arguments.dropFirst())
    if rest.contains("--help") || rest.contains("-h") {
        print(command.help)
        return 0
    }
    do {
        let parsed = try ParsedArguments(rest, specs: command.options, command: name, allowsPositional: command.allowsPositional)
        return try command.init(parsed).run()
    } catch let error as UsageError {
        printError("fer-cl \(name): \(error)")
        return 2
    } catch {
        printError("fer-cl \(name): error: \(error)")
        return 1
    }
}

setvbuf(stdout, nil, _IOLBF, 0)
exit(runCommand(Array(CommandLine.arguments.dropFirst())))
