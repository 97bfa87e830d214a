import Foundation
public import OdooReplication
public import ServiceLifecycle

/// The replication feed as a service: started with the group; on graceful shutdown (SIGTERM, SIGINT) or
/// cancellation it stops after the transaction group in hand is committed to the store and confirmed to
/// PostgreSQL.
///
/// The feed blocks in libpq on a thread of its own; stopping it waits for that thread, so the wait runs on a
/// thread too, never on Swift's cooperative pool.
public struct ReplicationService: Service {
    let feed: ReplicationFeed

    /// Wraps a feed that has not been started.
    public init(feed: ReplicationFeed) { self.feed = feed }

    public func run() async throws {
        feed.start()
        // Returns at graceful shutdown, throws at cancellation: either way, stop cleanly.
        try? await gracefulShutdown()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let thread = Thread { [feed] in
                feed.stop()
                done.resume()
            }
            thread.name = "stockd-feed-stop"
            thread.start()
        }
    }
}
