/// A ``FeedStatusProvider`` that always reports the same status: for serving a store without a live
/// feed (a generated or restored store) and for tests.
public struct FixedFeedStatus: FeedStatusProvider {
    /// The status reported.
    public var httpStatus: FeedHTTPStatus

    /// Creates a provider reporting `status`.
    ///
    /// - Parameter status: The status to report; by default a loaded store with no lag.
    public init(_ status: FeedHTTPStatus = FeedHTTPStatus(phase: "static", isLoaded: true, lagMilliseconds: 0)) {
        self.httpStatus = status
    }
}
