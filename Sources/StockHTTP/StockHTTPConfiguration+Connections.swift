extension StockHTTPConfiguration {
    /// Limits on connections, enforced below the router by the server ``buildApplication(router:address:configuration:serverName:logger:)``
    /// builds, so that slow or stalled clients cannot hold the server's resources.
    ///
    /// - `maxConnections`: at most this many connections are served at once; further connections wait in the
    ///   kernel's listen queue (backlog 256; beyond it the kernel refuses them) until one closes. The server
    ///   accepts up to four queued connections per wake-up before it checks the count again, so a burst of
    ///   simultaneous connects can exceed the limit by up to three for as long as those connections last.
    /// - `idleTimeout`: a connection that completes no request part for this long while no response is being
    ///   written is closed: a half-sent request head (slowloris), a stalled request body, or a kept-alive
    ///   connection left unused (Hummingbird's HTTP/1 `idleTimeout`).
    /// - `requestTimeout`: a request whose response has not started this long after its head arrived
    ///   (body upload included) is answered `503 request-timeout` and its connection closed.
    /// - `writeTimeout`: a connection that cannot take more output for this long (the client stopped reading
    ///   and every buffer on the way is full) is closed; a streamed response then ends and releases its
    ///   snapshot.
    public struct Connections: Hashable, Sendable {
        /// The most connections served at once.
        public var maxConnections: Int
        /// How long a connection may go without completing a request part while no response is being written.
        public var idleTimeout: Duration
        /// How long a request may wait for its response to start.
        public var requestTimeout: Duration
        /// How long a connection may refuse more output before it is closed.
        public var writeTimeout: Duration

        /// Creates connection limits; the count is raised to at least 1 and each duration to at least 1 ms.
        ///
        /// - Parameters:
        ///   - maxConnections: The most connections served at once, default 512.
        ///   - idleTimeout: Idle (and request-head) timeout, default 30 s.
        ///   - requestTimeout: Request deadline, default 15 s.
        ///   - writeTimeout: Write deadline, default 30 s.
        public init(
            maxConnections: Int = 512,
            idleTimeout: Duration = .seconds(30),
            requestTimeout: Duration = .seconds(15),
            writeTimeout: Duration = .seconds(30)
        ) {
            self.maxConnections = max(1, maxConnections)
            self.idleTimeout = max(.milliseconds(1), idleTimeout)
            self.requestTimeout = max(.milliseconds(1), requestTimeout)
            self.writeTimeout = max(.milliseconds(1), writeTimeout)
        }
    }
}
