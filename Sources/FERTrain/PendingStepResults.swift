import FERCore
import FERModel
import Foundation

/// The loss and correct count of recent training steps, left on the device until `drain`
/// reads them. Reading a value back waits for the device to finish everything queued before
/// it, so reading each step right after queuing it would leave the device idle while the host
/// queues the next one (on a GPU, for much of a step). Instead each pending step writes its own
/// slot of the loss tensors; the loop reads every step but the newest once about `lag` seconds
/// of work are queued (the newest keeps the device busy meanwhile), and reads them all before
/// anything that needs the totals (the end of an epoch, a checkpoint). So a GPU reads every
/// `capacity` steps, a CPU step of half a second every other step, and Ctrl-C or a
/// progress line is never more than about `lag` seconds of queued work behind.
final class PendingStepResults {
    private struct Step { let batchInEpoch: Int; let images: Int; let outputs: SoftmaxCrossEntropyLoss.Outputs }

    /// Most steps left unread, and so loss slots in use.
    let capacity: Int
    let lag: TimeInterval
    private var steps: [Step] = []
    private var lastDrain = Date()
    /// Wall time per step between the last two reads; unknown until the first.
    private var secondsPerStep: Double?
    /// The loss of the most recent step read back.
    private(set) var lastLoss: Float?

    init(capacity: Int = 16, lag: TimeInterval = 1) {
        self.capacity = capacity
        self.lag = lag
    }

    /// The loss slot the next step writes (slots in use are never handed out twice).
    var nextSlot: Int {
        let used = Set(steps.map { $0.outputs.slot })
        return (0...capacity).first { !used.contains($0) } ?? capacity
    }

    func append(batchInEpoch: Int, images: Int, outputs: SoftmaxCrossEntropyLoss.Outputs) {
        steps.append(Step(batchInEpoch: batchInEpoch, images: images, outputs: outputs))
    }

    var isDue: Bool {
        let limit = secondsPerStep.map { max(2, min(capacity, Int(lag / max($0, 1e-6)))) } ?? 2
        return steps.count >= limit
    }

    /// Reads pending steps in order (all, or all but the newest) and adds them to the epoch's
    /// sums; throws for the first step whose loss is not finite.
    func drain(into state: inout TrainingState, backend: Backend, keepingNewest: Bool = false,
               diverged: (_ batch: Int, _ loss: Float) -> Error) throws {
        let count = keepingNewest ? steps.count - 1 : steps.count
        guard count > 0 else { return }
        for step in steps.prefix(count) {
            let loss = try backend.floats(step.outputs.loss)[0]
            guard loss.isFinite else { throw diverged(step.batchInEpoch, loss) }
            state.epochLossSum += Double(loss) * Double(step.images)
            state.epochCorrect += Int(try backend.ints(step.outputs.correct)[0])
            state.epochSeen += step.images
            lastLoss = loss
        }
        steps.removeFirst(count)
        let now = Date()
        secondsPerStep = now.timeIntervalSince(lastDrain) / Double(count)
        lastDrain = now
    }
}
