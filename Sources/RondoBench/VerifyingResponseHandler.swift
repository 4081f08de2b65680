import NIOCore

/// Decodes replies on one channel of a verifying worker and hands them, and the channel's end, to
/// the worker (which owns several channels, one per server it has talked to).
final class VerifyingResponseHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let worker: VerifyingWorker
    private let processor: NIOSingleStepByteToMessageProcessor<MemcachedResponseDecoder>

    init(worker: VerifyingWorker, valueBytesMax: Int) {
        self.worker = worker
        processor = NIOSingleStepByteToMessageProcessor(
            MemcachedResponseDecoder(valueBytesMax: valueBytesMax),
            maximumBufferSize: valueBytesMax + 2 * MemcachedResponseDecoder.lineLengthMax
        )
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let channel = context.channel
        do {
            try processor.process(buffer: unwrapInboundIn(data)) { response in
                worker.receive(response, on: channel)
            }
        } catch {
            errorCaught(context: context, error: error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        worker.channelDidClose(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        worker.channelDidFail(context.channel, error: error)
        context.close(promise: nil)
    }
}
