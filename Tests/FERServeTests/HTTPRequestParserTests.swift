import FERServe
import Testing

struct HTTPRequestParserTests {
    static func parse(_ text: String, limits: HTTPLimits = HTTPLimits(), in pieces: Int = 1) throws(HTTPRequestError) -> HTTPRequest? {
        var parser = HTTPRequestParser(limits: limits)
        let bytes = Array(text.utf8)
        let size = max(1, (bytes.count + pieces - 1) / pieces)
        var result: HTTPRequest?
        for start in stride(from: 0, to: bytes.count, by: size) {
            result = try parser.feed(bytes[start..<min(start + size, bytes.count)])
            if result != nil { break }
        }
        return result
    }

    static func status(_ text: String, limits: HTTPLimits = HTTPLimits()) -> Int? {
        do { _ = try parse(text, limits: limits); return nil } catch { return error.status }
    }

    @Test func aPostArrivingByteByByte() throws {
        let request = try #require(try Self.parse("POST /predict?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: image/jpeg\r\nContent-Length: 5\r\n\r\nhello", in: 90))
        #expect(request.method == "POST" && request.path == "/predict" && request.header("content-type") == "image/jpeg")
        #expect(request.body == Array("hello".utf8))
    }

    @Test func incompleteRequestsWaitForMore() throws {
        #expect(try Self.parse("GET / HTTP/1.1\r\nHost: a\r\n") == nil)
        #expect(try Self.parse("POST /predict HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc") == nil)
    }

    @Test func malformedAndOversizedRequestsGetTheirStatus() {
        #expect(Self.status("GARBAGE\r\n\r\n") == 400)
        #expect(Self.status("GET nopath HTTP/1.1\r\n\r\n") == 400)
        #expect(Self.status("get / HTTP/1.1\r\n\r\n") == 400)
        #expect(Self.status("GET / HTTP/2.0\r\n\r\n") == 505)
        #expect(Self.status("GET / HTTP/1.1\r\nNoColon\r\n\r\n") == 400)
        #expect(Self.status("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n") == 400)
        #expect(Self.status("GET / HTTP/1.1\r\nX: \u{1}\r\n\r\n") == 400)
        #expect(Self.status("POST /predict HTTP/1.1\r\n\r\n") == 411)
        #expect(Self.status("POST /predict HTTP/1.1\r\nContent-Length: -1\r\n\r\n") == 400)
        #expect(Self.status("POST /predict HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n") == 400)
        #expect(Self.status("POST /predict HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab") == 400)
        #expect(Self.status("POST /predict HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == 501)
        var small = HTTPLimits()
        small.maxBodyBytes = 100
        small.maxHeaderBytes = 64
        #expect(Self.status("POST /predict HTTP/1.1\r\nContent-Length: 101\r\n\r\n", limits: small) == 413)
        #expect(Self.status("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 100), limits: small) == 431)
    }
}
