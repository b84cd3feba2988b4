/** Polling helpers shared by tests that wait for something asynchronous to happen. */

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Polls `check` every `everyMs` until it holds; throws after `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 5000, everyMs = 20): Promise<void> {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting (${ms} ms)`)
    await sleep(everyMs)
  }
}
