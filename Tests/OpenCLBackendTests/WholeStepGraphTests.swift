import FERCore
import FERModel
import OpenCLBackend
import ReferenceBackend
import Testing
import Verification

/// One training step of a residual network with squeeze-and-excitation (joins, gradient
/// fan-in, global pooling, sigmoid, channel scale, fused batch norm + ReLU and add + ReLU) on
/// both backends, within the whole-step tolerances.
@Suite struct WholeStepGraphTests {
    @Test func wholeSqueezeExcitationResNetStep() throws {
        // A backend of its own: SharedDevice's is used by CrossBackendTests, which run in parallel
        // with this suite, and one backend's program cache and buffers are not for two threads.
        var check = WholeStepCheck(reference: ReferenceBackend(), candidate: try OpenCLBackend(deviceRequest: nil, sources: .embedded))
        check.architecture = .resnetFerSE
        check.batch = 2
        let comparisons = try check.run()
        let names = Set(comparisons.map(\.name))
        for expected in ["layer1.0.add output", "layer2.0.se.scale input 1 grad", "layer2.0.shortcut.0.weight grad",
                         "conv1.weight grad", "linear.bias updated"] {
            #expect(names.contains(expected), "whole step compares \(expected)")
        }
        for comparison in comparisons {
            #expect(comparison.passed, "\(comparison.name): error \(comparison.error) > \(comparison.tolerance) \(comparison.note)")
        }
    }
}
