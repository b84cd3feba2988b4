/**
 * Calls into a worker thread and answers them there: numbered requests, replies with transferable
 * buffers, and errors that cross back with their class and message (a ModelOutputError thrown in
 * the worker is a ModelOutputError here).
 */
import { getHeapStatistics } from 'node:v8'
import { parentPort, type Worker } from 'node:worker_threads'

/** An error as it crosses threads. */
export type WireError = { name: string; message: string; stack?: string }

type Request = { id: number; op: string; args: unknown }
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: WireError }
/** An unrequested message from the worker (a warning while loading, say). */
export type WorkerNote = { id: 0; note: string; message: string }

/** Error classes rebuilt by name on the calling side; others arrive as Error with their name kept. */
export type ErrorClasses = Record<string, new (message: string) => Error>

const BUILT_IN: ErrorClasses = { RangeError, TypeError }

/** The calling side of a worker: `call(op, args)` resolves with the worker's answer. */
export class WorkerRpc {
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  private failure: Error | null = null
  private closing = false

  constructor(
    readonly worker: Worker,
    /** Name used in messages, e.g. 'model thread'. */
    private readonly label: string,
    private readonly classes: ErrorClasses = {},
    onNote: (note: WorkerNote) => void = () => {},
  ) {
    worker.on('message', (m: Reply | WorkerNote) => {
      if (m.id === 0) return onNote(m as WorkerNote)
      const p = this.pending.get(m.id)
      if (!p) return
      this.pending.delete(m.id)
      const reply = m as Reply
      if (reply.ok) p.resolve(reply.result)
      else p.reject(this.rebuild(reply.error))
    })
    worker.on('error', (err) => this.fail(new Error(`the ${label} failed: ${err.message}`, { cause: err })))
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`the ${label} stopped unexpectedly (exit code ${code})`))
    })
  }

  /** Why the worker is gone, or null while it runs. */
  get dead(): Error | null {
    return this.failure
  }

  /** Calls `op` in the worker; `transfer` lists buffers of `args` handed over (detached here). */
  call<T>(op: string, args: unknown, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.closing) return Promise.reject(new Error(`the ${this.label} is closed`))
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      this.worker.postMessage({ id, op, args } satisfies Request, transfer)
    })
  }

  /** Stops the worker; calls still waiting are rejected. */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    for (const p of this.pending.values()) p.reject(new Error(`the ${this.label} was closed`))
    this.pending.clear()
    await this.worker.terminate()
  }

  private fail(err: Error): void {
    this.failure ??= err
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
  }

  private rebuild(e: WireError): Error {
    const Class = this.classes[e.name] ?? BUILT_IN[e.name]
    const err = Class ? new Class(e.message) : Object.assign(new Error(e.message), { name: e.name })
    if (e.stack) err.stack = `${err.name}: ${e.message}\n    (in the ${this.label})\n${e.stack.split('\n').slice(1).join('\n')}`
    return err
  }
}

/** A handler's answer with the buffers to transfer rather than copy. */
export class Transfer<T> {
  constructor(
    readonly value: T,
    readonly list: ArrayBuffer[],
  ) {}
}

/** A thread's JavaScript heap, MB: what its V8 isolate holds (typed-array contents are `external`). */
export type HeapUse = { usedMB: number; totalMB: number; externalMB: number }

/** This thread's heap use (every worker answers the op `heap` with it). */
export function heapUse(): HeapUse {
  const h = getHeapStatistics()
  const mb = (b: number) => Math.round((b / 2 ** 20) * 10) / 10
  return { usedMB: mb(h.used_heap_size), totalMB: mb(h.total_physical_size), externalMB: mb(h.external_memory) }
}

/** The worker side: answers requests with `handlers[op](args)` (and `heap` with heapUse()). */
export function serveRpc(handlers: Record<string, (args: never) => unknown>): void {
  const port = parentPort
  if (!port) throw new Error('serveRpc() must run in a worker thread')
  handlers = { heap: heapUse, ...handlers }
  port.on('message', async function workerOnRequest(req: Request) {
    try {
      const handler = handlers[req.op]
      if (!handler) throw new TypeError(`no operation ${JSON.stringify(req.op)} in this worker; expected one of ${Object.keys(handlers).join(', ')}`)
      const out = await (handler as (args: unknown) => unknown)(req.args)
      if (out instanceof Transfer) port.postMessage({ id: req.id, ok: true, result: out.value } satisfies Reply, out.list)
      else port.postMessage({ id: req.id, ok: true, result: out } satisfies Reply)
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err))
      port.postMessage({ id: req.id, ok: false, error: { name: e.name, message: e.message, stack: e.stack } } satisfies Reply)
    }
  })
}

/** Sends an unrequested note (a warning) to the calling side. */
export function noteToParent(note: string, message: string): void {
  parentPort?.postMessage({ id: 0, note, message } satisfies WorkerNote)
}
