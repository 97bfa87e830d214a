import ArgumentParser
import Foundation
import StockdApp

/// `stockd serve`: load the store, follow Odoo's database and answer HTTP until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the store, take the initial snapshot if it is empty, follow Odoo's database, and serve the HTTP API."
    )

    @OptionGroup var options: CommonOptions

    @Option(
        name: .customLong("token"),
        help:
            "A bearer token and its scopes, TOKEN:read or TOKEN:read,admin, optionally named for the admin audit log, TOKEN:admin:alice (repeatable; also STOCKD_HTTP_TOKENS, ';'-separated)."
    )
    var tokens: [String] = []

    @Flag(name: .customLong("insecure-no-auth"), help: "Allow listening on a non-loopback address without any token.")
    var insecureNoAuth = false

    @Option(name: .customLong("max-body-bytes"), help: "The largest request body in bytes (http.max_body_bytes).")
    var maxBodyBytes: Int?

    @Option(name: .customLong("max-identifiers"), help: "The most identifiers per availability request (http.max_identifiers).")
    var maxIdentifiers: Int?

    @Option(name: .customLong("default-page-size"), help: "The page size without `limit` (http.default_page_size).")
    var defaultPageSize: Int?

    @Option(name: .customLong("max-page-size"), help: "The largest `limit` (http.max_page_size).")
    var maxPageSize: Int?

    @Option(name: .customLong("max-connections"), help: "The most connections served at once (http.max_connections).")
    var maxConnections: Int?

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may go without completing a request part (http.idle_timeout_seconds).")
    var idleTimeout: Int?

    @Option(name: .customLong("request-timeout"), help: "Seconds a request may wait for its response to start (http.request_timeout_seconds).")
    var requestTimeout: Int?

    @Option(
        name: .customLong("write-timeout"), help: "Seconds a client may take no output before its connection is closed (http.write_timeout_seconds).")
    var writeTimeout: Int?

    @Option(name: .customLong("status-every"), help: "Log the feed's status every N seconds (0: never).")
    var statusEvery: Double = 10

    func run() async throws {
        try await reportingFailures {
            let configuration = try await options.load { overrides in
                overrides.maxBodyBytes = maxBodyBytes
                overrides.maxIdentifiers = maxIdentifiers
                overrides.defaultPageSize = defaultPageSize
                overrides.maxPageSize = maxPageSize
                overrides.maxConnections = maxConnections
                overrides.idleTimeoutSeconds = idleTimeout
                overrides.requestTimeoutSeconds = requestTimeout
                overrides.writeTimeoutSeconds = writeTimeout
            }
            let environmentTokens = ProcessInfo.processInfo.environment["STOCKD_HTTP_TOKENS"].map { $0.split(separator: ";").map(String.init) } ?? []
            let server = StockdServer(
                configuration: configuration,
                tokens: try HTTPServer.tokens(tokens + environmentTokens),
                tokenNames: HTTPServer.tokenNames(tokens + environmentTokens),
                insecureNoAuth: insecureNoAuth,
                statusLogInterval: .milliseconds(Int(max(0, statusEvery) * 1_000)),
                logger: options.logger(configuration)
            )
            try await server.run()
        }
    }
}
