import CLibPQ

#if canImport(Glibc)
import Glibc
#endif

/// One libpq connection (`PGconn`), closed when the value is released.
///
/// libpq calls block, so a connection is meant to be driven by one dedicated thread, never from Swift's
/// cooperative pool. It is `Sendable` so it can be handed to that thread; it must not be used from two threads
/// at once (libpq connections are not thread-safe for concurrent use).
public final class PostgresConnection: @unchecked Sendable {
    // @unchecked: the PGconn pointer is owned by this object and only touched through its methods; the type's
    // contract (above) confines use to one thread at a time, which is what libpq requires.
    let handle: OpaquePointer

    /// Connects.
    ///
    /// - Parameters:
    ///   - conninfo: A libpq connection string (`host=... dbname=...` or a `postgresql://` URI).
    ///   - replication: Whether to open a logical replication connection (`replication=database`), which
    ///     accepts replication commands such as `IDENTIFY_SYSTEM` and `START_REPLICATION` as well as SQL.
    /// - Throws: ``PostgresError`` with kind `.connection`.
    ///
    /// The corresponding C function is `PQconnectdb`.
    public init(conninfo: String, replication: Bool = false, applicationName: String = "stockd") throws {
        let full = Self.amend(conninfo, replication: replication, applicationName: applicationName)
        guard let connection = PQconnectdb(full) else {
            throw PostgresError(kind: .connection, message: "out of memory creating a libpq connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(kind: .connection, message: message)
        }
        handle = connection
    }

    deinit { PQfinish(handle) }

    /// Adds `replication` and `application_name` to a connection string in either syntax.
    static func amend(_ conninfo: String, replication: Bool, applicationName: String) -> String {
        let isURI = conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://")
        var parts: [(String, String)] = [("application_name", applicationName)]
        if replication { parts.append(("replication", "database")) }
        if isURI {
            let separator = conninfo.contains("?") ? "&" : "?"
            return conninfo + separator + parts.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        }
        return ([conninfo] + parts.map { "\($0.0)='\($0.1)'" }).joined(separator: " ")
    }

    /// Adds connection parameters to a connection string (either syntax) unless it sets them already.
    ///
    /// - Parameters:
    ///   - conninfo: A libpq connection string.
    ///   - defaults: Keyword and value pairs, such as `("connect_timeout", "10")`.
    /// - Returns: The connection string with the missing parameters added; unchanged when libpq cannot parse it
    ///   (connecting then reports the error).
    ///
    /// The corresponding C function is `PQconninfoParse`.
    public static func addingDefaults(_ conninfo: String, _ defaults: [(String, String)]) -> String {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return conninfo
        }
        defer { PQconninfoFree(options) }
        var set: Set<String> = []
        var option = options
        while let keyword = option.pointee.keyword {
            if option.pointee.val != nil { set.insert(String(cString: keyword)) }
            option += 1
        }
        let missing = defaults.filter { !set.contains($0.0) }
        guard !missing.isEmpty else { return conninfo }
        if conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://") {
            let separator = conninfo.contains("?") ? "&" : "?"
            return conninfo + separator + missing.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        }
        return ([conninfo] + missing.map { "\($0.0)='\($0.1)'" }).joined(separator: " ")
    }

    /// The server's version number, e.g. 150020 for 15.20.
    ///
    /// The corresponding C function is `PQserverVersion`.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }

    /// Whether the connection is still usable.
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one or more SQL (or replication) commands with the simple query protocol and returns the last result.
    ///
    /// - Parameter sql: The command text.
    /// - Returns: The rows (for commands that return rows) and the command tag.
    /// - Throws: ``PostgresError`` with the server's message and SQLSTATE.
    ///
    /// The corresponding C function is `PQexec`.
    @discardableResult
    public func execute(_ sql: String) throws -> QueryResult {
        guard let result = PQexec(handle, sql) else { throw connectionError() }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Self.copy(result)
        default:
            throw Self.resultError(result, connection: handle)
        }
    }

    /// Quotes a string as an SQL literal (`'it''s'`), escaping as the server requires.
    ///
    /// The corresponding C function is `PQescapeLiteral`.
    public func literal(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                guard let escaped = PQescapeLiteral(handle, chars.baseAddress, chars.count) else { return "''" }
                defer { PQfreemem(escaped) }
                return String(cString: escaped)
            }
        }
    }

    /// Quotes a string as an SQL identifier (`"stock_quant"`).
    ///
    /// The corresponding C function is `PQescapeIdentifier`.
    public func identifier(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                guard let escaped = PQescapeIdentifier(handle, chars.baseAddress, chars.count) else { return "\"\"" }
                defer { PQfreemem(escaped) }
                return String(cString: escaped)
            }
        }
    }

    func connectionError() -> PostgresError {
        PostgresError(kind: isConnected ? .server : .connection, message: Self.trimmed(PQerrorMessage(handle)))
    }

    static func resultError(_ result: OpaquePointer, connection: OpaquePointer) -> PostgresError {
        let status = PQresultStatus(result)
        if status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR {
            let sqlState = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            return PostgresError(kind: .server, message: trimmed(PQresultErrorMessage(result)), sqlState: sqlState)
        }
        let name = String(cString: PQresStatus(status))
        return PostgresError(kind: .unexpectedResult, message: "unexpected result \(name): \(trimmed(PQerrorMessage(connection)))")
    }

    static func copy(_ result: OpaquePointer) -> QueryResult {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append(
                (0..<columnCount).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                }
            )
        }
        return QueryResult(columns: columns, rows: rows, commandTag: String(cString: PQcmdStatus(result)))
    }

    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        var text = String(cString: message)
        while text.last == "\n" || text.last == " " { text.removeLast() }
        return text.isEmpty ? "unknown libpq error" : text
    }
}
