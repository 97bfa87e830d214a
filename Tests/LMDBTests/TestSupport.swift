import Dispatch
import Foundation
import LMDB
import TestSupport
import Testing

/// Opens an environment in a fresh temporary directory and runs `body` with it.
func withTemporaryEnvironment<R>(
    mapSize: Int = 16 << 20,
    flags: LMDBEnvironment.Flags = [],
    _ body: (LMDBEnvironment) throws -> R
) throws -> R {
    try withTemporaryDirectory(prefix: "LMDBTests") { path in
        let environment = try LMDBEnvironment(path: path + "/env", maxDatabases: 8, mapSize: mapSize, flags: flags)
        return try body(environment)
    }
}

/// Runs `body` on a new `Thread` (not the cooperative pool) and returns at once.
func startThread(_ body: @escaping @Sendable () -> Void) {
    Thread(block: body).start()
}

/// Starts one `Thread` per body and blocks until all of them have returned.
///
/// Real threads, not the cooperative pool, because the bodies block (on LMDB's locks and on I/O).
func runOnThreads(_ bodies: [@Sendable () -> Void]) {
    let finished = DispatchSemaphore(value: 0)
    for body in bodies {
        let thread = Thread {
            body()
            finished.signal()
        }
        thread.start()
    }
    for _ in bodies {
        finished.wait()
    }
}

/// The UTF-8 bytes of `text`.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

extension UInt32 {
    /// The four bytes of the value, most significant first, so byte order equals numeric order.
    var bigEndianBytes: [UInt8] {
        withUnsafeBytes(of: bigEndian) { Array($0) }
    }

    /// Reads a big-endian `UInt32` from exactly four bytes.
    init(bigEndianBytes buffer: UnsafeRawBufferPointer) {
        precondition(buffer.count == 4)
        self = buffer.reduce(0) { $0 << 8 | UInt32($1) }
    }
}

extension UInt64 {
    /// The eight bytes of the value, most significant first.
    var bigEndianBytes: [UInt8] {
        withUnsafeBytes(of: bigEndian) { Array($0) }
    }

    /// Reads a big-endian `UInt64` from exactly eight bytes.
    init(bigEndianBytes buffer: [UInt8]) {
        precondition(buffer.count == 8)
        self = buffer.reduce(0) { $0 << 8 | UInt64($1) }
    }
}

/// A value shared between test threads, guarded by a lock.
///
/// A class so that escaping `@Sendable` closures can capture it. It uses `NSLock` (a pthread
/// mutex) rather than `Mutex` so that ThreadSanitizer understands the locking.
final class SharedValue<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: Value

    init(_ value: Value) {
        storage = value
    }

    var value: Value {
        lock.withLock { storage }
    }

    func update(_ body: (inout Value) -> Void) {
        lock.withLock { body(&storage) }
    }
}
