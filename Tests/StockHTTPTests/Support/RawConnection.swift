#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP client socket for tests that must misbehave as no HTTP client library would: send half a
/// request head, or stop reading a response.
///
/// A client that stops reading cannot see the server close while it does not read: the server's FIN waits
/// behind the bytes still queued for it. Such tests judge the server by its own metrics, then read.
///
/// Every wait polls without blocking and sleeps between polls (`Task.sleep`), so a test never holds one of
/// the few cooperative threads the server's handlers need, and every wait has a time limit.
final class RawConnection {
    /// Why a socket call failed.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What a wait for the peer saw.
    enum Outcome: Equatable {
        /// The server closed the connection (EOF or reset), after the given time.
        case closed(after: Duration)
        /// The time limit passed with the connection still open.
        case stillOpen
    }

    private let descriptor: Int32
    private(set) var received: [UInt8] = []
    private var isOpen = true

    /// Connects to `127.0.0.1:port`.
    ///
    /// - Parameter receiveBuffer: `SO_RCVBUF` to set before connecting (a small one makes a stalled reader
    ///   stall the server sooner), or `nil` for the system's default.
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        #if canImport(Glibc) || canImport(Musl)
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        if var size = receiveBuffer {
            setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(descriptor)
            throw Failure(description: "connect: errno \(errno)")
        }
        let flags = fcntl(descriptor, F_GETFL, 0)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
    }

    deinit { if isOpen { close(descriptor) } }

    /// Closes the socket.
    func shutdown() {
        if isOpen {
            close(descriptor)
            isOpen = false
        }
    }

    /// Sends text (the socket's buffer takes a request whole).
    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == bytes.count else { throw Failure(description: "send: \(sent) of \(bytes.count) bytes, errno \(errno)") }
    }

    /// Reads whatever is available now into ``received``; returns false once the peer has closed.
    private func drain(limit: Int = .max) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        var total = 0
        while total < limit {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, min($0.count, limit - total), 0) }
            if count > 0 {
                received += buffer[0..<count]
                total += count
                continue
            }
            if count == 0 { return false }
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
        }
        return true
    }

    /// Reads what has arrived (keeping it) and says whether the server has closed the connection.
    func hasBeenClosed() -> Bool { !drain() }

    /// Waits, reading and keeping whatever arrives, until the server closes the connection or `limit` passes.
    func waitForClose(within limit: Duration) async throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < limit {
            if !drain() { return .closed(after: clock.now - start) }
            try await Task.sleep(for: .milliseconds(10))
        }
        return .stillOpen
    }

    /// Waits until one whole HTTP/1.1 response (head, and a body of `Content-Length` bytes) has arrived.
    ///
    /// - Returns: The status code and the body text, or `nil` when `limit` passed or the server closed first.
    func readResponse(within limit: Duration) async throws -> (status: Int, headers: String, body: String)? {
        let clock = ContinuousClock()
        let start = clock.now
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while clock.now - start < limit {
            let open = drain()
            if let end = firstIndex(of: separator) {
                let head = String(decoding: received[0..<end], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: " ")) } ?? 0
                let bodyStart = end + separator.count
                if received.count - bodyStart >= length {
                    let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
                    let body = String(decoding: received[bodyStart..<(bodyStart + length)], as: UTF8.self)
                    received.removeFirst(bodyStart + length)
                    return (status, head, body)
                }
            }
            if !open { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    private func firstIndex(of pattern: [UInt8]) -> Int? {
        guard received.count >= pattern.count else { return nil }
        for index in 0...(received.count - pattern.count) where received[index..<(index + pattern.count)].elementsEqual(pattern) {
            return index
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var text = self
        while text.first == set { text = text.dropFirst() }
        while text.last == set { text = text.dropLast() }
        return text
    }
}
