import CoreMetrics
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTPTypes

/// Enforces the request deadline and the write deadline on one HTTP/1 connection, and counts the connections
/// Hummingbird closes for being idle.
///
/// It sits in the connection's pipeline after the HTTP codec and before Hummingbird's own connection-state
/// handler (which owns the idle timeout), so it sees whole request parts coming in and response parts going
/// out; it runs on the connection's event loop only, like every channel handler.
///
/// - **Request deadline.** From a request head's arrival (or, for a pipelined request, from the end of the
///   response before it) until its response head is written. If it passes, the handler answers
///   `503 request-timeout` (problem+json, `Connection: close`) itself, drops whatever the application writes
///   for that connection afterwards, and closes it. The handler's task is not interrupted; what it writes
///   later goes nowhere.
/// - **Write deadline.** While the channel is not writable (the client stopped reading and NIO's outbound
///   buffer is above its high-water mark), a timer runs; if the channel stays unwritable until it fires, the
///   connection is closed. A streamed response's pending write then fails, its body closure ends and the
///   snapshot it held is released.
/// - **Idle accounting.** Hummingbird closes an idle connection with a full close from behind this handler;
///   such a close with no response being written, the request (if any) still being read, no graceful-shutdown
///   quiesce and no end of input, at least `idleTimeout` after the last request part or response end (less a
///   small tolerance, see `idleClockSkew`), can only be its idle timer, and is counted as `idle_timeout`.
final class ConnectionDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: StockHTTPConfiguration.Connections
    private let metrics: ConnectionMetrics
    private let logger: Logger

    /// Request heads received whose response head has not been written.
    private var requestsAwaitingResponse = 0
    /// Whether a request's head has arrived and its end not yet.
    private var readingRequest = false
    /// Whether a response head has been written and its end not yet.
    private var writingResponse = false
    /// When the last request part arrived or the last response ended (or the connection started).
    private var lastActivity = NIODeadline.now()
    /// Set once this handler answered 503 itself: the application's writes are dropped from then on.
    private var answeredTimeout = false
    /// Set on a graceful-shutdown quiesce or the end of the client's input: closes from then on are not idle ones.
    private var closingForOtherReasons = false
    private var requestTimer: Scheduled<Void>?
    /// How much later than Hummingbird's this handler may note a response's end (it sees outbound parts after
    /// Hummingbird's connection-state handler does): microseconds in practice. Closes that are not idle ones
    /// happen right after activity, far from the idle timeout, so the tolerance cannot misattribute them.
    private static let idleClockSkew = TimeAmount.milliseconds(50)
    private var writeTimer: Scheduled<Void>?

    /// Creates the handler for one connection.
    init(limits: StockHTTPConfiguration.Connections, metrics: ConnectionMetrics, logger: Logger) {
        self.limits = limits
        self.metrics = metrics
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        lastActivity = .now()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimers()
        context.fireChannelInactive()
    }

    // MARK: Requests in

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answeredTimeout else { return }
        lastActivity = .now()
        switch unwrapInboundIn(data) {
        case .head:
            readingRequest = true
            requestsAwaitingResponse += 1
            // A pipelined head behind a request still waiting keeps that request's deadline running.
            if !writingResponse && requestTimer == nil { startRequestTimer(context) }
        case .body:
            break
        case .end:
            readingRequest = false
        }
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent || (event as? ChannelEvent) == .inputClosed {
            closingForOtherReasons = true
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Responses out

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !answeredTimeout else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.kind != .informational:
            requestsAwaitingResponse = max(0, requestsAwaitingResponse - 1)
            writingResponse = true
            requestTimer?.cancel()
            requestTimer = nil
        case .head, .body:
            break
        case .end:
            writingResponse = false
            lastActivity = .now()
            if requestsAwaitingResponse > 0 { startRequestTimer(context) }
        }
        context.write(data, promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode == .all, !answeredTimeout, !closingForOtherReasons, !writingResponse,
            requestsAwaitingResponse == 0 || readingRequest,
            NIODeadline.now() - lastActivity + Self.idleClockSkew >= TimeAmount(limits.idleTimeout)
        {
            metrics.idleTimeouts.increment()
            logger.debug("closing an idle connection", metadata: ["http.idle_timeout": "\(limits.idleTimeout)"])
        }
        context.close(mode: mode, promise: promise)
    }

    // MARK: Write deadline

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            writeTimer?.cancel()
            writeTimer = nil
        } else if writeTimer == nil {
            writeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.writeTimeout)) {
                self.writeDeadlinePassed(context)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    private func writeDeadlinePassed(_ context: ChannelHandlerContext) {
        writeTimer = nil
        guard context.channel.isActive, !context.channel.isWritable else { return }
        metrics.writeTimeouts.increment()
        logger.info(
            "closing a connection whose client stopped reading",
            metadata: ["http.write_timeout": "\(limits.writeTimeout)", "http.remote": "\(context.remoteAddress?.description ?? "-")"]
        )
        context.close(promise: nil)
    }

    // MARK: Request deadline

    private func startRequestTimer(_ context: ChannelHandlerContext) {
        requestTimer?.cancel()
        requestTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(limits.requestTimeout)) {
            self.requestDeadlinePassed(context)
        }
    }

    private func requestDeadlinePassed(_ context: ChannelHandlerContext) {
        requestTimer = nil
        guard context.channel.isActive, requestsAwaitingResponse > 0, !writingResponse, !answeredTimeout else { return }
        answeredTimeout = true
        metrics.requestTimeouts.increment()
        logger.info(
            "request deadline passed: answered 503 and closed the connection",
            metadata: ["http.request_timeout": "\(limits.requestTimeout)", "http.remote": "\(context.remoteAddress?.description ?? "-")"]
        )
        let problem = APIProblem(
            kind: .requestTimeout,
            detail: "the response did not start within \(limits.requestTimeout) of the request; try again later"
        )
        let body = problem.document
        var headers: HTTPFields = [.contentType: MediaTypes.problemJSON, .connection: "close", .cacheControl: "no-store"]
        headers[.contentLength] = String(body.readableBytes)
        context.write(wrapOutboundOut(.head(HTTPResponse(status: problem.status, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(promise: nil)
    }

    private func cancelTimers() {
        requestTimer?.cancel()
        requestTimer = nil
        writeTimer?.cancel()
        writeTimer = nil
    }
}

@available(*, unavailable)
extension ConnectionDeadlineHandler: Sendable {}
