/**
 * A UDP socket drained on its own thread. The bridge's main thread analyses in chunks of up to a
 * few hundred milliseconds (log-mel, the model, section detection); a socket read only there would
 * have the kernel drop datagrams whenever such a chunk outlasts its receive buffer (at 30x, or
 * with Linux's default 208 KB buffer, well under a second). Here a worker reads every datagram as it
 * arrives and queues it for the main thread, up to `maxQueuedBytes`; beyond that it drops and
 * counts, so a stalled bridge cannot grow without bound.
 */
import { Worker } from 'node:worker_threads'

/** Options of the receiver. */
export type UdpReceiverOptions = {
  host: string
  port: number
  /** Kernel receive buffer asked for, bytes, default 4 MiB (the OS may cap it) */
  recvBufferSize?: number
  /** Bytes queued for the main thread beyond which datagrams are dropped, default 64 MiB */
  maxQueuedBytes?: number
}

/** One datagram and where it came from. */
export type Datagram = { data: Uint8Array; address: string; port: number }

const defaults = { recvBufferSize: 4 << 20, maxQueuedBytes: 64 << 20 }

// Plain CommonJS run with eval: the bundle needs no second file for it.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { createSocket } = require('node:dgram')
const { host, port, type, recvBufferSize, maxQueuedKiB, shared } = workerData
const queue = new Int32Array(shared) // [KiB queued for the main thread, datagrams dropped]
const socket = createSocket({ type, recvBufferSize })
let received = 0
socket.on('message', (msg, rinfo) => {
  received++
  const kib = Math.ceil(msg.length / 1024) || 1
  if (Atomics.load(queue, 0) + kib > maxQueuedKiB) {
    Atomics.add(queue, 1, 1)
    return
  }
  Atomics.add(queue, 0, kib)
  const data = msg.buffer.slice(msg.byteOffset, msg.byteOffset + msg.length)
  parentPort.postMessage({ kind: 'datagram', data, address: rinfo.address, port: rinfo.port, kib }, [data])
})
socket.on('error', (err) => parentPort.postMessage({ kind: 'error', message: err.message, code: err.code, listening: bound }))
let bound = false
socket.bind(port, host, () => {
  bound = true
  parentPort.postMessage({ kind: 'listening', port: socket.address().port })
})
parentPort.on('message', (m) => {
  if (m === 'close') socket.close(() => parentPort.postMessage({ kind: 'closed' }))
  // answered after a loop turn that read no datagram: libuv reads at most 32 per turn, so with more
  // waiting in the socket one turn is not enough (a settle() under load missed the last 8 of 200)
  else if (m === 'drain') {
    let seen = -1
    const check = () => {
      if (received === seen) return parentPort.postMessage({ kind: 'drained' })
      seen = received
      setImmediate(check)
    }
    setImmediate(check)
  }
})
`

type FromWorker =
  | { kind: 'datagram'; data: ArrayBuffer; address: string; port: number; kib: number }
  | { kind: 'listening'; port: number }
  | { kind: 'error'; message: string; code?: string; listening: boolean }
  | { kind: 'closed' }
  | { kind: 'drained' }

/** Receives datagrams on a worker thread and hands them to `onDatagram` on this one. */
export class UdpReceiver {
  private worker: Worker | null = null
  private readonly queue = new Int32Array(new SharedArrayBuffer(8))
  private boundPort: number
  private reportedDrops = 0
  private readonly drainWaiters: (() => void)[] = []
  private readonly o: UdpReceiverOptions & typeof defaults

  constructor(
    options: UdpReceiverOptions,
    private readonly onDatagram: (d: Datagram) => void,
    /** Socket errors after binding, and drops (count since the last call). */
    private readonly onProblem: (problem: { error: string } | { dropped: number; limit: number }) => void,
  ) {
    this.o = { ...defaults, ...options }
    this.boundPort = options.port
  }

  /** Binds; resolves with the port (useful with port 0), rejects with the bind error. */
  listen(): Promise<number> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        host: this.o.host,
        port: this.o.port,
        type: this.o.host.includes(':') ? 'udp6' : 'udp4',
        recvBufferSize: this.o.recvBufferSize,
        maxQueuedKiB: Math.ceil(this.o.maxQueuedBytes / 1024),
        shared: this.queue.buffer,
      },
    })
    this.worker = worker
    return new Promise((resolve, reject) => {
      const fail = (err: Error): void => {
        this.worker = null
        void worker.terminate()
        reject(err)
      }
      worker.once('error', fail)
      worker.on('message', (m: FromWorker) => {
        switch (m.kind) {
          case 'datagram':
            Atomics.sub(this.queue, 0, m.kib)
            this.checkDrops()
            this.onDatagram({ data: new Uint8Array(m.data), address: m.address, port: m.port })
            break
          case 'listening':
            this.boundPort = m.port
            worker.off('error', fail)
            worker.on('error', (err) => this.onProblem({ error: err.message }))
            resolve(m.port)
            break
          case 'error':
            if (m.listening) this.onProblem({ error: m.message })
            else fail(Object.assign(new Error(m.message), { code: m.code })) // the code (EADDRINUSE) lets the bridge say what to do
            break
          case 'drained':
            this.drainWaiters.shift()?.()
            break
          case 'closed':
            break
        }
      })
    })
  }

  /** The bound port (after listen). */
  get port(): number {
    return this.boundPort
  }

  /** Resolves once every datagram that had reached the socket when called has been handed to `onDatagram`. */
  drained(): Promise<void> {
    const worker = this.worker
    if (!worker) return Promise.resolve()
    return new Promise((resolve) => {
      this.drainWaiters.push(resolve)
      worker.postMessage('drain')
    })
  }

  /** Bytes (rounded up to KiB per datagram) read by the UDP thread and not yet handed over. */
  get queuedBytes(): number {
    return Atomics.load(this.queue, 0) * 1024
  }

  /** Datagrams dropped because the main thread fell `maxQueuedBytes` behind, so far. */
  get dropped(): number {
    return Atomics.load(this.queue, 1)
  }

  /** Closes the socket and ends the thread. */
  async close(): Promise<void> {
    const worker = this.worker
    this.worker = null
    if (!worker) return
    this.checkDrops()
    for (const w of this.drainWaiters.splice(0)) w()
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 500)
      worker.on('message', (m: FromWorker) => {
        if (m.kind === 'closed') {
          clearTimeout(timer)
          resolve()
        }
      })
      worker.postMessage('close')
    })
    await worker.terminate()
  }

  private checkDrops(): void {
    const dropped = this.dropped
    if (dropped > this.reportedDrops) {
      this.onProblem({ dropped: dropped - this.reportedDrops, limit: this.o.maxQueuedBytes })
      this.reportedDrops = dropped
    }
  }
}
