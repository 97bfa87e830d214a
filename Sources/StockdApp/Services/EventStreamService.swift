import ServiceLifecycle
import StockHTTP

/// Runs the event stream hub's keep-alive timer, and on graceful shutdown ends every open `GET /v1/events`
/// stream, so the HTTP server's own shutdown (which waits for responses in progress) is not held by them.
///
/// It must come after the HTTP server in the service group: the group shuts services down in reverse order,
/// so this one ends the streams first.
struct EventStreamService: Service {
    let hub: EventStreamHub

    func run() async throws {
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown { await hub.runKeepAlive() }
        } onGracefulShutdown: {
            hub.shutdown()
        }
        hub.shutdown()
    }
}
