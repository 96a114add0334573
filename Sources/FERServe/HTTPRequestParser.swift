import Foundation

/// Limits that keep one client from holding the server's memory or a thread for long.
public struct HTTPLimits: Sendable {
    public var maxHeaderBytes = 16 * 1024
    public var maxBodyBytes = 12 * 1024 * 1024
    /// The whole request (headers and body) must arrive within this time.
    public var requestSeconds = 10.0
    public var maxConnections = 32

    public init() {}
}

/// Parses one request from bytes as they arrive: `feed` returns the request once its headers
/// and Content-Length bytes of body are in, nil while more is needed, and throws on anything
/// malformed or over the limits (with the status code to answer).
public struct HTTPRequestParser {
    let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var head: (method: String, target: String, version: String, headers: [(name: String, value: String)], bodyLength: Int, bodyStart: Int)?

    public init(limits: HTTPLimits) { self.limits = limits }

    public mutating func feed(_ bytes: ArraySlice<UInt8>) throws(HTTPRequestError) -> HTTPRequest? {
        buffer.append(contentsOf: bytes)
        if head == nil {
            guard let end = Self.headerEnd(buffer) else {
                if buffer.count > limits.maxHeaderBytes { throw HTTPRequestError(status: 431, message: "request headers exceed \(limits.maxHeaderBytes) bytes") }
                return nil
            }
            if end > limits.maxHeaderBytes { throw HTTPRequestError(status: 431, message: "request headers exceed \(limits.maxHeaderBytes) bytes") }
            head = try parseHead(Array(buffer[..<end]), bodyStart: end + 4)
        }
        let h = head!
        guard buffer.count - h.bodyStart >= h.bodyLength else { return nil }
        return HTTPRequest(method: h.method, target: h.target, version: h.version, headers: h.headers,
                           body: Array(buffer[h.bodyStart..<(h.bodyStart + h.bodyLength)]))
    }

    static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 { return i }
        return nil
    }

    private func parseHead(_ bytes: [UInt8], bodyStart: Int) throws(HTTPRequestError) -> (String, String, String, [(name: String, value: String)], Int, Int) {
        // Header bytes are ASCII by the RFC; anything else (or a NUL) is refused rather than guessed at.
        guard bytes.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 < 127) || $0 == 13 || $0 == 10 }) else {
            throw HTTPRequestError(status: 400, message: "request head is not printable ASCII")
        }
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isUppercase }), parts[1].hasPrefix("/") else {
            throw HTTPRequestError(status: 400, message: "malformed request line")
        }
        let version = String(parts[2])
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw HTTPRequestError(status: version.hasPrefix("HTTP/") ? 505 : 400, message: "unsupported protocol '\(version)'")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(" "), !line.hasPrefix("\t") else {
                throw HTTPRequestError(status: 400, message: "malformed header line")
            }
            headers.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        if headers.contains(where: { $0.name == "transfer-encoding" }) {
            throw HTTPRequestError(status: 501, message: "chunked or other transfer encodings are not supported; send Content-Length")
        }
        let lengths = headers.filter { $0.name == "content-length" }.map(\.value)
        var length = 0
        if let text = lengths.first {
            guard lengths.allSatisfy({ $0 == text }), text.count <= 12, text.allSatisfy(\.isASCII), text.allSatisfy(\.isNumber), let value = Int(text) else {
                throw HTTPRequestError(status: 400, message: "invalid Content-Length")
            }
            length = value
        } else if parts[0] == "POST" || parts[0] == "PUT" {
            throw HTTPRequestError(status: 411, message: "a body needs Content-Length")
        }
        if length > limits.maxBodyBytes { throw HTTPRequestError(status: 413, message: "body of \(length) bytes exceeds \(limits.maxBodyBytes)") }
        return (String(parts[0]), String(parts[1]), version, headers, length, bodyStart)
    }
}
