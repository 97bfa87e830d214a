public import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore

/// The HTTP application `stockd serve` runs: the router behind an HTTP/1 server that enforces the
/// configuration's ``StockHTTPConfiguration/Connections`` (connection limit, idle timeout, request and write
/// deadlines).
///
/// ```swift
/// let router = buildRouter(projection: projection, status: feedStatus, configuration: configuration)
/// let app = buildApplication(router: router, address: .hostname("127.0.0.1", port: 8080), configuration: configuration, logger: logger)
/// try await app.runService()
/// ```
///
/// - Parameters:
///   - router: The API's router (``buildRouter(projection:status:configuration:)``).
///   - address: Where to listen.
///   - configuration: Its ``StockHTTPConfiguration/connections`` and ``StockHTTPConfiguration/metricsFactory`` are used here.
///   - serverName: The `Server` header, or `nil` for none.
///   - logger: The server's logger (connection limit and timeouts are logged at info or debug).
///   - onServerRunning: Called once the server listens, with the port it bound (useful with port 0).
/// - Returns: An application ready to `run()`.
public func buildApplication(
    router: Router<StockRequestContext>,
    address: BindAddress,
    configuration: StockHTTPConfiguration,
    serverName: String? = "stockd",
    logger: Logger,
    onServerRunning: @escaping @Sendable (_ port: Int?) async -> Void = { _ in }
) -> Application<RouterResponder<StockRequestContext>> {
    let connections = configuration.connections
    let metrics = ConnectionMetrics(factory: configuration.metricsFactory)
    let http1 = HTTP1Channel.Configuration(
        additionalChannelHandlers: [ConnectionDeadlineHandler(limits: connections, metrics: metrics, logger: logger)],
        idleTimeout: TimeAmount(connections.idleTimeout)
    )
    return Application(
        router: router,
        server: .http1(configuration: http1),
        configuration: ApplicationConfiguration(
            address: address,
            serverName: serverName,
            availableConnectionsDelegate: ConnectionLimiter(maxConnections: connections.maxConnections, metrics: metrics, logger: logger)
        ),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger
    )
}
