import FERCore
import Foundation
import OpenCLBackend
import ReferenceBackend
import Testing
import Verification

/// Winograd F(2x2), F(3x3) and F(4x4) (Kernels/winograd.cl) against the reference: every tile
/// size, part tiles (odd image sizes), all three transform vector widths, and image chunks small
/// enough that every pass runs several (the weight gradient then adds chunk products in place).
@Suite(.serialized) struct WinogradTests {
    @Test func eachLayerTakesTheTileWithTheFewestTransformedValues() {
        var row = GemmTuning.defaultRow
        row.winograd = 4
        // The seed network's conv2-conv4: 24x24 and 12x12 divide by 4; 6x6 fits F(3x3) exactly.
        #expect(row.winogradTile(height: 24, width: 24) == 4)
        #expect(row.winogradTile(height: 12, width: 12) == 4)
        #expect(row.winogradTile(height: 6, width: 6) == 3)
        #expect(row.winogradTile(height: 2, width: 2) == 2)
        row.winograd = 2
        #expect(row.winogradTile(height: 24, width: 24) == 2)
        row.winograd = 0
        #expect(row.winogradTile(height: 24, width: 24) == 0)
    }

    @Test(arguments: [2, 3, 4])
    func productsMatchTheReference(largestTile: Int) throws {
        var row = GemmTuning.defaultRow
        row.winograd = largestTile
        // One or two images per chunk for these shapes: several chunks, and for the 6x6 layer
        // in F(3x3) chunks of 2, 2 and 1 images.
        row.winogradChunkFloats = 10_000
        let backend = try OpenCLBackend(deviceRequest: nil, gemm: row)
        if ProcessInfo.processInfo.environment["FER_CL_GEMM"] == nil { #expect(backend.gemmTuning == row) }
        let geometries = [
            Conv2dGeometry(batch: 5, height: 6, width: 6, inChannels: 16, outChannels: 32),   // whole tiles for M = 2, 3; 8-channel vectors
            Conv2dGeometry(batch: 3, height: 9, width: 7, inChannels: 20, outChannels: 16),   // part tiles, 4-channel vectors
            Conv2dGeometry(batch: 2, height: 5, width: 5, inChannels: 17, outChannels: 48),   // scalar transforms (17 channels)
            Conv2dGeometry(batch: 2, height: 6, width: 6, inChannels: 16, outChannels: 20),   // zero-padded forward filter panels
        ]
        for g in geometries { #expect(row.winogradTile(height: g.height, width: g.width) > 0) }
        var checks = OpChecks(reference: ReferenceBackend(), candidate: backend, extraConvGeometries: geometries)
        for op in [Op.conv2dForward, .conv2dBackwardData, .conv2dBackwardWeights] {
            let comparisons = try checks.run(op)
            #expect(!comparisons.isEmpty)
            for comparison in comparisons {
                #expect(comparison.passed, "F(\(largestTile)): \(comparison.name): error \(comparison.error) > \(comparison.tolerance)")
            }
        }
    }

    /// The checks can fail: one filter-transform coefficient of F(3x3) off by 1% (2/3 -> 0.66)
    /// fails every pass's op check.
    @Test func aWrongTransformFailsTheChecks() throws {
        let winograd = try #require(KernelSources.embedded.files["winograd.cl"])
        let wrong = winograd.replacingOccurrences(of: "{1.0f / 6, 1.0f / 3, 2.0f / 3}", with: "{1.0f / 6, 1.0f / 3, 0.66f}")
        #expect(wrong != winograd)
        var row = GemmTuning.defaultRow
        row.winograd = 3
        let backend = try OpenCLBackend(deviceRequest: nil, sources: .embedded.replacing("winograd.cl", with: wrong), gemm: row)
        var checks = OpChecks(reference: ReferenceBackend(), candidate: backend,
                              extraConvGeometries: [Conv2dGeometry(batch: 2, height: 6, width: 6, inChannels: 16, outChannels: 16)])
        for op in [Op.conv2dForward, .conv2dBackwardData, .conv2dBackwardWeights] {
            let failed = try checks.run(op).filter { !$0.passed }.map(\.name)
            #expect(failed.contains { $0.contains("6x6x16->16") }, "\(op): \(failed)")
        }
    }
}
