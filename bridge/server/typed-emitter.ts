/** A minimal typed event emitter: the event map is labelled tuples, `on()` returns an unsubscribe. */

/** Event name to argument tuple. */
export type EventMap = { [name: string]: unknown[] }

/** Emits events of map E to listeners; a throwing listener is reported, never breaks the emitter. */
export class TypedEmitter<E extends EventMap> {
  private readonly listeners = new Map<keyof E, Set<Function>>()

  /** Subscribes; returns the function that unsubscribes. */
  on<K extends keyof E>(name: K, listener: (...args: E[K]) => void): () => void {
    let set = this.listeners.get(name)
    if (!set) this.listeners.set(name, (set = new Set()))
    set.add(listener)
    return () => {
      set.delete(listener)
    }
  }

  /** Calls each listener of `name` in subscription order. */
  protected emit<K extends keyof E>(name: K, ...args: E[K]): void {
    const set = this.listeners.get(name)
    if (!set) return
    for (const listener of [...set]) {
      try {
        ;(listener as (...a: E[K]) => void)(...args)
      } catch (err) {
        this.listenerFailed(String(name), err)
      }
    }
  }

  /** True when someone listens to `name`. */
  protected hasListeners(name: keyof E): boolean {
    return (this.listeners.get(name)?.size ?? 0) > 0
  }

  /** A listener threw; the default logs it. */
  protected listenerFailed(name: string, err: unknown): void {
    console.error(`emolane: a listener for '${name}' threw:`, err)
  }

  /** Drops every listener. */
  protected removeAllListeners(): void {
    this.listeners.clear()
  }
}
