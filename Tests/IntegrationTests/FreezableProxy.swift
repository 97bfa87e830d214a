import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on loopback that the test controls: it forwards bytes both ways until ``freeze()``, after which
/// every connection open at that moment goes silent (nothing forwarded, no FIN, no RST), as a dead network path
/// or a hung middlebox looks to both ends. Connections opened after a freeze are forwarded normally.
final class FreezableProxy: Sendable {
    /// The port the proxy listens on (127.0.0.1).
    let port: UInt16
    private let upstreamPort: UInt16
    private let listener: Int32
    /// Connections with a number at or below this are frozen.
    private let frozenThrough = Atomic<Int>(0)
    private let nextConnection = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)
    /// Connections accepted so far.
    var connections: Int { nextConnection.load(ordering: .acquiring) }

    init(upstreamPort: UInt16) throws {
        self.upstreamPort = upstreamPort
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 64) == 0 else {
            Glibc.close(descriptor)
            throw ShellCommand.Failure(description: "proxy cannot listen: errno \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        listener = descriptor
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    /// Freezes every connection open now.
    func freeze() { frozenThrough.store(nextConnection.load(ordering: .acquiring), ordering: .releasing) }

    /// Stops accepting and closes every connection (with FIN).
    func close() {
        closed.store(true, ordering: .releasing)
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
    }

    deinit { if !closed.load(ordering: .acquiring) { close() } }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while !closed.load(ordering: .acquiring) {
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                if closed.load(ordering: .acquiring) { return }
                continue
            }
            let number = nextConnection.add(1, ordering: .acquiringAndReleasing).newValue
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard connected == 0 else {
                Glibc.close(client)
                Glibc.close(upstream)
                continue
            }
            let thread = Thread { [self] in pump(number: number, client: client, upstream: upstream) }
            thread.start()
        }
    }

    /// Forwards both ways with `poll`; once frozen, holds both sockets open and silent until the proxy closes.
    private func pump(number: Int, client: Int32, upstream: Int32) {
        defer {
            Glibc.close(client)
            Glibc.close(upstream)
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !closed.load(ordering: .acquiring) {
            if number <= frozenThrough.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: 0.05)
                continue
            }
            var descriptors = [pollfd(fd: client, events: Int16(POLLIN), revents: 0), pollfd(fd: upstream, events: Int16(POLLIN), revents: 0)]
            guard poll(&descriptors, 2, 50) >= 0 else { return }
            if number <= frozenThrough.load(ordering: .acquiring) { continue }
            for (index, descriptor) in descriptors.enumerated() where descriptor.revents != 0 {
                let from = index == 0 ? client : upstream
                let to = index == 0 ? upstream : client
                let count = read(from, &buffer, buffer.count)
                if count <= 0 { return }
                var written = 0
                while written < count {
                    let result = buffer.withUnsafeBytes { write(to, $0.baseAddress! + written, count - written) }
                    if result <= 0 { return }
                    written += result
                }
            }
        }
    }
}
