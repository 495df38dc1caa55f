/**
 * Per-socket write coalescing: frames queued for a socket during one event-loop turn go out in
 * one `write` at the end of the turn (one flush for all sockets, scheduled with setImmediate).
 * Each frame's WebSocket framing is built once and cached on the shared encoded frame.
 */
import type { Duplex } from 'node:stream'
import type { EncodedFrame } from './frames.js'
import { buildFrame } from './ws-frame.js'

export class OutboxFlusher {
  private readonly dirty = new Set<SocketOutbox>()
  private scheduled = false

  /** Marks `outbox` for the next flush. */
  mark(outbox: SocketOutbox): void {
    this.dirty.add(outbox)
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => this.flush())
  }

  flush(): void {
    this.scheduled = false
    for (const outbox of this.dirty) outbox.flush()
    this.dirty.clear()
  }
}

export class SocketOutbox {
  private chunks: Buffer[] = []
  private bytes = 0

  constructor(
    private readonly socket: Duplex,
    private readonly flusher: OutboxFlusher,
    /** Buffered bytes (queued plus unsent in the socket) past which the socket is dropped. */
    private readonly maxBufferedBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  send(frame: EncodedFrame): void {
    let wire = frame.wire as Buffer | undefined
    if (wire === undefined) {
      wire = buildFrame(frame.data)
      frame.wire = wire
    }
    if (this.chunks.length === 0) this.flusher.mark(this)
    this.chunks.push(wire)
    this.bytes += wire.length
  }

  /** Writes what is queued, in one write. */
  flush(): void {
    if (this.chunks.length === 0) return
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes)
    this.chunks = []
    this.bytes = 0
    if (this.socket.destroyed || !this.socket.writable) return
    this.socket.write(data)
    if (this.socket.writableLength > this.maxBufferedBytes) this.onOverflow()
  }
}
