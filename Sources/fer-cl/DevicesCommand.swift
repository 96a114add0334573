import Foundation
import OpenCLBackend

struct DevicesCommand: Command {
    static let name = "devices"
    static let summary = "List the OpenCL devices fer-cl can use."
    static let usage = "[--json]"
    static let options: [OptionSpec] = [.flag("json", "Write the list as JSON to standard output.")]
    static let discussion = "`--device reference` (the pure-Swift backend) is always available besides these."

    let json: Bool

    init(_ arguments: ParsedArguments) throws { json = arguments.flag("json") }

    struct Entry: Encodable {
        let index: Int
        let platform: String
        let platformVersion: String
        let device: String
        let type: String
        let computeUnits: Int
        let globalMemoryBytes: UInt64
        let maxWorkGroupSize: Int
        let openCLCVersion: String
        let driverVersion: String
    }

    func run() throws -> Int32 {
        let devices = try DeviceInfo.all()
        let entries = devices.map {
            Entry(index: $0.index, platform: $0.platformName, platformVersion: $0.platformVersion, device: $0.name, type: $0.type,
                  computeUnits: $0.computeUnits, globalMemoryBytes: $0.globalMemoryBytes, maxWorkGroupSize: $0.maxWorkGroupSize,
                  openCLCVersion: $0.openCLCVersion, driverVersion: $0.driverVersion)
        }
        if json {
            try printJSON(["devices": entries])
            return 0
        }
        let rows = entries.map { e in
            [String(e.index), e.platform, e.device, e.type, String(e.computeUnits),
             String(format: "%.1f GiB", Double(e.globalMemoryBytes) / 1_073_741_824), String(e.maxWorkGroupSize), e.openCLCVersion]
        }
        print(table(header: ["#", "platform", "device", "type", "CUs", "memory", "max WG", "OpenCL C"], rows: rows))
        print("\nAlso available: --device reference (pure-Swift backend, slow; for checks and tiny runs).")
        return 0
    }
}
