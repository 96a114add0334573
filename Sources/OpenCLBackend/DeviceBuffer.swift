import COpenCL
import FERCore

/// A `cl_mem` owned by one tensor and released when the tensor goes away.
final class DeviceBuffer: TensorStorage {
    nonisolated(unsafe) let memory: cl_mem
    let byteCount: Int

    init(context: cl_context, byteCount: Int) throws {
        var status: cl_int = 0
        // OpenCL forbids zero-sized buffers; an empty tensor still gets one byte.
        guard let memory = clCreateBuffer(context, cl_mem_flags(CL_MEM_READ_WRITE), max(byteCount, 1), nil, &status) else {
            throw OpenCLError.call("clCreateBuffer(\(byteCount) bytes)", code: status)
        }
        try check(status, "clCreateBuffer(\(byteCount) bytes)")
        self.memory = memory
        self.byteCount = byteCount
    }

    deinit { clReleaseMemObject(memory) }
}
