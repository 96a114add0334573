import FERTrain
import Foundation

/// Training progress: a bar redrawn in place on a terminal, plain lines every 10% of an
/// epoch otherwise (logs, CI); one summary line per epoch either way. All of it goes to
/// standard error: standard output is for results.
final class ProgressDisplay {
    let epochs: Int
    let batchSize: Int
    let isTerminal = isatty(STDERR_FILENO) != 0
    private var lastDecile = -1
    private var barShown = false

    init(epochs: Int, batchSize: Int) { self.epochs = epochs; self.batchSize = batchSize }

    func show(_ event: TrainerEvent) {
        switch event {
        case let .step(epoch, batch, batches, loss, imagesPerSecond):
            let fraction = Double(batch) / Double(max(batches, 1))
            // Time left in this epoch at the current rate.
            let eta = imagesPerSecond > 0 ? Double((batches - batch) * batchSize) / imagesPerSecond : 0
            if isTerminal {
                let width = 24, filled = Int(fraction * Double(width))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                printError(String(format: "\repoch %d/%d [%@] %d/%d  %.1f img/s  loss %.4f  ETA %@ ",
                                  epoch + 1, epochs, bar, batch, batches, imagesPerSecond, loss,
                                  Self.duration(eta)),
                           terminator: "")
                barShown = true
            } else {
                let decile = Int(fraction * 10)
                if decile != lastDecile {
                    lastDecile = decile
                    printError(String(format: "epoch %d/%d batch %d/%d  %.1f img/s  loss %.4f", epoch + 1, epochs, batch, batches, imagesPerSecond, loss))
                }
            }
        case let .epoch(m):
            finishLine()
            lastDecile = -1
            var line = String(format: "epoch %d/%d  train loss %.4f acc %.2f%%", m.epoch, epochs, m.trainLoss, m.trainAccuracy * 100)
            if let loss = m.validationLoss, let accuracy = m.validationAccuracy {
                line += String(format: "  val loss %.4f acc %.2f%%", loss, accuracy * 100)
                if let f1 = m.validationMacroF1 { line += String(format: " macro-F1 %.3f", f1) }
            }
            line += String(format: "  %.1f img/s  %@  lr %.2g", m.imagesPerSecond, Self.duration(m.seconds), Double(m.learningRate))
            printError(line)
        }
    }

    func finishLine() {
        if barShown { printError(""); barShown = false }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, s % 3600 / 60) : String(format: "%dm%02ds", s / 60, s % 60)
    }
}
