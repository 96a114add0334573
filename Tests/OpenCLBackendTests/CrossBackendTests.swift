import FERCore
import OpenCLBackend
import ReferenceBackend
import Testing
import Verification

/// OpenCL (POCL in CI) against the reference: every op, then a whole seed-network step.
/// These need an OpenCL device; the setup script installs POCL, so a missing device is a
/// failure here, not a skip.
@Suite(.serialized) struct CrossBackendTests {
    @Test(arguments: Op.allCases)
    func op(_ op: Op) throws {
        var checks = OpChecks(reference: ReferenceBackend(), candidate: try SharedDevice.backend())
        let comparisons = try checks.run(op)
        #expect(!comparisons.isEmpty)
        for comparison in comparisons {
            #expect(comparison.passed, "\(comparison.name): error \(comparison.error) > \(comparison.tolerance)")
        }
    }

    @Test func wholeSeedNetworkStep() throws {
        var check = WholeStepCheck(reference: ReferenceBackend(), candidate: try SharedDevice.backend())
        check.batch = 2
        let comparisons = try check.run()
        let names = Set(comparisons.map(\.name))
        for expected in ["conv1 output", "bn4.running_var", "loss", "logits grad", "conv1.weight grad", "bn2 input grad", "fc3.bias updated"] {
            #expect(names.contains(expected), "whole step compares \(expected)")
        }
        for comparison in comparisons {
            #expect(comparison.passed, "\(comparison.name): error \(comparison.error) > \(comparison.tolerance) \(comparison.note)")
        }
    }
}

/// One OpenCL backend per test process: building programs is the slow part on POCL.
enum SharedDevice {
    nonisolated(unsafe) private static var cached: OpenCLBackend?

    static func backend(sources: KernelSources = .embedded) throws -> OpenCLBackend {
        if let cached { return cached }
        let backend = try OpenCLBackend(deviceRequest: nil, sources: sources)
        cached = backend
        return backend
    }
}
