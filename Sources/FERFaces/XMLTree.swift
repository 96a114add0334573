import Foundation

/// The small XML subset OpenCV's FileStorage writes: elements, attributes, text, comments
/// and the `<?xml ...?>` declaration. No namespaces, DTDs or entities beyond the five named
/// ones; that is all a cascade file uses, and a few dozen lines here spare a dependency.
struct XMLElement {
    var name: String
    var attributes: [String: String] = [:]
    var children: [XMLElement] = []
    var text = ""
    /// 1-based line of the opening tag, for error messages.
    var line: Int

    func child(_ name: String) -> XMLElement? { children.first { $0.name == name } }
}

struct XMLSyntaxError: Error {
    let line: Int
    let reason: String
}

/// Parses `bytes` into its root element.
func parseXML(_ bytes: [UInt8]) throws(XMLSyntaxError) -> XMLElement {
    var parser = XMLParser(bytes: bytes)
    return try parser.document()
}

private struct XMLParser {
    let bytes: [UInt8]
    var index = 0
    var line = 1

    init(bytes: [UInt8]) { self.bytes = bytes }

    mutating func document() throws(XMLSyntaxError) -> XMLElement {
        var root: XMLElement?
        while true {
            skipWhitespace()
            guard index < bytes.count else { break }
            guard bytes[index] == UInt8(ascii: "<") else { throw fail("text outside the root element") }
            if try skipMarkup() { continue }
            guard root == nil else { throw fail("a second root element") }
            root = try element()
        }
        guard let root else { throw fail("no root element (empty or not XML)") }
        return root
    }

    /// Skips a declaration, comment or DOCTYPE at `<`; false when `<` opens an element.
    mutating func skipMarkup() throws(XMLSyntaxError) -> Bool {
        if starts(with: "<?") { try skip(past: "?>"); return true }
        if starts(with: "<!--") { try skip(past: "-->"); return true }
        if starts(with: "<!") { try skip(past: ">"); return true }
        return false
    }

    mutating func element() throws(XMLSyntaxError) -> XMLElement {
        let startLine = line
        index += 1  // "<"
        var node = XMLElement(name: name(), line: startLine)
        guard !node.name.isEmpty else { throw fail("a tag without a name") }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw fail("the file ends inside the tag <\(node.name)>") }
            if starts(with: "/>") { index += 2; return node }
            if bytes[index] == UInt8(ascii: ">") { index += 1; break }
            let key = name()
            guard !key.isEmpty else { throw fail("unexpected character in the tag <\(node.name)>") }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw fail("attribute \(key) without a value") }
            index += 1
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw fail("attribute \(key) value not quoted")
            }
            let quote = bytes[index]
            index += 1
            let start = index
            while index < bytes.count, bytes[index] != quote { advance() }
            guard index < bytes.count else { throw fail("the file ends inside an attribute of <\(node.name)>") }
            node.attributes[key] = unescape(bytes[start..<index])
            index += 1
        }
        var text: [UInt8] = []
        while true {
            guard index < bytes.count else { throw fail("the file ends before </\(node.name)> (opened on line \(startLine))") }
            if bytes[index] != UInt8(ascii: "<") { text.append(bytes[index]); advance(); continue }
            if starts(with: "</") {
                index += 2
                let closing = name()
                skipWhitespace()
                guard closing == node.name, index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                    throw fail("</\(closing)> closes <\(node.name)> (opened on line \(startLine))")
                }
                index += 1
                node.text = unescape(text[...])
                return node
            }
            if try skipMarkup() { continue }
            node.children.append(try element())
        }
    }

    mutating func name() -> String {
        let start = index
        while index < bytes.count, isNameByte(bytes[index]) { index += 1 }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    func isNameByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D || b == 0x2E || b == 0x3A || b >= 0x80
    }

    func starts(with prefix: String) -> Bool {
        let p = Array(prefix.utf8)
        return index + p.count <= bytes.count && Array(bytes[index..<(index + p.count)]) == p
    }

    mutating func skip(past terminator: String) throws(XMLSyntaxError) {
        let startLine = line
        while index < bytes.count {
            if starts(with: terminator) { index += terminator.utf8.count; return }
            advance()
        }
        line = startLine
        throw fail("unterminated markup (no \"\(terminator)\")")
    }

    mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { advance() }
    }

    mutating func advance() {
        if bytes[index] == 0x0A { line += 1 }
        index += 1
    }

    func fail(_ reason: String) -> XMLSyntaxError { XMLSyntaxError(line: line, reason: reason) }

    func unescape(_ raw: ArraySlice<UInt8>) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        guard text.contains("&") else { return text }
        return text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
