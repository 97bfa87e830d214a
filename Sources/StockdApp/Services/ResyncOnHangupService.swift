public import OdooReplication
public import ServiceLifecycle
import UnixSignals

/// SIGHUP asks the feed for a resync (`kill -HUP <pid>`), so a lost slot or a distrusted store can be rebuilt
/// without a restart while the old figures keep serving.
public struct ResyncOnHangupService: Service {
    let feed: ReplicationFeed

    /// Resyncs `feed` on every SIGHUP until the group shuts down.
    public init(feed: ReplicationFeed) { self.feed = feed }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            feed.requestResync()
        }
    }
}
