public import CoreMetrics
public import StockProjection
import Synchronization

/// The live side of `GET /v1/events`: the replication feed's store writer publishes each group of outbox
/// records here right after its LMDB commit, and the hub hands every record to the streams whose filter it
/// passes, each into that stream's bounded ``EventStreamQueue``.
///
/// Publishing never blocks and never waits for a client: it appends under one lock and wakes the clients'
/// tasks. With no stream open it does nothing at all (not even parse the records). The composition root
/// runs ``runKeepAlive()`` (keep-alive comments on idle streams) and calls ``shutdown()`` on graceful shutdown, so
/// open streams end and do not hold the HTTP server's shutdown.
public final class EventStreamHub: Sendable {
    /// The hub's limits.
    public struct Settings: Hashable, Sendable {
        /// The most live events one client may have waiting (`http.events_stream_buffer`).
        public var bufferCapacity: Int
        /// The most streams open at once (`http.events_stream_max_clients`); more get 503.
        public var maxClients: Int
        /// How often an idle stream gets a `: keep-alive` comment (`http.events_stream_keepalive_seconds`).
        public var keepAliveInterval: Duration
        /// How many outbox records a catch-up reads at a time.
        public var catchUpPageSize: Int
        /// How long one stream may last before the server ends it (the client reconnects with `Last-Event-ID`,
        /// possibly to another instance); `nil`: no limit (`http.events_stream_max_duration_ms`).
        public var maxDuration: Duration?

        /// Creates settings; counts are raised to at least 1.
        public init(
            bufferCapacity: Int = 1_024, maxClients: Int = 256, keepAliveInterval: Duration = .seconds(15), catchUpPageSize: Int = 512,
            maxDuration: Duration? = nil
        ) {
            self.maxDuration = maxDuration
            self.bufferCapacity = max(1, bufferCapacity)
            self.maxClients = max(1, maxClients)
            self.keepAliveInterval = max(.milliseconds(10), keepAliveInterval)
            self.catchUpPageSize = max(1, catchUpPageSize)
        }
    }

    /// One open stream, as the hub holds it.
    private struct Client {
        var filter: EventStreamFilter
        var queue: EventStreamQueue
        var waiter: CheckedContinuation<Void, Never>?
    }

    private struct State {
        var clients: [Int: Client] = [:]
        var nextID = 0
        var shutDown = false
        var buffered = 0
    }

    /// The hub's limits.
    public let settings: Settings
    /// The outbox the streams catch up from.
    let outbox: any EventOutboxReader
    let metrics: EventStreamMetrics
    private let state = Mutex(State())

    /// Creates a hub.
    ///
    /// - Parameters:
    ///   - outbox: The store's outbox.
    ///   - settings: Limits.
    ///   - metricsFactory: Where its metrics go; `nil` for the bootstrapped `MetricsSystem` factory.
    public init(outbox: any EventOutboxReader, settings: Settings = Settings(), metricsFactory: (any MetricsFactory)? = nil) {
        self.outbox = outbox
        self.settings = settings
        metrics = EventStreamMetrics(factory: metricsFactory)
    }

    /// Hands committed outbox records to the open streams; call it after the store commit that wrote them, in
    /// commit order.
    public func publish(_ records: [OutboxRecord]) {
        guard !records.isEmpty, state.withLock({ !$0.clients.isEmpty }) else { return }
        let events = records.map(StreamedEvent.init(record:))
        var wake: [CheckedContinuation<Void, Never>] = []
        var dropped = 0
        let buffered = state.withLock { state in
            for id in state.clients.keys {
                let before = state.clients[id]!.queue.pending.count
                var touched = false
                for event in events where state.clients[id]!.filter.matches(event) {
                    switch state.clients[id]!.queue.offer(event) {
                    case .queued, .discardedWhileCatchingUp: touched = true
                    case .dropped:
                        touched = true
                        dropped += 1
                    case .ignored: break
                    }
                }
                guard touched else { continue }
                state.buffered += state.clients[id]!.queue.pending.count - before
                if let waiter = state.clients[id]!.waiter {
                    wake.append(waiter)
                    state.clients[id]!.waiter = nil
                }
            }
            return state.buffered
        }
        if dropped > 0 { metrics.dropped.increment(by: Int64(dropped)) }
        metrics.buffered.record(buffered)
        for waiter in wake { waiter.resume() }
    }

    /// Marks a keep-alive as due on every stream and wakes the idle ones.
    public func keepAlive() {
        let wake = state.withLock { state in
            var wake: [CheckedContinuation<Void, Never>] = []
            for id in state.clients.keys {
                state.clients[id]!.queue.keepAlive()
                if let waiter = state.clients[id]!.waiter {
                    wake.append(waiter)
                    state.clients[id]!.waiter = nil
                }
            }
            return wake
        }
        for waiter in wake { waiter.resume() }
    }

    /// Sends keep-alives every ``Settings/keepAliveInterval`` until the task is cancelled.
    public func runKeepAlive() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: settings.keepAliveInterval) } catch { return }
            keepAlive()
        }
    }

    /// Ends every open stream and refuses new ones (graceful shutdown).
    public func shutdown() {
        let wake = state.withLock { state in
            state.shutDown = true
            var wake: [CheckedContinuation<Void, Never>] = []
            for id in state.clients.keys {
                state.buffered -= state.clients[id]!.queue.pending.count
                state.clients[id]!.queue.finish()
                if let waiter = state.clients[id]!.waiter {
                    wake.append(waiter)
                    state.clients[id]!.waiter = nil
                }
            }
            return wake
        }
        for waiter in wake { waiter.resume() }
    }

    /// Ends one stream (its maximum duration passed): it writes a last comment and closes.
    func end(_ id: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.clients[id] != nil else { return nil }
            state.buffered -= state.clients[id]!.queue.pending.count
            state.clients[id]!.queue.finish()
            let waiter = state.clients[id]!.waiter
            state.clients[id]!.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Streams open now.
    public var clientCount: Int { state.withLock { $0.clients.count } }

    /// Why a subscription was refused.
    enum Refusal: Error, Equatable {
        /// ``Settings/maxClients`` streams are open.
        case full
        /// The server is shutting down.
        case shuttingDown
    }

    /// Checks, without opening a stream, that one could be opened now (the route answers 503 otherwise).
    ///
    /// The stream itself is opened by the response body (``subscribe(filter:catchingUp:)``), which is the only
    /// code sure to run its close: Hummingbird skips the body of a response whose head it cannot write.
    func admit() throws(Refusal) {
        let refusal: Refusal? = state.withLock { state in
            if state.shutDown { return .shuttingDown }
            return state.clients.count < settings.maxClients ? nil : .full
        }
        guard let refusal else { return }
        if refusal == .full { metrics.rejected.increment() }
        throw refusal
    }

    /// Opens a stream: from now on, published events passing `filter` queue for it.
    ///
    /// - Parameters:
    ///   - filter: The stream's filter.
    ///   - catchingUp: Whether it first reads the outbox (it resumes from an id).
    /// - Returns: The stream's id.
    func subscribe(filter: EventStreamFilter, catchingUp: Bool) throws(Refusal) -> Int {
        let result: Result<Int, Refusal> = state.withLock { state in
            if state.shutDown { return .failure(.shuttingDown) }
            guard state.clients.count < settings.maxClients else { return .failure(.full) }
            let id = state.nextID
            state.nextID += 1
            state.clients[id] = Client(filter: filter, queue: EventStreamQueue(capacity: settings.bufferCapacity, catchingUp: catchingUp))
            return .success(id)
        }
        switch result {
        case .success(let id):
            metrics.clients.record(clientCount)
            return id
        case .failure(let refusal):
            if refusal == .full { metrics.rejected.increment() }
            throw refusal
        }
    }

    /// Closes a stream and releases its buffer.
    func unsubscribe(_ id: Int) {
        let (count, buffered, waiter) = state.withLock { state in
            let client = state.clients.removeValue(forKey: id)
            state.buffered -= client?.queue.pending.count ?? 0
            return (state.clients.count, state.buffered, client?.waiter)
        }
        waiter?.resume()
        metrics.clients.record(count)
        metrics.buffered.record(buffered)
    }

    /// How many times the stream's buffer overflowed while it caught up (see ``EventStreamQueue``).
    func overflowsWhileCatchingUp(_ id: Int) -> Int {
        state.withLock { $0.clients[id]?.queue.overflowsWhileCatchingUp ?? 0 }
    }

    /// Ends the stream's catch-up unless its buffer overflowed since `overflows`.
    func goLive(_ id: Int, ifNoOverflowSince overflows: Int) -> Bool {
        state.withLock { $0.clients[id]?.queue.goLive(ifNoOverflowSince: overflows) ?? true }
    }

    /// Waits until the stream has something to do, and takes it.
    func next(_ id: Int) async -> EventStreamQueue.Take {
        while true {
            let take = take(id)
            guard take == .wait else { return take }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state -> Bool in
                        guard state.clients[id] != nil, !Task.isCancelled else { return true }
                        // Something may have arrived since the take: do not sleep on it.
                        if !state.clients[id]!.queue.isIdle { return true }
                        state.clients[id]!.waiter = continuation
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            } onCancel: {
                let waiter = state.withLock { state in
                    state.clients[id]?.queue.finish()
                    let waiter = state.clients[id]?.waiter
                    state.clients[id]?.waiter = nil
                    return waiter
                }
                waiter?.resume()
            }
        }
    }

    private func take(_ id: Int) -> EventStreamQueue.Take {
        let (take, buffered) = state.withLock { state -> (EventStreamQueue.Take, Int) in
            guard state.clients[id] != nil else { return (.finished, state.buffered) }
            let before = state.clients[id]!.queue.pending.count
            let take = state.clients[id]!.queue.take()
            state.buffered -= before - state.clients[id]!.queue.pending.count
            return (take, state.buffered)
        }
        if case .events = take { metrics.buffered.record(buffered) }
        return take
    }
}
