/// Named training recipes (`fer-cl train --recipe NAME`): each is a list of `train` options, so
/// a recipe means exactly the command line it spells (printed by `train --help` and in the
/// README's results table), and whatever the user types after it wins: a value option replaces
/// the recipe's, `--switch=off` turns off a switch the recipe turns on.
enum Recipes {
    struct Recipe {
        let name: String
        let summary: String
        let arguments: [String]

        var commandLine: String { arguments.joined(separator: " ") }
    }

    static let all: [Recipe] = [
        Recipe(name: "seed", summary: "the write-up's recipe: seed network, Adam 0.001, batch 64, 15 epochs, pixels in [0,1], no augmentation (the defaults)",
               arguments: []),
        Recipe(name: "cpu-hour",
               summary: "resnet-fer, 32 epochs of SGD-Nesterov with one-cycle, flip/crop/rotation/zoom, label smoothing and square-root class weights (67.3% on test/ in its measured run, 68.6% with --tta ten-crop; 55 min 56 s on a 2-core AVX-512 EPYC, epochs of 86-114 s)",
               arguments: ["--model", "resnet-fer", "--epochs", "32"] + cpuHourTraining),
        Recipe(name: "long",
               summary: "cpu-hour's training on resnet-fer-se (cpu-hour's network before 0.3.2) for 60 epochs, for a two-hour budget (68.0% on test/ in its measured run, 69.2% with --tta flip or ten-crop; 1 h 48 min 42 s on a 2-core AVX-512 EPYC)",
               arguments: ["--model", "resnet-fer-se", "--epochs", "60"] + cpuHourTraining),
    ]

    /// Everything but the model and the epoch count, shared by `cpu-hour` and `long` so the longer
    /// recipe differs from the measured one-hour recipe in its budget and network alone.
    private static let cpuHourTraining = [
        "--optimizer", "sgd", "--nesterov", "--lr", "0.1", "--weight-decay", "5e-4", "--no-vector-decay", "--schedule", "one-cycle",
        "--flip", "0.5", "--crop-padding", "4", "--rotate", "10", "--scale", "0.1", "--label-smoothing", "0.1",
        "--class-weights", "--class-weight-power", "0.5", "--mean", "0.5", "--std", "0.25",
    ]

    static func named(_ name: String) throws -> Recipe {
        guard let recipe = all.first(where: { $0.name == name.lowercased() }) else {
            let guess = Suggestion.closest(to: name, among: all.map(\.name))
            throw UsageError(message: "unknown recipe '\(name)'" + (guess.map { "; did you mean '\($0)'?" } ?? "")
                                 + " Recipes: " + all.map(\.name).joined(separator: ", "), command: TrainCommand.name)
        }
        return recipe
    }

    /// The command line with its recipe's options underneath: the recipe's values and switches,
    /// then the user's on top (a value the user gives replaces the recipe's; `--switch=off` clears one).
    static func expanded(_ a: ParsedArguments, specs: [OptionSpec]) throws -> ParsedArguments {
        guard let name = a.string("recipe") else { return a }
        let recipe = try named(name)
        var merged = try ParsedArguments(recipe.arguments, specs: specs, command: a.command)
        merged.values.merge(a.values) { _, user in user }
        merged.flags = merged.flags.union(a.flags).subtracting(a.clearedFlags)
        merged.clearedFlags = a.clearedFlags
        merged.positional = a.positional
        return merged
    }

    static var helpText: String {
        "Recipes (--recipe NAME; options given after it override its values):\n"
            + all.map { "  \($0.name): \($0.summary).\n    = \($0.arguments.isEmpty ? "(no options)" : $0.commandLine)" }.joined(separator: "\n")
    }
}
