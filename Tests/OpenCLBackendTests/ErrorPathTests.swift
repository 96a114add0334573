import FERCore
import Foundation
import OpenCLBackend
import ReferenceBackend
import Testing
import Verification

@Suite struct ErrorPathTests {
    @Test func unknownDeviceNameListsTheDevices() throws {
        do {
            _ = try OpenCLBackend(deviceRequest: "no-such-device-xyz")
            Issue.record("expected an error")
        } catch let error as OpenCLError {
            let message = error.description
            #expect(message.contains("no-such-device-xyz"))
            #expect(message.contains("available:"))
            #expect(message.contains("--device reference"))
        }
        #expect(throws: OpenCLError.self) { try OpenCLBackend(deviceRequest: "999") }
    }

    @Test func kernelThatFailsToBuildCarriesTheCompilerLog() throws {
        let sources = KernelSources.embedded.replacing("activation.cl", with: "__kernel void relu_forward(__global float *x) { undeclared_thing = 1; }")
        let backend = try OpenCLBackend(deviceRequest: nil, sources: sources)
        let x = try backend.makeTensor([4], .float32), y = try backend.makeTensor([4], .float32)
        do {
            try backend.reluForward(input: x, output: y)
            Issue.record("expected a build error")
        } catch let OpenCLError.buildFailed(program, _, _, log) {
            #expect(program == "activation.cl")
            #expect(log.contains("undeclared_thing"))
        }
    }

    @Test func bufferSizeMismatchesAreRefused() throws {
        let backend = try SharedDevice.backend()
        let g = Conv2dGeometry(batch: 1, height: 4, width: 4, inChannels: 2, outChannels: 3)
        #expect(throws: BackendError.sizeMismatch(op: "conv2d_forward", operand: "output", expected: 48, actual: 47)) {
            try backend.conv2dForward(g, input: try backend.makeTensor([32], .float32), weight: try backend.makeTensor([54], .float32),
                                      bias: nil, output: try backend.makeTensor([47], .float32))
        }
        #expect(throws: BackendError.wrongType(op: "maxpool_forward", operand: "argmax", expected: .int32, actual: .float32)) {
            try backend.maxPoolForward(PoolGeometry(batch: 1, height: 2, width: 2, channels: 1), input: try backend.makeTensor([4], .float32),
                                       output: try backend.makeTensor([1], .float32), argmax: try backend.makeTensor([1], .float32))
        }
        let tensor = try backend.makeTensor([3], .float32)
        #expect(throws: BackendError.hostBufferSize(op: "write", expectedBytes: 12, actualBytes: 8)) {
            try backend.upload([1, 2] as [Float], to: tensor)
        }
        #expect(throws: BackendError.foreignTensor(op: "relu_forward", operand: "input")) {
            try backend.reluForward(input: try ReferenceBackend().makeTensor([3], .float32), output: tensor)
        }
    }

    /// The checks can fail: a subtly wrong kernel (ReLU leaking 1% of negative inputs; a
    /// convolution that skips the last input channel) is caught by the op check and by the
    /// whole-step check.
    @Test func brokenKernelsFailVerification() throws {
        let relu = try #require(KernelSources.embedded.files["activation.cl"])
        let leaky = relu.replacingOccurrences(of: "x[e] > 0.0f ? x[e] : 0.0f", with: "x[e] > 0.0f ? x[e] : 0.01f * x[e]")
        #expect(leaky != relu)
        var reluChecks = OpChecks(reference: ReferenceBackend(),
                                  candidate: try OpenCLBackend(deviceRequest: nil, sources: .embedded.replacing("activation.cl", with: leaky)))
        #expect(try reluChecks.run(.reluForward).contains { !$0.passed })

        let conv = try #require(KernelSources.embedded.files["conv_tiled.cl"])
        let skipping = conv.replacingOccurrences(of: "for (int i = 0; i < IN_C; ++i) {", with: "for (int i = 0; i < IN_C - 1; ++i) {")
        #expect(skipping != conv)
        var step = WholeStepCheck(reference: ReferenceBackend(),
                                  candidate: try OpenCLBackend(deviceRequest: nil, sources: .embedded.replacing("conv_tiled.cl", with: skipping)))
        step.batch = 2
        let failures = try step.run().filter { !$0.passed }.map(\.name)
        #expect(failures.contains("conv2 output"))
    }

    /// The joins and squeeze-and-excitation can fail verification too: a fused ReLU that cuts
    /// at 0.01 instead of 0, and a scale gradient that leaves out each image's last pixel, are
    /// both caught by their op checks (and the unbroken ops of the same files still pass).
    @Test func brokenAddAndChannelScaleKernelsFailVerification() throws {
        let add = try #require(KernelSources.embedded.files["add.cl"])
        let cut = add.replacingOccurrences(of: "isgreater(sum, (float4)(0.0f))", with: "isgreater(sum, (float4)(0.01f))")
        #expect(cut != add)
        let scale = try #require(KernelSources.embedded.files["channel_scale.cl"])
        let short = scale.replacingOccurrences(of: "acc = fma(g, vload4(0, x + e), acc);", with: "if (p < P - 1) acc = fma(g, vload4(0, x + e), acc);")
        #expect(short != scale)
        let broken = try OpenCLBackend(deviceRequest: nil, sources: .embedded.replacing("add.cl", with: cut).replacing("channel_scale.cl", with: short))
        var checks = OpChecks(reference: ReferenceBackend(), candidate: broken)
        let failedAdds = try checks.run(.add).filter { !$0.passed }.map(\.name)
        #expect(!failedAdds.isEmpty && failedAdds.allSatisfy { $0.contains("relu") }, "only the fused-ReLU rows fail: \(failedAdds)")
        let failedScales = try checks.run(.channelScaleBackward).filter { !$0.passed }.map(\.name)
        #expect(failedScales.contains { $0.contains("scaleGrad") })
        #expect(!failedScales.contains { $0.contains("inputGrad") })
        #expect(try checks.run(.channelScaleForward).allSatisfy(\.passed))
    }
}
