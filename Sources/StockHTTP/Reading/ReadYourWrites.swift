import CoreMetrics
import HTTPTypes
import StockProjection

/// Read-your-writes across instances: a read carrying `min_lsn` waits, up to a bound, until this instance has
/// applied every source transaction committed before that position, then reads; past the bound it is answered
/// 503 `lsn-not-reached` with `Retry-After` and the lag.
///
/// The position reached is the larger of the served snapshot's checkpoint and the feed's ``FeedHTTPStatus/consistentLSN``
/// (the server's WAL end the feed confirmed with nothing left to apply: an idle source moves it on although no
/// transaction of the published tables commits). The wait never blocks a thread: it sleeps in short steps.
struct ReadYourWrites: Sendable {
    /// The query parameter.
    static let parameter = "min_lsn"
    /// The counter's label, with dimension `outcome`: `reached` (at once), `waited`, `timeout`, `invalid`.
    static let counterLabel = "stockd_http_min_lsn_reads_total"
    /// How long one step of the wait sleeps.
    static let step = Duration.milliseconds(5)

    /// The longest wait.
    let maxWait: Duration
    private let reached: Counter
    private let waited: Counter
    private let timedOut: Counter
    private let invalid: Counter

    /// Creates the gate.
    ///
    /// - Parameters:
    ///   - maxWait: The longest a read waits for its position.
    ///   - factory: Where the counter goes; `nil` for the bootstrapped `MetricsSystem` factory.
    init(maxWait: Duration, factory: (any MetricsFactory)?) {
        self.maxWait = maxWait
        let factory = factory ?? MetricsSystem.factory
        func counter(_ outcome: String) -> Counter {
            Counter(label: Self.counterLabel, dimensions: [("outcome", outcome)], factory: factory)
        }
        reached = counter("reached")
        waited = counter("waited")
        timedOut = counter("timeout")
        invalid = counter("invalid")
    }

    /// Parses PostgreSQL's text form of an LSN, `X/Y` (each part 1 to 8 hexadecimal digits), as `pg_current_wal_lsn()`
    /// and `as_of.lsn` print it.
    static func parse(_ text: String) -> UInt64? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let high = hex(parts[0]), let low = hex(parts[1]) else { return nil }
        return high << 32 | low
    }

    private static func hex(_ part: Substring) -> UInt64? {
        let isHexDigit: (UInt8) -> Bool = { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
        guard (1...8).contains(part.utf8.count), part.utf8.allSatisfy(isHexDigit) else { return nil }
        return UInt64(part, radix: 16)
    }

    /// The position this instance has reached: every source transaction committed before it is applied.
    static func position(projection: StockProjection, status: some FeedStatusProvider) -> UInt64 {
        // The status first: its consistent position was published after the projection had applied it, so the
        // snapshot taken next holds it.
        let consistent = status.httpStatus.consistentLSN ?? 0
        return max(projection.snapshot().checkpoint?.position ?? 0, consistent)
    }

    /// Waits until the instance reaches the `min_lsn` of a request, if it gives one.
    ///
    /// - Throws: 400 for a `min_lsn` that is not an LSN or given twice; 503 `lsn-not-reached` (with `Retry-After`,
    ///   the position reached and the lag) when the bound passes first.
    func wait(for parameters: QueryParameters, projection: StockProjection, status: some FeedStatusProvider) async throws(APIProblem) {
        guard let text = try parameters.single(Self.parameter) else { return }
        guard let target = Self.parse(text) else {
            invalid.increment()
            throw APIProblem.malformed(Self.parameter, "not an LSN: give it as PostgreSQL prints one, such as 16/B374D848")
        }
        if Self.position(projection: projection, status: status) >= target {
            reached.increment()
            return
        }
        let clock = ContinuousClock()
        let deadline = clock.now + maxWait
        while clock.now < deadline {
            do {
                try await Task.sleep(for: Self.step)
            } catch {
                break
            }
            if Self.position(projection: projection, status: status) >= target {
                waited.increment()
                return
            }
        }
        timedOut.increment()
        let feed = status.httpStatus
        let current = Self.position(projection: projection, status: status)
        let lagSeconds = Int(((feed.lagMilliseconds ?? 0) + 999) / 1_000)
        var problem = APIProblem(
            kind: .lsnNotReached,
            detail: "this instance has reached \(Checkpoint(position: current)), not \(text), within \(maxWait); "
                + "its lag is \(feed.lagMilliseconds.map { "\($0) ms" } ?? "unknown") and \(feed.lagBytes) bytes: retry, or read another instance",
            parameter: Self.parameter,
            headers: [.retryAfter: String(max(1, min(lagSeconds, 60)))]
        )
        problem.extensions = [
            ("lsn", .string(Checkpoint(position: current).description)),
            ("lag_bytes", .integer(Int64(clamping: feed.lagBytes))),
        ]
        if let lag = feed.lagMilliseconds { problem.extensions.append(("lag_ms", .integer(lag))) }
        throw problem
    }
}

extension ReadYourWrites {
    /// The parameters of the routes that take `min_lsn`, built once: a set built per request allocates.
    static let availabilityParameters = AvailabilityQuery.parameterNames.union([parameter])
    /// `GET /v1/changes`'s parameters and `min_lsn`.
    static let changeFeedParameters = ChangeFeedQuery.parameterNames.union([parameter])
    /// `GET /v1/locations/{location}/stock`'s parameters and `min_lsn`.
    static let locationStockParameters = PageRequest.parameterNames.union([parameter])
    /// `POST /v1/availability/query`: only `min_lsn` in the query string.
    static let queryStringOnly: Set<String> = [parameter]
}
