import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Low-level file access shared by the readers.
///
/// Plain POSIX `open`/`fstat`/`read` rather than `Data(contentsOf:)`: it reads straight
/// into the destination array (no bridging copy), costs four syscalls per file for the
/// 32,298 small JPEGs, and gives an errno that can be turned into a precise reason.
enum FileAccess {
    /// The whole file as bytes.
    static func read(_ path: String) throws(DataError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let code = errno
            if code == ENOENT { throw DataError(.pathNotFound, path: path, reason: "no such file") }
            throw DataError(.unreadableFile, path: path, reason: "cannot open: \(errorText(code))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw DataError(.unreadableFile, path: path, reason: "cannot stat: \(errorText(errno))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw DataError(.unreadableFile, path: path, reason: "is a directory, expected a file")
        }
        // Regular files are read in one call of their known size; anything else (a pipe,
        // /dev/stdin) reports size 0 and is read in blocks until end of file.
        let regular = (info.st_mode & S_IFMT) == S_IFREG
        var bytes: [UInt8] = []
        let block = regular ? Int(info.st_size) : 1 << 16
        while block > 0 {
            let old = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: block))
            var got = 0
            var failure: Int32 = 0
            bytes.withUnsafeMutableBytes { buffer in
                while got < block {
                    let n = posixRead(fd, buffer.baseAddress! + old + got, block - got)
                    if n < 0 {
                        if errno == EINTR { continue }
                        failure = errno
                        return
                    }
                    if n == 0 { return }
                    got += n
                }
            }
            if failure != 0 { throw DataError(.unreadableFile, path: path, reason: "read failed: \(errorText(failure))") }
            bytes.removeLast(block - got)
            // A short read means end of file; a regular file is done after its size.
            if got < block || regular { break }
        }
        return bytes
    }

    /// Runs `body` over the file's bytes mapped read-only into memory.
    ///
    /// For the 290 MB Kaggle CSV this avoids what `read` costs: zero-filling a fresh
    /// buffer (the kernel clears every new page) and copying the page cache into it,
    /// which together took longer than parsing. Falls back to `read` where mapping is
    /// not possible (pipes, special files).
    static func withMappedBytes<R>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) throws(DataError) -> R) throws(DataError) -> R {
        let fd = open(path, O_RDONLY)
        var info = stat()
        if fd >= 0 && fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0 {
            let size = Int(info.st_size)
            #if os(Linux)
            let flags = MAP_PRIVATE | MAP_POPULATE
            #else
            let flags = MAP_PRIVATE
            #endif
            let mapped = mmap(nil, size, PROT_READ, flags, fd, 0)
            close(fd)
            if let mapped, mapped != MAP_FAILED {
                defer { munmap(mapped, size) }
                return try body(UnsafeBufferPointer(start: mapped.assumingMemoryBound(to: UInt8.self), count: size))
            }
        } else if fd >= 0 {
            close(fd)
        }
        let bytes = try read(path)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(DataError) -> R in try body(buffer) }
    }

    /// Writes `bytes` to `path`, replacing it.
    static func write(_ bytes: [UInt8], to path: String) throws(DataError) {
        try withOutputFile(path) { (file: UnsafeMutablePointer<FILE>) throws(DataError) in
            try writeAll(bytes[...], to: file, path: path)
        }
    }

    /// Opens `path` for writing, runs `body`, and closes it, reporting close errors (which
    /// is where a full disk surfaces for buffered output).
    static func withOutputFile(_ path: String, _ body: (UnsafeMutablePointer<FILE>) throws(DataError) -> Void) throws(DataError) {
        guard let file = fopen(path, "wb") else {
            throw DataError(.writeFailed, path: path, reason: "cannot create: \(errorText(errno))")
        }
        do {
            try body(file)
        } catch {
            fclose(file)
            throw error
        }
        if fclose(file) != 0 {
            throw DataError(.writeFailed, path: path, reason: "close failed: \(errorText(errno))")
        }
    }

    static func writeAll(_ bytes: ArraySlice<UInt8>, to file: UnsafeMutablePointer<FILE>, path: String) throws(DataError) {
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        if written != bytes.count {
            throw DataError(.writeFailed, path: path, reason: "write failed: \(errorText(errno))")
        }
    }

    enum Kind { case missing, file, directory }

    static func kind(of path: String) -> Kind {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return .missing }
        return isDirectory.boolValue ? .directory : .file
    }

    /// Visible entries of a directory, sorted by name so that load order (and so every
    /// shuffled epoch derived from it) is the same on every machine and file system, whatever
    /// order the directory lists them in. Swift's `String` order is Unicode scalar order of
    /// the canonical form, i.e. plain byte order for ASCII names like FER-2013's.
    static func entries(of directory: String) throws(DataError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw DataError(.unreadableFile, path: directory, reason: "cannot list directory")
        }
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    private static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

@inline(__always)
private func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
