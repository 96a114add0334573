import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum HTTPServerError: Error, CustomStringConvertible {
    case badHost(String)
    case socket(String, Int32)

    public var description: String {
        switch self {
        case let .badHost(host): "--host '\(host)' is not an IPv4 address (e.g. 127.0.0.1, or 0.0.0.0 for every interface)"
        case let .socket(what, code): "\(what) failed: \(String(cString: strerror(code)))" + (code == EADDRINUSE ? " (another program uses this port: choose one with --port)" : "")
        }
    }
}

/// A small HTTP/1.1 server on POSIX sockets: one thread per connection up to a cap (beyond
/// it new clients get 503 at once), every request read under a deadline (a slow client
/// gets 408 and loses its thread), one request per connection. The handler may be called
/// from several threads at once; it serialises whatever must be serialised itself.
public final class HTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    public let limits: HTTPLimits
    public let port: UInt16
    private let listener: Int32
    private let handler: Handler
    private let lock = NSLock()
    private var active = 0

    /// Binds and listens; `port` 0 picks a free port (see `port`).
    public init(host: String, port: UInt16, limits: HTTPLimits = HTTPLimits(), handler: @escaping Handler) throws {
        self.limits = limits
        self.handler = handler
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw HTTPServerError.badHost(host) }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError.socket("socket", errno) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0 else { let code = errno; close(fd); throw HTTPServerError.socket("bind to \(host):\(port)", code) }
        guard listen(fd, 128) == 0 else { let code = errno; close(fd); throw HTTPServerError.socket("listen", code) }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        self.port = UInt16(bigEndian: actual.sin_port)
        listener = fd
    }

    deinit { close(listener) }

    /// Accepts connections until `shouldStop` returns true (checked at least every 200 ms),
    /// then waits up to `drainSeconds` for the connections in progress to finish.
    public func run(shouldStop: () -> Bool, drainSeconds: Double = 5) {
        while !shouldStop() {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            var noSignal: Int32 = 1
            setsockopt(client, SOL_SOCKET, SO_KEEPALIVE, &noSignal, socklen_t(MemoryLayout<Int32>.size))
            let admitted = lock.withLock { () -> Bool in
                guard active < limits.maxConnections else { return false }
                active += 1
                return true
            }
            guard admitted else {
                send(client, HTTPResponse.error(503, "server busy: \(limits.maxConnections) connections in progress; try again").bytes, deadline: Date() + 1)
                close(client)
                continue
            }
            let thread = Thread { [self] in
                serve(client)
                close(client)
                lock.withLock { active -= 1 }
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        let deadline = Date() + drainSeconds
        while lock.withLock({ active }) > 0 && Date() < deadline { usleep(20_000) }
    }

    public var activeConnections: Int { lock.withLock { active } }

    private func serve(_ client: Int32) {
        let deadline = Date() + limits.requestSeconds
        var parser = HTTPRequestParser(limits: limits)
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else {
                send(client, HTTPResponse.error(408, "the request did not arrive within \(Int(limits.requestSeconds)) s").bytes, deadline: Date() + 1)
                return
            }
            var poller = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 1) * 1000) + 1)
            if ready < 0 && errno != EINTR { return }
            guard ready > 0 else { continue }
            let count = recv(client, &chunk, chunk.count, 0)
            guard count > 0 else { return }   // closed or reset before a whole request: nobody to answer
            do {
                if let request = try parser.feed(chunk[..<count]) {
                    send(client, handler(request).bytes, deadline: Date() + limits.requestSeconds)
                    return
                }
            } catch {
                send(client, HTTPResponse.error(error.status, error.message).bytes, deadline: Date() + 1)
                return
            }
        }
    }

    /// Writes all of `bytes` unless the client stops reading past `deadline`; never raises SIGPIPE.
    private func send(_ client: Int32, _ bytes: [UInt8], deadline: Date) {
        var offset = 0
        while offset < bytes.count, Date() < deadline {
            var poller = pollfd(fd: client, events: Int16(POLLOUT), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
