import COpenCL
import FERCore
import Foundation

/// Device time of one op (or of one kernel outside the labelled ops), summed over the calls
/// made while profiling was on.
public struct OpTiming: Sendable {
    /// The op and its shape ("conv2d_forward n64 24x24x64->128 k3x3 s1 p1"), or a kernel name.
    public let label: String
    /// Op calls (a labelled op may launch several kernels: packing, the product, a sum).
    public let calls: Int
    /// Total device seconds of all its kernels.
    public let seconds: Double
    /// Total floating-point operations of those calls (0 where the op does not say).
    public let flops: Double
}

/// Per-kernel profiling. With a queue created with CL_QUEUE_PROFILING_ENABLE the launch helper
/// keeps each kernel's event and reads its start/end stamps at `stopProfiling`; on a queue
/// without it, each profiled launch is timed on the host between two `clFinish` (serialising, so
/// only for measurement runs). Nothing of this runs while profiling is off.
final class KernelProfiler {
    struct Record { let label: String; let event: cl_event?; let hostSeconds: Double }
    let usesEvents: Bool
    private(set) var records: [Record] = []
    private(set) var opCalls: [String: (calls: Int, flops: Double)] = [:]
    /// The op being enqueued: its kernels are recorded under its label.
    var currentLabel: String?

    /// Records each kernel of an op separately ("label [kernel]"); FER_CL_PROFILE=kernels.
    let splitsKernels: Bool

    init(usesEvents: Bool, splitsKernels: Bool) {
        self.usesEvents = usesEvents
        self.splitsKernels = splitsKernels
    }

    deinit { for record in records { if let event = record.event { clReleaseEvent(event) } } }

    func beginOp(_ label: String, flops: Double) {
        let previous = opCalls[label] ?? (0, 0)
        opCalls[label] = (previous.calls + 1, previous.flops + flops)
        currentLabel = label
    }

    func record(_ label: String, event: cl_event?, hostSeconds: Double) {
        records.append(Record(label: label, event: event, hostSeconds: hostSeconds))
    }

    func timings() throws -> [OpTiming] {
        var order: [String] = []
        var seconds: [String: Double] = [:]
        var launches: [String: Int] = [:]
        for record in records {
            var duration = record.hostSeconds
            if let event = record.event {
                var start: cl_ulong = 0, end: cl_ulong = 0
                try check(clGetEventProfilingInfo(event, cl_profiling_info(CL_PROFILING_COMMAND_START), 8, &start, nil), "clGetEventProfilingInfo")
                try check(clGetEventProfilingInfo(event, cl_profiling_info(CL_PROFILING_COMMAND_END), 8, &end, nil), "clGetEventProfilingInfo")
                duration = Double(end &- start) * 1e-9
            }
            if seconds[record.label] == nil { order.append(record.label) }
            seconds[record.label, default: 0] += duration
            launches[record.label, default: 0] += 1
        }
        return order.map { label in
            let op = opCalls[label]
            return OpTiming(label: label, calls: op?.calls ?? launches[label] ?? 0, seconds: seconds[label] ?? 0, flops: op?.flops ?? 0)
        }
    }
}

/// State the OpenCL backend keeps besides its queue: grow-only scratch buffers of the tiled
/// kernels (packed weights, partial weight gradients, a row of zeros) and the profiler.
///
/// Scratch is shared by all layers: the queue is in order, so the next op's packing cannot
/// overwrite a buffer a previous kernel still reads; a buffer only grows (the first step of a
/// network sizes it for its largest layer) and a replaced buffer is freed by OpenCL once the
/// kernels queued on it have run. Steady-state steps allocate nothing.
final class BackendExtras {
    var scratch: [String: Tensor] = [:]
    var profiler: KernelProfiler?
    /// The queue was created with CL_QUEUE_PROFILING_ENABLE: kernels are timed by their events.
    let queueProfiles: Bool
    /// Prepared weights are kept per weight (PreparedWeights.swift).
    let keepsPreparedWeights: Bool
    var preparedWeights: [PreparedWeightKey: PreparedWeight] = [:]

    init(queueProfiles: Bool, keepsPreparedWeights: Bool) {
        self.queueProfiles = queueProfiles
        self.keepsPreparedWeights = keepsPreparedWeights
    }
}

extension OpenCLBackend {
    /// A float scratch tensor of at least `count` elements for `role`, reused across calls.
    func scratch(_ role: String, count: Int) throws -> Tensor {
        let state = extras
        if let tensor = state.scratch[role], tensor.count >= count { return tensor }
        let tensor = try makeTensor([max(count, 1)], .float32)
        state.scratch[role] = tensor
        return tensor
    }

    // MARK: public profiling API

    /// Starts recording the device time of every kernel, by op (see `OpTiming`). Events come
    /// from the queue when it was created with profiling enabled; otherwise each launch is
    /// timed on the host between queue drains, which slows the profiled steps themselves.
    public func startProfiling() throws {
        try finish()
        let state = extras
        let split = ProcessInfo.processInfo.environment["FER_CL_PROFILE"] == "kernels"
        state.profiler = KernelProfiler(usesEvents: state.queueProfiles, splitsKernels: split)
    }

    /// Waits for the queue, stops recording and returns the per-op totals in first-use order.
    public func stopProfiling() throws -> [OpTiming] {
        try finish()
        let state = extras
        defer { state.profiler = nil }
        return try state.profiler?.timings() ?? []
    }

    /// Whether profiling reads device event stamps (true) or host timing (false).
    public var profilesWithDeviceEvents: Bool { extras.queueProfiles }

    /// Runs the launches of one op under `label` with its floating-point operation count;
    /// free when profiling is off.
    func profiledOp<T>(_ label: @autoclosure () -> String, flops: Double, _ body: () throws -> T) rethrows -> T {
        guard let profiler = extras.profiler else { return try body() }
        let previous = profiler.currentLabel
        profiler.beginOp(label(), flops: flops)
        defer { profiler.currentLabel = previous }
        return try body()
    }
}
