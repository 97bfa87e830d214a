import CoreMetrics
import HTTPTypes
import Hummingbird
import NIOCore
import StockProjection

extension APIProblem.Kind {
    /// 410: the `Last-Event-ID` is older than what the outbox keeps; resynchronise, then follow live.
    static let eventExpired = APIProblem.Kind(status: .gone, slug: "event-expired", title: "Event no longer kept")
    /// 400: a well-formed `Last-Event-ID` that the outbox never held.
    static let unknownEvent = APIProblem.Kind(status: .badRequest, slug: "unknown-event", title: "Unknown event id")
    /// 503: `http.events_stream_max_clients` streams are open, or the server is shutting down.
    static let tooManyStreams = APIProblem.Kind(status: .serviceUnavailable, slug: "too-many-streams", title: "Too many event streams")
    /// 503: this server has no event stream (no outbox).
    static let eventsUnavailable = APIProblem.Kind(status: .serviceUnavailable, slug: "events-unavailable", title: "Event stream unavailable")
}

extension HTTPField.Name {
    /// `Last-Event-ID`: what a reconnecting `EventSource` sends.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    /// `X-Accel-Buffering`: `no` asks nginx-style proxies not to buffer the stream.
    static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
}

/// `GET /v1/events`: stock events as Server-Sent Events, live, filtered, resumable from `Last-Event-ID`.
///
/// Each event is framed `id: <event id>`, `event: <type>`, `data: <the webhook payload's JSON>`. Without
/// `Last-Event-ID` (header, or the `last_event_id` parameter) the stream starts live: the first event is the first
/// one committed after the request. With it, the stream first replays the outbox after that id, then follows live
/// without a gap or a duplicate (see ``EventStreamCursor``). Idle streams get `: keep-alive` comments. A client
/// that does not read as fast as events come is dropped with a final `event: dropped` naming the last id it got;
/// a resumed client whose catch-up retention overtakes (events it still needed were dropped) gets a final
/// `event: dropped` with `reason` `expired`, as its id would now get `410`.
/// The server ends streams on graceful shutdown, and after ``EventStreamHub/Settings/maxDuration`` when one is set.
struct EventStreamController: Sendable {
    /// The hub, or `nil` when the server has no outbox (the route answers 503).
    let hub: EventStreamHub?
    /// Request limits (the most filter values).
    let limits: StockHTTPConfiguration.Limits

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.get("/v1/events", use: events)
        return routes
    }

    /// How long a browser waits before reconnecting (`retry:`), in milliseconds.
    static let reconnectMilliseconds = 2_000

    /// `GET /v1/events`.
    @Sendable func events(_ request: Request, context: StockRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request.uri.query, allowed: EventStreamFilter.parameters.union(["since"]))
        let filter = try EventStreamFilter(query: parameters, maxValues: limits.maxIdentifiers)
        for since in parameters.all("since") where since != "now" {
            throw APIProblem.malformed("since", "only 'now' is accepted (the default); to resume, send Last-Event-ID or last_event_id")
        }
        let resumeText = request.headers[.lastEventID] ?? parameters.all("last_event_id").last
        let resumeKey = try resumeText.map { (text: String) throws(APIProblem) -> OutboxKey in
            // Exactly the form ids are written in (the description of the key it parses to), so one id has one spelling.
            guard let key = OutboxKey(eventID: text), key.description == text else {
                throw APIProblem(
                    kind: .malformedParameter, detail: "Last-Event-ID: '\(text)' is not an event id (evt_<16 hex digits>_<index>)",
                    parameter: "last_event_id")
            }
            return key
        }
        guard let hub else {
            throw APIProblem(kind: .eventsUnavailable, detail: "this server keeps no event outbox", headers: [.retryAfter: "60"])
        }
        if let resumeKey { try Self.checkResumable(resumeKey, outbox: hub.outbox) }
        let headers: HTTPFields = [.contentType: MediaTypes.eventStream, .cacheControl: "no-cache", .accelBuffering: "no"]
        // HEAD: Hummingbird answers it by calling this handler and dropping the body, which would never run to
        // close a subscription; answer the head without one.
        if request.method == .head { return Response(status: .ok, headers: headers) }
        do {
            try hub.admit()
        } catch .full {
            throw APIProblem(
                kind: .tooManyStreams, detail: "\(hub.settings.maxClients) event streams are open (http.events_stream_max_clients)",
                headers: [.retryAfter: "5"])
        } catch {
            throw APIProblem(kind: .tooManyStreams, detail: "the server is shutting down", headers: [.retryAfter: "1"])
        }
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in try await Self.stream(hub: hub, resumeKey: resumeKey, filter: filter, writer: &writer) })
    }

    /// Refuses a `Last-Event-ID` the outbox cannot resume from: `410` when retention dropped it, `400` when it
    /// was never recorded.
    static func checkResumable(_ key: OutboxKey, outbox: any EventOutboxReader) throws {
        let bounds = try outbox.outboxBounds()
        let found = try outbox.contains(key)
        switch EventResumePoint(key: key, found: found, oldest: bounds.oldest, newest: bounds.newest) {
        case .resumable: return
        case .expired(let oldest):
            var problem = APIProblem(
                kind: .eventExpired,
                detail: "event \(key) is older than the events kept (events.outbox_max_count, events.outbox_max_age_seconds); "
                    + "read the figures again, then follow the stream live",
                parameter: "last_event_id")
            if let oldest { problem.extensions.append(("oldest_event_id", .string(oldest.description))) }
            throw problem
        case .unknown:
            throw APIProblem(kind: .unknownEvent, detail: "no event \(key) was recorded", parameter: "last_event_id")
        }
    }

    /// Opens the stream's subscription, then writes the stream until the client goes, is dropped, or the server
    /// ends it; always closes the subscription.
    ///
    /// The subscription is opened here, in the body, before the outbox is read: from then on every commit queues
    /// for this stream, and the outbox holds every earlier one. (Opened in the handler, it would leak whenever
    /// Hummingbird cannot write the head and skips the body.)
    static func stream(hub: EventStreamHub, resumeKey: OutboxKey?, filter: EventStreamFilter, writer: inout any ResponseBodyWriter) async throws {
        let id: Int
        do {
            id = try hub.subscribe(filter: filter, catchingUp: resumeKey != nil)
        } catch {
            // Admitted, but the limit was reached by simultaneous requests in between, or the server is stopping.
            let reason = error == .full ? "too many event streams (http.events_stream_max_clients)" : "the server is shutting down"
            try await writer.write(ByteBuffer(bytes: ServerSentEvent.retry(milliseconds: 5_000) + ServerSentEvent.comment(reason + "; reconnect")))
            try await writer.finish(nil)
            return
        }
        let timer = hub.settings.maxDuration.map { duration in
            Task {
                try await Task.sleep(for: duration)
                hub.end(id)
            }
        }
        defer {
            timer?.cancel()
            hub.unsubscribe(id)
        }
        var cursor = EventStreamCursor(resumeAfter: resumeKey, filter: filter)
        var opening = ServerSentEvent.retry(milliseconds: reconnectMilliseconds)
        opening += ServerSentEvent.comment(resumeKey.map { "resuming after \($0)" } ?? "live")
        try await writer.write(ByteBuffer(bytes: opening))
        if resumeKey != nil {
            let pageSize = hub.settings.catchUpPageSize
            while true {
                let overflows = hub.overflowsWhileCatchingUp(id)
                let after = cursor.position
                let page = try hub.outbox.outboxRecords(after: after, limit: pageSize).map(StreamedEvent.init(record:))
                // Retention may have dropped events this client still needs since the request checked its id
                // (a long catch-up near the oldest kept, under heavy volume): end the stream rather than skip them.
                if let after {
                    let oldest = try hub.outbox.outboxBounds().oldest
                    if EventStreamCursor.retentionPassed(after, oldestKept: oldest) {
                        hub.metrics.expired.increment()
                        try await writer.write(ByteBuffer(bytes: expiredEvent(after: after, lastDelivered: cursor.lastDelivered, oldest: oldest)))
                        try await writer.finish(nil)
                        return
                    }
                }
                try await write(cursor.outboxRead(page), to: &writer, metrics: hub.metrics)
                if page.count < pageSize && hub.goLive(id, ifNoOverflowSince: overflows) { break }
            }
        }
        loop: while true {
            switch await hub.next(id) {
            case .events(let events):
                try await write(cursor.liveReceived(events), to: &writer, metrics: hub.metrics)
            case .keepAlive:
                try await writer.write(ByteBuffer(bytes: ServerSentEvent.comment("keep-alive")))
            case .wait:
                continue
            case .dropped(let reason):
                var json = JSONWriter(capacity: 256)
                json.beginObject()
                json.key("reason")
                json.string("buffer_full")
                json.key("detail")
                json.string(reason)
                json.key("last_event_id")
                json.string(cursor.lastDelivered?.description)
                json.endObject()
                try await writer.write(ByteBuffer(bytes: ServerSentEvent.event(id: nil, type: "dropped", data: json.buffer.readableBytesView)))
                break loop
            case .finished:
                try await writer.write(ByteBuffer(bytes: ServerSentEvent.comment("stream ended by the server; reconnect with Last-Event-ID")))
                break loop
            }
        }
        try await writer.finish(nil)
    }

    /// The final `event: dropped` of a stream that retention overtook: `reason` `expired`, the last id sent (a
    /// resume from it gets `410`), the oldest id kept, and what to do.
    static func expiredEvent(after position: OutboxKey, lastDelivered: OutboxKey?, oldest: OutboxKey?) -> [UInt8] {
        var json = JSONWriter(capacity: 384)
        json.beginObject()
        json.key("reason")
        json.string("expired")
        json.key("detail")
        json.string(
            "events after \(position) were dropped by retention (events.outbox_max_count, events.outbox_max_age_seconds) "
                + "before this stream sent them; read the figures again, then follow the stream live")
        json.key("last_event_id")
        json.string(lastDelivered?.description)
        json.key("oldest_event_id")
        json.string(oldest?.description)
        json.endObject()
        return ServerSentEvent.event(id: nil, type: "dropped", data: json.buffer.readableBytesView)
    }

    private static func write(_ events: [StreamedEvent], to writer: inout any ResponseBodyWriter, metrics: EventStreamMetrics) async throws {
        guard !events.isEmpty else { return }
        // Up to about 64 KiB per write: one flush for a burst, without building one huge buffer for a long catch-up.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(min(65_536, events.count * 512))
        var count = 0
        for event in events {
            ServerSentEvent.append(into: &bytes, id: event.id, type: event.type, data: event.payload)
            count += 1
            if bytes.count >= 65_536 {
                try await writer.write(ByteBuffer(bytes: bytes))
                metrics.events.increment(by: Int64(count))
                bytes.removeAll(keepingCapacity: true)
                count = 0
            }
        }
        if !bytes.isEmpty {
            try await writer.write(ByteBuffer(bytes: bytes))
            metrics.events.increment(by: Int64(count))
        }
    }
}
