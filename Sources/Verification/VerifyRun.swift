import FERCore
import FERModel

/// Everything `fer-cl verify` checks, in order: each op of `Op`, then one whole training
/// step of the seed network and of the residual networks.
public struct VerifyRun {
    public struct Section: Sendable {
        public let title: String
        public let comparisons: [Comparison]
        public var passed: Bool { comparisons.allSatisfy(\.passed) }
    }

    public let reference: Backend
    public let candidate: Backend
    public var seed: UInt64 = 2013
    public var stepBatch = 4
    /// The networks whose whole training step is compared: the seed, and the residual networks
    /// (joins, gradient fan-in, squeeze-and-excitation, stride-2 and 1x1 convolutions).
    public var wholeStepArchitectures: [Architecture] = [.seed, .resnetFerSE, .resnet18Fer]

    public init(reference: Backend, candidate: Backend) {
        self.reference = reference
        self.candidate = candidate
    }

    /// Runs the checks, reporting each section as it completes (the whole step takes seconds).
    public func run(progress: (Section) -> Void = { _ in }) throws -> [Section] {
        var sections: [Section] = []
        var ops = OpChecks(reference: reference, candidate: candidate, seed: seed)
        for op in Op.allCases {
            let section = Section(title: op.rawValue, comparisons: try ops.run(op))
            progress(section)
            sections.append(section)
        }
        for architecture in wholeStepArchitectures {
            var step = WholeStepCheck(reference: reference, candidate: candidate)
            step.architecture = architecture
            step.seed = seed
            step.batch = stepBatch
            let section = Section(title: "\(architecture.rawValue) network training step (batch \(stepBatch))", comparisons: try step.run())
            progress(section)
            sections.append(section)
        }
        return sections
    }
}
