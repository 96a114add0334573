import COpenCL
import FERCore
import Foundation

/// A kernel argument, typed so that the one launch path sets every kind the same way.
enum KernelArgument {
    case tensor(Tensor)
    case int(Int)
    case uint(UInt32)
    case ulong(UInt64)
    case float(Float)
}

extension OpenCLBackend {
    /// The only way a kernel is started. Checks every operand's size first (the kernels trust
    /// their arguments), rounds the global size up to a multiple of the local size (kernels
    /// guard their own bounds), sets the arguments in order and enqueues without waiting.
    /// While profiling is on (Profiling.swift) it also records the launch under the current op.
    ///
    /// - Parameters:
    ///   - kernel: kernel name in `file`.
    ///   - defines: compile-time constants; each distinct set is a separate program build.
    ///   - global: work-items per dimension before rounding.
    ///   - local: work-group size per dimension.
    func launch(_ kernel: String, file: String, defines: [String: Int] = [:],
                global: [Int], local: [Int], _ arguments: [KernelArgument]) throws {
        precondition(global.count == local.count && (1...3).contains(global.count), "launch dimensions of \(kernel)")
        if global.contains(0) { return }
        let handle = try programs.kernel(kernel, file: file, defines: defines)
        for (index, argument) in arguments.enumerated() {
            let status: cl_int
            switch argument {
            case let .tensor(tensor):
                var memory: cl_mem? = try deviceBuffer(tensor, op: kernel, "argument \(index)").memory
                status = clSetKernelArg(handle, cl_uint(index), MemoryLayout<cl_mem>.size, &memory)
            case let .int(value):
                guard let narrow = Int32(exactly: value) else {
                    throw BackendError.invalidArgument(op: kernel, reason: "argument \(index) = \(value) does not fit in a 32-bit int")
                }
                var v = narrow
                status = clSetKernelArg(handle, cl_uint(index), 4, &v)
            case var .uint(value):
                status = clSetKernelArg(handle, cl_uint(index), 4, &value)
            case var .ulong(value):
                status = clSetKernelArg(handle, cl_uint(index), 8, &value)
            case var .float(value):
                status = clSetKernelArg(handle, cl_uint(index), 4, &value)
            }
            try check(status, "clSetKernelArg(\(kernel), \(index))")
        }
        var globalSize = zip(global, local).map { ($0 + $1 - 1) / $1 * $1 }
        var localSize = local
        let enqueue = { (event: UnsafeMutablePointer<cl_event?>?) in
            try check(clEnqueueNDRangeKernel(self.queue, handle, cl_uint(global.count), nil, &globalSize, &localSize, 0, nil, event),
                      "clEnqueueNDRangeKernel(\(kernel), global \(globalSize), local \(localSize))")
        }
        guard let profiler = extras.profiler else { return try enqueue(nil) }
        // Profiling (Profiling.swift): keep the event, or time the launch alone on the host.
        let label = profiler.currentLabel.map { profiler.splitsKernels ? "\($0) [\(kernel)]" : $0 } ?? kernel
        if profiler.usesEvents {
            var event: cl_event?
            try enqueue(&event)
            profiler.record(label, event: event, hostSeconds: 0)
        } else {
            try check(clFinish(queue), "clFinish")
            let start = DispatchTime.now().uptimeNanoseconds
            try enqueue(nil)
            try check(clFinish(queue), "clFinish")
            profiler.record(label, event: nil, hostSeconds: Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
    }

    /// Checks an operand of an op before launch: size, type and owner.
    func operand(_ tensor: Tensor, _ count: Int, _ dtype: DType = .float32, op: Op, _ name: String) throws -> KernelArgument {
        try tensor.require(count, dtype, op: op.rawValue, name)
        _ = try deviceBuffer(tensor, op: op.rawValue, name)
        return .tensor(tensor)
    }
}
