import COpenCL
import Foundation

/// One OpenCL device as discovered: what `fer-cl devices` prints and `--device` matches.
public struct DeviceInfo: Sendable {
    public let index: Int
    public let platformName: String
    public let platformVersion: String
    public let name: String
    public let type: String
    public let computeUnits: Int
    public let globalMemoryBytes: UInt64
    public let localMemoryBytes: UInt64
    public let maxWorkGroupSize: Int
    public let openCLCVersion: String
    public let driverVersion: String
    /// CL_DEVICE_VERSION ("OpenCL 3.0 PoCL HSTR: pthread-x86_64-pc-linux-gnu-haswell"): with the
    /// driver version, it says which compiler and target a tuning was measured with.
    public let version: String
    nonisolated(unsafe) let platformID: cl_platform_id
    nonisolated(unsafe) let deviceID: cl_device_id

    public var isGPU: Bool { type.contains("GPU") }

    /// Every device of every platform, numbered in discovery order. Discovered once per
    /// process, under a lock: the ICD loader (ocl-icd) loads its drivers on the first
    /// clGetPlatformIDs without locking, and parallel tests that raced there found no platform
    /// or crashed (SIGSEGV).
    public static func all() throws -> [DeviceInfo] {
        discovery.lock.lock()
        defer { discovery.lock.unlock() }
        if let devices = discovery.devices { return devices }
        let devices = try discover()
        discovery.devices = devices
        return devices
    }

    private final class Discovery: @unchecked Sendable {
        let lock = NSLock()
        var devices: [DeviceInfo]?
    }
    private static let discovery = Discovery()

    private static func discover() throws -> [DeviceInfo] {
        var platformCount: cl_uint = 0
        let status = clGetPlatformIDs(0, nil, &platformCount)
        // -1001 is CL_PLATFORM_NOT_FOUND_KHR: the ICD loader found no driver.
        if status == -1001 || platformCount == 0 { throw OpenCLError.noPlatforms }
        try check(status, "clGetPlatformIDs")
        var platforms = [cl_platform_id?](repeating: nil, count: Int(platformCount))
        try check(clGetPlatformIDs(platformCount, &platforms, nil), "clGetPlatformIDs")
        var devices: [DeviceInfo] = []
        for case let platform? in platforms {
            var deviceCount: cl_uint = 0
            let found = clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), 0, nil, &deviceCount)
            if found == CL_DEVICE_NOT_FOUND || deviceCount == 0 { continue }
            try check(found, "clGetDeviceIDs")
            var ids = [cl_device_id?](repeating: nil, count: Int(deviceCount))
            try check(clGetDeviceIDs(platform, cl_device_type(CL_DEVICE_TYPE_ALL), deviceCount, &ids, nil), "clGetDeviceIDs")
            for case let device? in ids {
                devices.append(try DeviceInfo(index: devices.count, platform: platform, device: device))
            }
        }
        return devices
    }

    /// Picks a device by index or case-insensitive name substring; with no request, the first
    /// GPU, else the first device (a CPU through POCL).
    public static func select(_ request: String?) throws -> DeviceInfo {
        let devices = try all()
        let listing = devices.map { "\($0.index): \($0.name) (\($0.type))" }
        guard let request, !request.isEmpty else {
            guard let device = devices.first(where: \.isGPU) ?? devices.first else {
                throw OpenCLError.noDevice(requested: "any", available: listing)
            }
            return device
        }
        if let index = Int(request) {
            guard devices.indices.contains(index) else { throw OpenCLError.noDevice(requested: request, available: listing) }
            return devices[index]
        }
        let needle = request.lowercased()
        guard let device = devices.first(where: { $0.name.lowercased().contains(needle) || $0.platformName.lowercased().contains(needle) })
        else { throw OpenCLError.noDevice(requested: request, available: listing) }
        return device
    }

    init(index: Int, platform: cl_platform_id, device: cl_device_id) throws {
        self.index = index
        platformID = platform
        deviceID = device
        platformName = try Self.string { clGetPlatformInfo(platform, cl_platform_info(CL_PLATFORM_NAME), $0, $1, $2) }
        platformVersion = try Self.string { clGetPlatformInfo(platform, cl_platform_info(CL_PLATFORM_VERSION), $0, $1, $2) }
        name = try Self.string { clGetDeviceInfo(device, cl_device_info(CL_DEVICE_NAME), $0, $1, $2) }
        driverVersion = try Self.string { clGetDeviceInfo(device, cl_device_info(CL_DRIVER_VERSION), $0, $1, $2) }
        openCLCVersion = try Self.string { clGetDeviceInfo(device, cl_device_info(CL_DEVICE_OPENCL_C_VERSION), $0, $1, $2) }
        version = try Self.string { clGetDeviceInfo(device, cl_device_info(CL_DEVICE_VERSION), $0, $1, $2) }
        let deviceType: cl_device_type = try Self.value(device, CL_DEVICE_TYPE)
        var types: [String] = []
        if deviceType & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 { types.append("GPU") }
        if deviceType & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 { types.append("CPU") }
        if deviceType & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 { types.append("accelerator") }
        type = types.isEmpty ? "other" : types.joined(separator: "+")
        computeUnits = Int(try Self.value(device, CL_DEVICE_MAX_COMPUTE_UNITS) as cl_uint)
        globalMemoryBytes = try Self.value(device, CL_DEVICE_GLOBAL_MEM_SIZE) as cl_ulong
        localMemoryBytes = try Self.value(device, CL_DEVICE_LOCAL_MEM_SIZE) as cl_ulong
        maxWorkGroupSize = Int(try Self.value(device, CL_DEVICE_MAX_WORK_GROUP_SIZE) as Int)
    }

    private static func string(_ query: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int) throws -> String {
        var size = 0
        try check(query(0, nil, &size), "clGet*Info")
        var bytes = [CChar](repeating: 0, count: size + 1)
        try check(bytes.withUnsafeMutableBytes { query(size, $0.baseAddress, nil) }, "clGet*Info")
        return String(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .trimmingCharacters(in: " ")
    }

    private static func value<T>(_ device: cl_device_id, _ parameter: Int32) throws -> T {
        let result = UnsafeMutablePointer<T>.allocate(capacity: 1)
        defer { result.deallocate() }
        try check(clGetDeviceInfo(device, cl_device_info(parameter), MemoryLayout<T>.size, result, nil), "clGetDeviceInfo(\(parameter))")
        return result.pointee
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        var s = Substring(self)
        while s.first == character { s.removeFirst() }
        while s.last == character { s.removeLast() }
        return String(s)
    }
}
