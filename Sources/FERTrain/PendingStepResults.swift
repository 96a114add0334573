import FERCore
import FERModel
import Foundation

/// The loss and correct count of recent training steps, left on the device until `drain`
/// reads them all. Reading a value back waits for the device to finish everything queued
/// before it, so reading every step would stall the queue between steps (on a GPU, for most
/// of a step); instead each pending step writes its own slot of the loss tensors and the loop
/// drains every `capacity` steps, every `interval` seconds, and before anything that needs
/// the totals (a report at the end of an epoch, a checkpoint).
final class PendingStepResults {
    private struct Step { let batchInEpoch: Int; let images: Int; let outputs: SoftmaxCrossEntropyLoss.Outputs }

    let capacity: Int
    let interval: TimeInterval
    private var steps: [Step] = []
    private var lastDrain = Date()
    /// The loss of the most recent step read back.
    private(set) var lastLoss: Float?

    init(capacity: Int = 16, interval: TimeInterval = 2) {
        self.capacity = capacity
        self.interval = interval
    }

    /// The loss slot the next step writes.
    var nextSlot: Int { steps.count }

    func append(batchInEpoch: Int, images: Int, outputs: SoftmaxCrossEntropyLoss.Outputs) {
        steps.append(Step(batchInEpoch: batchInEpoch, images: images, outputs: outputs))
    }

    var isDue: Bool { steps.count >= capacity || (!steps.isEmpty && Date().timeIntervalSince(lastDrain) >= interval) }

    /// Reads every pending step in order and adds it to the epoch's sums; throws for the
    /// first step whose loss is not finite.
    func drain(into state: inout TrainingState, backend: Backend, diverged: (_ batch: Int, _ loss: Float) -> Error) throws {
        defer { steps.removeAll(keepingCapacity: true); lastDrain = Date() }
        for step in steps {
            let loss = try backend.floats(step.outputs.loss)[0]
            guard loss.isFinite else { throw diverged(step.batchInEpoch, loss) }
            state.epochLossSum += Double(loss) * Double(step.images)
            state.epochCorrect += Int(try backend.ints(step.outputs.correct)[0])
            state.epochSeen += step.images
            lastLoss = loss
        }
    }
}
