/// A ``FeedStatusProvider`` that always reports the same status: for serving a store without a live
/// feed (a generated or restored store) and for tests.
public struct FixedFeedStatus: FeedStatusProvider {
    /// The status reported.
    public var httpStatus: FeedHTTPStatus
    /// The details reported by `/v1/status`.
    public var statusDetails: FeedStatusDetails

    /// Creates a provider reporting `status`.
    ///
    /// - Parameters:
    ///   - status: The status to report; by default a loaded store with no lag.
    ///   - details: The details to report; by default nothing known.
    public init(
        _ status: FeedHTTPStatus = FeedHTTPStatus(phase: "static", isLoaded: true, lagMilliseconds: 0),
        details: FeedStatusDetails = FeedStatusDetails()
    ) {
        self.httpStatus = status
        self.statusDetails = details
    }
}
