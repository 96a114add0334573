import Foundation

/// fer-cl: train CNNs for facial expression recognition on FER-2013 with hand-written OpenCL kernels.
let commands: [any Command.Type] = [TrainCommand.self, EvaluateCommand.self, PredictCommand.self, InspectCommand.self, DevicesCommand.self, VerifyCommand.self, BenchCommand.self, TuneCommand.self, ModelsCommand.self]

func topLevelHelp() -> String {
    var text = "fer-cl: train and check facial-expression CNNs on FER-2013 with OpenCL kernels.\n\nUsage: fer-cl <command> [options]\n\nCommands:\n"
    let width = commands.map { $0.name.count }.max() ?? 0
    for command in commands {
        text += "  " + command.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.summary + "\n"
    }
    text += "\nRun `fer-cl <command> --help` for a command's options."
    return text
}

func runCommand(_ arguments: [String]) -> Int32 {
    guard let name = arguments.first, !["--help", "-h", "help"].contains(name) else {
        print(topLevelHelp())
        return arguments.isEmpty ? 2 : 0
    }
    guard let command = commands.first(where: { $0.name == name }) else {
        printError("fer-cl: unknown command '\(name)'\n\n" + topLevelHelp())
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
