// swift-tools-version:6.0
import PackageDescription

// No package dependencies: OpenCL and the image codecs come from Debian packages through
// system library targets; everything else is plain Swift.
let package = Package(
    name: "fer-cl",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "fer-cl", targets: ["fer-cl"]),
    ],
    targets: [
        .systemLibrary(
            name: "COpenCL",
            path: "Sources/COpenCL",
            providers: [.apt(["ocl-icd-opencl-dev", "opencl-headers"])]
        ),
        .systemLibrary(
            name: "CImageCodecs",
            path: "Sources/CImageCodecs",
            providers: [.apt(["libjpeg62-turbo-dev", "libpng-dev"])]
        ),
        .target(name: "FERCore"),
        .target(name: "FERData", dependencies: ["FERCore", "CImageCodecs"]),
        .target(name: "ReferenceBackend", dependencies: ["FERCore"]),
        .executableTarget(name: "EmbedKernelsTool", path: "Sources/EmbedKernelsTool"),
        .plugin(
            name: "EmbedKernels",
            capability: .buildTool(),
            dependencies: ["EmbedKernelsTool"]
        ),
        .target(
            name: "OpenCLBackend",
            dependencies: ["FERCore", "COpenCL"],
            plugins: ["EmbedKernels"]
        ),
        .target(name: "FERModel", dependencies: ["FERCore"]),
        .target(name: "FERTrain", dependencies: ["FERCore", "FERModel", "FERData"]),
        // Learning curves, the HTML report and its gallery (fer-cl plot, report, end of train).
        .target(name: "FERReport", dependencies: ["FERCore", "FERData", "FERTrain"]),
        // The HTTP/1.1 server of `fer-cl serve`, on POSIX sockets.
        .target(name: "FERServe"),
        // Face detection with OpenCV's Haar cascades, and detect-crop-classify (predict, serve).
        .target(name: "FERFaces", dependencies: ["FERCore", "FERData", "FERModel", "FERTrain"]),
        .target(name: "Verification", dependencies: ["FERCore", "FERModel", "ReferenceBackend", "OpenCLBackend"]),
        .executableTarget(
            name: "fer-cl",
            dependencies: ["FERCore", "ReferenceBackend", "OpenCLBackend", "FERModel", "Verification", "FERData", "FERTrain", "FERReport", "FERServe", "FERFaces"],
            // The CLI is single-threaded top-level code that touches C's stdout; Swift 5 mode
            // spares it actor annotations that would say nothing.
            swiftSettings: [.swiftLanguageMode(.v5)]
        ),
        .testTarget(name: "FERTrainTests", dependencies: ["FERCore", "FERModel", "FERData", "FERTrain", "ReferenceBackend"]),
        // Runs the built fer-cl binary (Scripts/test builds it first).
        .testTarget(name: "CLITests", dependencies: ["FERCore", "FERData", "FERTrain"]),
        .testTarget(name: "FERReportTests", dependencies: ["FERData", "FERTrain", "FERReport"]),
        .testTarget(name: "FERServeTests", dependencies: ["FERServe"]),
        .testTarget(name: "FERDataTests", dependencies: ["FERCore", "FERData"]),
        .testTarget(name: "ReferenceBackendTests", dependencies: ["FERCore", "ReferenceBackend"]),
        .testTarget(name: "OpenCLBackendTests", dependencies: ["FERCore", "ReferenceBackend", "OpenCLBackend", "Verification"]),
        .testTarget(name: "FERFacesTests", dependencies: ["FERCore", "FERData", "FERFaces", "ReferenceBackend", "OpenCLBackend"]),
        .testTarget(name: "FERModelTests", dependencies: ["FERCore", "FERModel", "ReferenceBackend", "Verification"]),
    ]
)
