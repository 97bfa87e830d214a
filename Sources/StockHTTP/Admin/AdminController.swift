import HTTPTypes
import Hummingbird

/// The admin API, `/v1/admin/...`: rules, webhook subscriptions, dead letters, redelivery, replay and the audit
/// logs. Every route needs a token with the `admin` scope (the router puts ``BearerAuthMiddleware`` in front);
/// the operations are the ``EventAdministration``'s.
struct AdminController: Sendable {
    /// The operations.
    let administration: any EventAdministration
    /// The tokens, for the name of the one that asks.
    let tokens: TokenTable
    /// The largest body accepted.
    let maxBodyBytes: Int

    /// The most entries a page of the audit log or of dead letters holds.
    static let maxPage = 1_000

    /// The controller's routes.
    var endpoints: RouteCollection<StockRequestContext> {
        let routes = RouteCollection(context: StockRequestContext.self)
        routes.get("/v1/admin/rules") { request, _ in try await run(request, allowed: []) { _ in .listRules } }
        routes.post("/v1/admin/rules") { request, _ in
            try await run(request, allowed: []) { _ in .createRule(body: try await body(request)) }
        }
        routes.get("/v1/admin/rules/{id}") { request, context in
            try await run(request, allowed: []) { _ in .rule(id: try id(context)) }
        }
        routes.put("/v1/admin/rules/{id}") { request, context in
            try await run(request, allowed: []) { _ in .replaceRule(id: try id(context), body: try await body(request)) }
        }
        routes.delete("/v1/admin/rules/{id}") { request, context in
            try await run(request, allowed: []) { _ in .deleteRule(id: try id(context)) }
        }
        routes.get("/v1/admin/subscriptions") { request, _ in try await run(request, allowed: []) { _ in .listSubscriptions } }
        routes.post("/v1/admin/subscriptions") { request, _ in
            try await run(request, allowed: []) { _ in .createSubscription(body: try await body(request)) }
        }
        routes.get("/v1/admin/subscriptions/{id}") { request, context in
            try await run(request, allowed: []) { _ in .subscription(id: try id(context)) }
        }
        routes.put("/v1/admin/subscriptions/{id}") { request, context in
            try await run(request, allowed: []) { _ in .replaceSubscription(id: try id(context), body: try await body(request)) }
        }
        routes.delete("/v1/admin/subscriptions/{id}") { request, context in
            try await run(request, allowed: []) { _ in .deleteSubscription(id: try id(context)) }
        }
        routes.post("/v1/admin/subscriptions/{id}/pause") { request, context in
            try await run(request, allowed: []) { _ in .pause(id: try id(context)) }
        }
        routes.post("/v1/admin/subscriptions/{id}/resume") { request, context in
            try await run(request, allowed: []) { _ in .resume(id: try id(context)) }
        }
        routes.get("/v1/admin/subscriptions/{id}/dead-letters") { request, context in
            try await run(request, allowed: ["limit", "after"]) { query in
                .deadLetters(id: try id(context), limit: try limit(query), after: try nonEmpty(query, "after"))
            }
        }
        routes.post("/v1/admin/subscriptions/{id}/dead-letters/redeliver") { request, context in
            try await run(request, allowed: ["event_id"]) { query in
                .redeliver(id: try id(context), eventID: try nonEmpty(query, "event_id"))
            }
        }
        routes.post("/v1/admin/subscriptions/{id}/replay") { request, context in
            try await run(request, allowed: ["from_event_id", "from_time"]) { query in
                let event = try nonEmpty(query, "from_event_id")
                let time = try nonEmpty(query, "from_time")
                guard (event == nil) != (time == nil) else {
                    throw APIProblem(
                        kind: .missingParameter, detail: "give exactly one of from_event_id and from_time", parameter: "from_event_id")
                }
                return .replay(id: try id(context), fromEventID: event, fromTime: time)
            }
        }
        routes.get("/v1/admin/audit") { request, _ in
            try await run(request, allowed: ["kind", "subscription", "limit", "before"]) { query in
                guard let text = try query.single("kind") else {
                    throw APIProblem(kind: .missingParameter, detail: "kind is required: rule, subscription or delivery", parameter: "kind")
                }
                guard let kind = AuditKind(rawValue: text) else { throw APIProblem.malformed("kind", "must be rule, subscription or delivery") }
                let subscription = try nonEmpty(query, "subscription")
                if subscription != nil && kind != .delivery {
                    throw APIProblem.malformed("subscription", "only the delivery audit is kept per subscription")
                }
                return .audit(kind: kind, subscription: subscription, limit: try limit(query), before: try nonEmpty(query, "before"))
            }
        }
        return routes
    }

    /// Parses the query, builds the operation, performs it and answers.
    private func run(
        _ request: Request, allowed: Set<String>, _ operation: (QueryParameters) async throws -> AdminOperation
    ) async throws -> Response {
        let query = try QueryParameters(request.uri.query, allowed: allowed)
        let built = try await operation(query)
        do {
            let answer = try await administration.perform(built, actor: actor(request))
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: [.contentType: MediaTypes.json],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        } catch let failure as AdminFailure {
            throw APIProblem(kind: Self.kind(failure.reason), detail: failure.detail)
        }
    }

    /// The name of the token that asks (the router lets only known tokens through).
    private func actor(_ request: Request) -> String {
        guard let header = request.headers[.authorization], header.utf8.count > 7 else { return "anonymous" }
        return tokens.name(for: header.dropFirst(7).trimmingWhitespace()) ?? "anonymous"
    }

    private func id(_ context: StockRequestContext) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty, id.utf8.count <= 128 else {
            throw APIProblem.malformed("id", "must be 1 to 128 characters")
        }
        return id
    }

    private func nonEmpty(_ query: QueryParameters, _ name: String) throws -> String? {
        guard let value = try query.single(name) else { return nil }
        guard !value.isEmpty else { throw APIProblem.malformed(name, "must not be empty") }
        return value
    }

    private func limit(_ query: QueryParameters) throws -> Int {
        guard let text = try query.single("limit") else { return 100 }
        guard let value = Int(text), (1...Self.maxPage).contains(value) else {
            throw APIProblem.malformed("limit", "must be a whole number from 1 to \(Self.maxPage)")
        }
        return value
    }

    /// The body: JSON, within the size limit, an object.
    private func body(_ request: Request) async throws -> [UInt8] {
        if let contentType = request.headers[.contentType], !JSONBody.isJSON(contentType) {
            throw APIProblem(kind: .unsupportedMediaType, detail: "the body must be sent as Content-Type: application/json, not '\(contentType)'")
        }
        var bytes: [UInt8] = []
        for try await chunk in request.body {
            guard bytes.count + chunk.readableBytes <= maxBodyBytes else {
                throw APIProblem(kind: .bodyTooLarge, detail: "the body is larger than \(maxBodyBytes) bytes")
            }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        guard !bytes.isEmpty else { throw APIProblem(kind: .malformedBody, detail: "the body is empty; send a JSON object") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw APIProblem(kind: .malformedBody, detail: "the body is not valid JSON: \(error.message) at byte \(error.offset)")
        }
        guard case .object = value else { throw APIProblem(kind: .malformedBody, detail: "the body must be a JSON object") }
        return bytes
    }

    private static func kind(_ reason: AdminFailure.Reason) -> APIProblem.Kind {
        switch reason {
        case .notFound: .notFound
        case .conflict: .conflict
        case .invalid: .invalidDefinition
        case .gone: .replayExpired
        case .malformed: .malformedParameter
        }
    }
}

extension APIProblem.Kind {
    /// 409: the change conflicts with what exists.
    static let conflict = APIProblem.Kind(status: .conflict, slug: "conflict", title: "Conflict")
    /// 422: a rule or subscription that is not valid.
    static let invalidDefinition = APIProblem.Kind(status: .unprocessableContent, slug: "invalid-definition", title: "Invalid definition")
    /// 410: a replay from before the outbox's retention.
    static let replayExpired = APIProblem.Kind(status: .gone, slug: "replay-expired", title: "Older than the outbox keeps")
}
