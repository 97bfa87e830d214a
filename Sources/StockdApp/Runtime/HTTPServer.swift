public import Hummingbird
public import Logging
public import OdooReplication
public import StockHTTP
public import StockProjection
import StockStorage

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds the HTTP application `stockd serve` runs: the StockHTTP router over the live projection and the feed's
/// status, bound to the configured address.
public enum HTTPServer {
    /// Why the server refuses to start.
    public struct Refusal: Error, CustomStringConvertible {
        /// What is wrong and how to fix it.
        public var description: String
    }

    /// Parses `TOKEN:read,admin` entries (as given to `--token` or `STOCKD_HTTP_TOKENS`, `;`-separated there).
    /// A third part names the token, `TOKEN:read,admin:alice`: the name the admin API's audit log records.
    ///
    /// - Throws: ``Refusal`` for an entry without a token or with an unknown scope.
    public static func tokens(_ entries: [String]) throws -> [String: Set<AccessScope>] {
        var tokens: [String: Set<AccessScope>] = [:]
        for entry in entries where !entry.isEmpty {
            let parts = entry.split(separator: ":", maxSplits: 2).prefix(2)
            guard let token = parts.first, !token.isEmpty else { throw Refusal(description: "a token entry is empty") }
            var scopes: Set<AccessScope> = [.read]
            if parts.count == 2 {
                scopes = []
                for name in parts[1].split(separator: ",") {
                    guard let scope = AccessScope(rawValue: String(name)) else {
                        throw Refusal(description: "unknown token scope '\(name)' (read, admin)")
                    }
                    scopes.insert(scope)
                }
            }
            tokens[String(token)] = scopes
        }
        return tokens
    }

    /// The names given to tokens (`TOKEN:scopes:name`), by token.
    public static func tokenNames(_ entries: [String]) -> [String: String] {
        var names: [String: String] = [:]
        for entry in entries {
            let parts = entry.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            if parts.count == 3, !parts[0].isEmpty, !parts[2].isEmpty { names[String(parts[0])] = String(parts[2]) }
        }
        return names
    }

    /// The request limits of the `http.*` settings (body size, identifiers per request, page sizes).
    public static func limits(_ http: StockdConfiguration.HTTP) -> StockHTTPConfiguration.Limits {
        StockHTTPConfiguration.Limits(
            maxBodyBytes: http.maxBodyBytes,
            maxIdentifiers: http.maxIdentifiers,
            defaultPageSize: http.defaultPageSize,
            maxPageSize: http.maxPageSize
        )
    }

    /// The connection limit and timeouts of the `http.*` settings.
    public static func connections(_ http: StockdConfiguration.HTTP) -> StockHTTPConfiguration.Connections {
        StockHTTPConfiguration.Connections(
            maxConnections: http.maxConnections,
            idleTimeout: .seconds(http.idleTimeoutSeconds),
            requestTimeout: .seconds(http.requestTimeoutSeconds),
            writeTimeout: .seconds(http.writeTimeoutSeconds)
        )
    }

    /// Whether a listen address is a literal loopback address, reachable only from this machine.
    ///
    /// Only literals count: an IPv4 address in 127.0.0.0/8 written as a strict dotted quad (four decimal
    /// numbers from 0 to 255 without leading zeros, as `inet_pton` reads them), or the IPv6 loopback `::1` in
    /// any spelling `inet_pton` accepts. Names do not, `localhost` included: what a name resolves to depends
    /// on `/etc/hosts` and DNS, not on the text checked here (`127.example.com` is a name). Neither do IPv4
    /// spellings that `getaddrinfo` reads differently from how they look (`0127.0.0.1` is octal, 87.0.0.1),
    /// bracketed or zoned IPv6, or IPv4-mapped IPv6.
    public static func isLoopback(_ host: String) -> Bool {
        var ipv4 = in_addr()
        if inet_pton(AF_INET, host, &ipv4) == 1 {
            return UInt32(bigEndian: ipv4.s_addr) >> 24 == 127
        }
        var ipv6 = in6_addr()
        if inet_pton(AF_INET6, host, &ipv6) == 1 {
            return withUnsafeBytes(of: &ipv6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }

    /// The application, ready to `run()`, with the configured request limits, connection limit and timeouts.
    ///
    /// - Throws: ``Refusal`` when the address is not a literal loopback address (``isLoopback(_:)``), no token is configured and `insecureNoAuth` is not set.
    public static func application(
        projection: StockProjection,
        feed: ReplicationFeed,
        eventStream: EventStreamHub? = nil,
        configuration: StockdConfiguration,
        tokens: [String: Set<AccessScope>],
        tokenNames: [String: String] = [:],
        insecureNoAuth: Bool,
        metricsHandler: @escaping @Sendable () -> String,
        administration: (any EventAdministration)? = nil,
        logger: Logger
    ) throws -> some ApplicationProtocol {
        if tokens.isEmpty && !insecureNoAuth && !isLoopback(configuration.http.host) {
            throw Refusal(
                description: "refusing to listen on \(configuration.http.host) without a token (it is not a literal loopback "
                    + "address such as 127.0.0.1 or ::1): configure --token TOKEN:read (or STOCKD_HTTP_TOKENS), or pass --insecure-no-auth"
            )
        }
        var http = StockHTTPConfiguration(
            limits: limits(configuration.http),
            tokens: tokens,
            readinessMaxLag: .seconds(configuration.readiness.maxLagSeconds),
            metricsHandler: metricsHandler,
            connections: connections(configuration.http)
        )
        http.instanceName = configuration.instance.name
        http.tokenNames = tokenNames
        http.administration = administration
        http.minLSNMaxWait = .milliseconds(configuration.http.minLSNMaxWaitMilliseconds)
        http.eventStream = eventStream
        http.storeSnapshots = StoreSnapshotExport(store: { feed.store as? LMDBProjectionStore })
        let router = buildRouter(
            projection: projection,
            status: FeedStatusAdapter(feed: feed, maxUnexpectedRows: configuration.readiness.maxUnexpectedRows),
            configuration: http
        )
        return buildApplication(
            router: router,
            address: .hostname(configuration.http.host, port: configuration.http.port),
            configuration: http,
            serverName: "stockd",
            logger: logger
        )
    }
}
