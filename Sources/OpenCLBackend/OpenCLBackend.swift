import COpenCL
import FERCore
import Foundation

/// The OpenCL implementation of `Backend`: one device, one context, one in-order queue.
/// Ops enqueue kernels and return; only `read` and `finish` wait for the device.
public final class OpenCLBackend: Backend {
    public let device: DeviceInfo
    public var name: String { device.name }
    /// Variable only so that the tuner (Tuner.swift) can time candidate tile shapes on one
    /// backend, sharing its context, tensors and compiled programs; nothing else changes it.
    var tuning: Tuning
    /// Where `tuning.gemm` came from (cache, table, caller, FER_CL_GEMM).
    public private(set) var tuningSource: TuningSource
    /// The tile shape of the register-tiled kernels in use.
    public var gemmTuning: GemmTuning { tuning.gemm }
    nonisolated(unsafe) let context: cl_context
    nonisolated(unsafe) let queue: cl_command_queue
    let programs: ProgramCache
    /// Scratch buffers and the profiler (Profiling.swift).
    let extras: BackendExtras

    /// - Parameters:
    ///   - device: from `DeviceInfo.select`.
    ///   - sources: kernel texts; the embedded copies unless overridden.
    ///   - profiling: create the queue with event profiling, so `startProfiling` reads device
    ///     timestamps (`fer-cl bench`); otherwise profiled launches are timed on the host.
    ///   - gemm: the tile shape to use (tests of the tuner's candidates); nil: the device's
    ///     tuning cache, else the table's row. `FER_CL_GEMM` overrides either.
    ///   - keepsPreparedWeights: keep each weight's prepared forms until it is written
    ///     (PreparedWeights.swift): for commands that only run a loaded model.
    ///   - tuningCache: where the device's tuning cache is looked up; the user's (TuningCache.standard)
    ///     unless given (tests pass their own instead of changing the process environment,
    ///     which is not safe while other threads read it).
    public init(device: DeviceInfo, sources: KernelSources = .embedded, profiling: Bool = false, gemm: GemmTuning? = nil,
                keepsPreparedWeights: Bool = false, tuningCache: TuningCache? = TuningCache.standard()) throws {
        self.device = device
        let (row, source) = Tuning.select(device: device, sources: sources, given: gemm, cache: tuningCache)
        self.tuning = Tuning(device: device, gemm: row)
        self.tuningSource = source
        var status: cl_int = 0
        var deviceID: cl_device_id? = device.deviceID
        guard let context = clCreateContext(nil, 1, &deviceID, nil, nil, &status), status == CL_SUCCESS else {
            throw OpenCLError.call("clCreateContext(\(device.name))", code: status)
        }
        let properties = cl_command_queue_properties(profiling ? CL_QUEUE_PROFILING_ENABLE : 0)
        guard let queue = clCreateCommandQueue(context, device.deviceID, properties, &status), status == CL_SUCCESS else {
            clReleaseContext(context)
            throw OpenCLError.call("clCreateCommandQueue(\(device.name))", code: status)
        }
        self.context = context
        self.queue = queue
        self.programs = ProgramCache(context: context, device: device, sources: sources)
        self.extras = BackendExtras(queueProfiles: profiling, keepsPreparedWeights: keepsPreparedWeights)
    }

    /// Switches to the tile shape `gemm` (`train` after tuning on first use). Safe at any time:
    /// every op reads the tuning when it is called, programs are cached per shape, and the
    /// queue is in order; FER_CL_GEMM, if set, still wins.
    public func adoptTuning(_ gemm: GemmTuning, source: TuningSource) {
        guard getenv("FER_CL_GEMM") == nil else { return }
        tuning = Tuning(device: device, gemm: gemm)
        tuningSource = source
    }

    /// The device chosen by `--device` (index or name substring; nil picks the default).
    public convenience init(deviceRequest: String?, sources: KernelSources = .embedded, profiling: Bool = false,
                            gemm: GemmTuning? = nil, keepsPreparedWeights: Bool = false) throws {
        try self.init(device: DeviceInfo.select(deviceRequest), sources: sources, profiling: profiling, gemm: gemm,
                      keepsPreparedWeights: keepsPreparedWeights)
    }

    deinit {
        clFinish(queue)
        clReleaseCommandQueue(queue)
        clReleaseContext(context)
    }

    public func makeTensor(_ shape: [Int], _ dtype: DType) throws -> Tensor {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw BackendError.invalidArgument(op: "makeTensor", reason: "negative dimension in \(shape)")
        }
        let byteCount = shape.reduce(1, *) * dtype.byteSize
        let buffer = try DeviceBuffer(context: context, byteCount: byteCount)
        var zero: UInt8 = 0
        try check(clEnqueueFillBuffer(queue, buffer.memory, &zero, 1, 0, max(byteCount, 1), 0, nil, nil), "clEnqueueFillBuffer")
        return Tensor(shape: shape, dtype: dtype, storage: buffer, owner: ObjectIdentifier(self))
    }

    public func write(_ tensor: Tensor, from bytes: UnsafeRawBufferPointer) throws {
        let buffer = try deviceBuffer(tensor, op: "write", "tensor")
        guard bytes.count == tensor.byteCount, tensor.byteCount <= buffer.byteCount else {
            throw BackendError.hostBufferSize(op: "write", expectedBytes: tensor.byteCount, actualBytes: bytes.count)
        }
        forgetPreparedWeights(of: tensor)
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // Blocking so that the caller may free its host array as soon as this returns.
        try check(clEnqueueWriteBuffer(queue, buffer.memory, cl_bool(CL_TRUE), 0, bytes.count, base, 0, nil, nil), "clEnqueueWriteBuffer")
    }

    public func read(_ tensor: Tensor, into bytes: UnsafeMutableRawBufferPointer) throws {
        let buffer = try deviceBuffer(tensor, op: "read", "tensor")
        guard bytes.count == tensor.byteCount, tensor.byteCount <= buffer.byteCount else {
            throw BackendError.hostBufferSize(op: "read", expectedBytes: tensor.byteCount, actualBytes: bytes.count)
        }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try check(clEnqueueReadBuffer(queue, buffer.memory, cl_bool(CL_TRUE), 0, bytes.count, base, 0, nil, nil), "clEnqueueReadBuffer")
    }

    public func finish() throws {
        try check(clFinish(queue), "clFinish")
    }

    func deviceBuffer(_ tensor: Tensor, op: String, _ operand: String) throws -> DeviceBuffer {
        guard tensor.owner == ObjectIdentifier(self), let buffer = tensor.storage as? DeviceBuffer else {
            throw BackendError.foreignTensor(op: op, operand: operand)
        }
        return buffer
    }
}
