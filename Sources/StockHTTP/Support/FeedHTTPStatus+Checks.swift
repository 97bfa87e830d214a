import HTTPTypes

extension FeedHTTPStatus {
    /// Refuses data requests while the store loads.
    ///
    /// - Throws: 503 with `Retry-After` while ``isLoaded`` is `false`.
    func requireLoaded(retryAfterSeconds: Int) throws(APIProblem) {
        guard !isLoaded else { return }
        throw APIProblem(
            kind: .storeLoading,
            detail: "the store is loading (feed phase: \(phase)); retry shortly",
            headers: [.retryAfter: String(retryAfterSeconds)]
        )
    }

    /// Why the server is not ready for traffic; empty when it is.
    ///
    /// Not ready while the store is not loaded, while ``notReadyReason`` is set, and while the lag exceeds
    /// `maxLag`. An unknown lag does not count against readiness.
    func notReadyReasons(maxLag: Duration) -> [String] {
        var reasons: [String] = []
        if !isLoaded { reasons.append("the store is not loaded yet (feed phase: \(phase))") }
        if let notReadyReason { reasons.append(notReadyReason) }
        if let lag = lagMilliseconds {
            let (seconds, attoseconds) = maxLag.components
            let maxMilliseconds = seconds * 1_000 + attoseconds / 1_000_000_000_000_000
            if lag > maxMilliseconds { reasons.append("replication lag \(lag) ms exceeds the bound of \(maxMilliseconds) ms") }
        }
        return reasons
    }
}
