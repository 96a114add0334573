import OpenCLBackend

/// `fer-cl --version`: the version, the commit it was built from, and the OpenCL drivers this
/// machine offers (the first thing to ask for in a bug report).
enum VersionReport {
    static func text() -> String {
        var lines = ["fer-cl \(Provenance.version) (commit \(BuildInfo.commit))"]
        do {
            let devices = try DeviceInfo.all()
            if devices.isEmpty {
                lines.append("OpenCL: no devices (install a GPU driver's OpenCL ICD, or pocl-opencl-icd for the CPU); --device reference still works")
            }
            for device in devices {
                lines.append("OpenCL device \(device.index): \(device.name) (\(device.type)), \(device.platformName) \(device.platformVersion), driver \(device.driverVersion)")
            }
        } catch {
            lines.append("OpenCL: unavailable (\(error)); --device reference still works")
        }
        return lines.joined(separator: "\n")
    }
}
