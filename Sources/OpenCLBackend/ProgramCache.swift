import COpenCL

/// Builds each (file, options) program once per backend and hands out its kernels.
/// POCL additionally caches the compiled binary on disk (~/.cache/pocl), so a second run
/// starts fast.
final class ProgramCache {
    private struct Key: Hashable { let file: String; let options: String }

    private let context: cl_context
    private let device: DeviceInfo
    private let sources: KernelSources
    private var programs: [Key: cl_program] = [:]
    private var kernels: [String: cl_kernel] = [:]

    init(context: cl_context, device: DeviceInfo, sources: KernelSources) {
        self.context = context
        self.device = device
        self.sources = sources
    }

    deinit {
        for kernel in kernels.values { clReleaseKernel(kernel) }
        for program in programs.values { clReleaseProgram(program) }
    }

    /// The kernel `name` from `file` built with `defines` (as -D options, sorted so that the
    /// same set always maps to the same program).
    func kernel(_ name: String, file: String, defines: [String: Int]) throws -> cl_kernel {
        let options = (["-cl-std=CL1.2"] + defines.sorted { $0.key < $1.key }.map { "-D\($0.key)=\($0.value)" })
            .joined(separator: " ")
        let kernelKey = "\(file)|\(options)|\(name)"
        if let kernel = kernels[kernelKey] { return kernel }
        let program = try self.program(Key(file: file, options: options))
        var status: cl_int = 0
        guard let kernel = clCreateKernel(program, name, &status), status == CL_SUCCESS else {
            if status == CL_INVALID_KERNEL_NAME { throw OpenCLError.missingKernel(name: name, program: file) }
            throw OpenCLError.call("clCreateKernel(\(name))", code: status)
        }
        kernels[kernelKey] = kernel
        return kernel
    }

    private func program(_ key: Key) throws -> cl_program {
        if let program = programs[key] { return program }
        let text = try sources.program(key.file)
        var status: cl_int = 0
        let program: cl_program? = text.withCString { pointer in
            var source: UnsafePointer<CChar>? = pointer
            return clCreateProgramWithSource(context, 1, &source, nil, &status)
        }
        guard let program, status == CL_SUCCESS else { throw OpenCLError.call("clCreateProgramWithSource(\(key.file))", code: status) }
        var deviceID: cl_device_id? = device.deviceID
        let built = clBuildProgram(program, 1, &deviceID, key.options, nil, nil)
        if built != CL_SUCCESS {
            let log = buildLog(program)
            clReleaseProgram(program)
            if built == CL_BUILD_PROGRAM_FAILURE || built == CL_INVALID_BUILD_OPTIONS || !log.isEmpty {
                throw OpenCLError.buildFailed(program: key.file, options: key.options, device: device.name, log: log)
            }
            throw OpenCLError.call("clBuildProgram(\(key.file))", code: built)
        }
        programs[key] = program
        return program
    }

    private func buildLog(_ program: cl_program) -> String {
        var size = 0
        guard clGetProgramBuildInfo(program, device.deviceID, cl_program_build_info(CL_PROGRAM_BUILD_LOG), 0, nil, &size) == CL_SUCCESS,
              size > 1 else { return "" }
        var bytes = [UInt8](repeating: 0, count: size)
        _ = clGetProgramBuildInfo(program, device.deviceID, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, &bytes, nil)
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
