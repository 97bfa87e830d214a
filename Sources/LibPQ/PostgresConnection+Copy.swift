import CLibPQ

#if canImport(Glibc)
import Glibc
#endif

extension PostgresConnection {
    /// Runs `COPY ... TO STDOUT` and hands each row to `body` as it arrives, never holding the whole table.
    ///
    /// - Parameters:
    ///   - sql: A `COPY (...) TO STDOUT` command (text format).
    ///   - body: Called with each row's bytes (one line of COPY text format, including the trailing newline);
    ///     the bytes are valid only during the call.
    /// - Returns: The number of rows.
    /// - Throws: ``PostgresError``, or what `body` throws (the connection is then unusable).
    ///
    /// The corresponding C functions are `PQexec` and `PQgetCopyData`.
    @discardableResult
    public func copyOut(_ sql: String, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        guard let started = PQexec(handle, sql) else { throw connectionError() }
        let status = PQresultStatus(started)
        guard status == PGRES_COPY_OUT else {
            defer { PQclear(started) }
            throw Self.resultError(started, connection: handle)
        }
        PQclear(started)
        var rows = 0
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                try body(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                rows += 1
            } else if length == -1 {
                break
            } else {
                throw PostgresError(kind: .copy, message: Self.trimmed(PQerrorMessage(handle)))
            }
        }
        // Collect the final command result.
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            if PQresultStatus(result) != PGRES_COMMAND_OK { throw Self.resultError(result, connection: handle) }
        }
        return rows
    }

    /// Starts a command that answers with `COPY BOTH`, such as `START_REPLICATION`.
    ///
    /// - Throws: ``PostgresError`` when the server refuses or answers otherwise.
    public func startCopyBoth(_ command: String) throws {
        guard let result = PQexec(handle, command) else { throw connectionError() }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COPY_BOTH else { throw Self.resultError(result, connection: handle) }
        PQsetnonblocking(handle, 1)
    }

    /// What ``readCopyData(timeoutMilliseconds:_:)`` found.
    public enum CopyRead: Sendable, Equatable {
        /// A message was handed to the body.
        case message
        /// Nothing arrived within the timeout.
        case timedOut
        /// The server ended the copy (for replication: the stream stopped).
        case ended
    }

    /// Waits up to `timeoutMilliseconds` for one CopyData message and hands its bytes to `body`.
    ///
    /// Waits on the connection's socket with `poll`, so the calling thread can also send status updates and
    /// notice a shutdown request between messages.
    ///
    /// - Throws: ``PostgresError`` when the connection fails.
    ///
    /// The corresponding C functions are `PQgetCopyData` (asynchronous mode), `PQconsumeInput` and `poll`.
    public func readCopyData(timeoutMilliseconds: Int32, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> CopyRead {
        var waited = false
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 1)
            if length > 0, let buffer {
                defer { PQfreemem(buffer) }
                try body(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                return .message
            }
            if length == -1 {
                while let result = PQgetResult(handle) {
                    defer { PQclear(result) }
                    let status = PQresultStatus(result)
                    if status != PGRES_COMMAND_OK && status != PGRES_COPY_OUT && status != PGRES_COPY_BOTH {
                        throw Self.resultError(result, connection: handle)
                    }
                }
                return .ended
            }
            if length == -2 { throw PostgresError(kind: .copy, message: Self.trimmed(PQerrorMessage(handle))) }
            if waited { return .timedOut }
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, timeoutMilliseconds)
            if ready < 0 && errno != EINTR {
                throw PostgresError(kind: .connection, message: "poll failed: errno \(errno)")
            }
            if PQconsumeInput(handle) == 0 { throw PostgresError(kind: .connection, message: Self.trimmed(PQerrorMessage(handle))) }
            waited = true
        }
    }

    /// Sends one CopyData message (e.g. a standby status update) and flushes it, waiting at most
    /// `timeoutMilliseconds` for the socket to take it.
    ///
    /// - Throws: ``PostgresError`` when the connection fails, or when the message could not be flushed in time (a
    ///   stalled connection); the connection should then be closed.
    ///
    /// The corresponding C functions are `PQputCopyData` and `PQflush`.
    public func sendCopyData(_ bytes: [UInt8], timeoutMilliseconds: Int = 10_000) throws {
        let sent = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else { throw PostgresError(kind: .copy, message: Self.trimmed(PQerrorMessage(handle))) }
        var flushed = PQflush(handle)
        var waited = 0
        while flushed == 1 {
            guard waited < timeoutMilliseconds else {
                throw PostgresError(kind: .connection, message: "could not send to the server for \(timeoutMilliseconds) ms (stalled connection)")
            }
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLOUT), revents: 0)
            _ = poll(&descriptor, 1, 100)
            waited += 100
            flushed = PQflush(handle)
        }
        guard flushed == 0 else { throw PostgresError(kind: .copy, message: Self.trimmed(PQerrorMessage(handle))) }
    }
}
