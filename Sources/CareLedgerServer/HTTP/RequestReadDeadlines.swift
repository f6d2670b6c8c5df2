import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client sends a request too slowly (slowloris; RELIABILITY.md,
/// "HTTP abuse").
///
/// Hummingbird's idle timeout only sees whole HTTP parts. A body trickled a few bytes at a
/// time is a stream of parts, each of which restarts it, so a slow body holds a connection
/// (and a file descriptor) for as long as the client likes; a slow head is only cut when the
/// idle timeout runs out. This handler, placed after the HTTP decoder, adds two deadlines:
///
/// - head: a complete request head must arrive within `headTimeout` of the connection being
///   accepted or, on a kept-alive connection, of the first byte of the next request. The
///   quiet wait between kept-alive requests is left to the idle timeout, so clients may pause
///   longer than the head deadline between requests. On expiry a partly sent head is answered
///   with 408 (no response is in progress then), a connection that sent nothing is closed.
/// - body: the whole body must arrive within `bodyTimeout` of its head (of the responses
///   before it, when pipelined); on expiry the connection is closed without an answer (a
///   response may already be on its way).
///
/// Bytes are seen by `ByteWatcher`, which it puts in front of the decoder.
final class RequestReadDeadlines: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let headTimeout: TimeAmount
    private let bodyTimeout: TimeAmount
    private var context: ChannelHandlerContext?
    /// Heads read whose response has not been written to its end.
    private var requestsInFlight = 0
    /// Between a head and its end: bytes read now are body, not a next head.
    private var readingBody = false
    /// Bytes arrived since the last head: the pending head is partly sent.
    private var bytesSinceHead = false
    /// The one armed deadline: the head's while waiting for one, else the body's.
    private var deadline: Scheduled<Void>?

    init(headTimeout: TimeAmount, bodyTimeout: TimeAmount) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let watcher = ByteWatcher()
        watcher.owner = self
        // Only fails if the channel is already closed, and then there is nothing to watch.
        try? context.pipeline.syncOperations.addHandler(watcher, position: .first)
        if context.channel.isActive { arm(headTimeout) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(headTimeout)  // the first head is due within the deadline of the accept
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    /// From `ByteWatcher`: raw bytes were read.
    fileprivate func bytesArrived() {
        bytesSinceHead = true
        // The first byte of a kept-alive connection's next request starts its head deadline.
        if requestsInFlight == 0, !readingBody { arm(headTimeout) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            requestsInFlight += 1
            bytesSinceHead = false
            readingBody = true
            disarm()
            // A pipelined request is read (under backpressure) only as fast as the ones before
            // it are answered, so its body deadline starts when it is the only one left.
            if requestsInFlight == 1 { arm(bodyTimeout) }
        case .body:
            break
        case .end:
            readingBody = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // No head deadline is armed here: the wait for the next request is the idle timeout's.
        if case .end = unwrapOutboundIn(data) {
            requestsInFlight = max(0, requestsInFlight - 1)
            if requestsInFlight == 1, readingBody { arm(bodyTimeout) }  // the pipelined one being read
        }
        context.write(data, promise: promise)
    }

    /// Arms `timeout` unless a deadline is already running (an earlier byte started it).
    private func arm(_ timeout: TimeAmount) {
        guard deadline == nil, let context else { return }
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            deadline = nil
            if !readingBody, requestsInFlight == 0, bytesSinceHead {
                context.write(wrapOutboundOut(.head(.init(status: .requestTimeout,
                                                          headerFields: [.connection: "close", .contentLength: "0"]))), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            }
            context.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}

/// Sits in front of the HTTP decoder and reports every read to `RequestReadDeadlines`, which
/// after the decoder only sees complete parts. It passes the bytes on untouched.
private final class ByteWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    weak var owner: RequestReadDeadlines?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner?.bytesArrived()
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension RequestReadDeadlines: Sendable {}
