/**
 * Where a process's CPU time goes: self time per function from a V8 .cpuprofile (the JavaScript
 * thread, mapped back to source files through the bundle's source map), and CPU time per thread
 * from /proc (onnxruntime's worker threads do not show in a V8 profile).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { join, relative } from 'node:path'
import { ticksPerSecond } from './proc-stats.js'

type ProfileNode = { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

/** A function's self time. */
export type HotFunction = { fn: string; file: string; ms: number; share: number }

/** Self time by function and by source file of a .cpuprofile, largest first; shares are of the busy (non-idle) time. */
export type ProfileSummary = { busyMs: number; idleMs: number; functions: HotFunction[]; files: { file: string; ms: number; share: number }[] }

/** One thread's profile summary; thread 0 is the main (JavaScript) thread, others are workers (e.g. the UDP receiver). */
export type ThreadProfile = ProfileSummary & { thread: string }

/**
 * Summarises every .cpuprofile node --cpu-prof wrote into `dir` (one per thread, named
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile); `root`: the package root, for relative file names.
 */
export function summariseCpuProfiles(dir: string, root: string, top = 15): ThreadProfile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()
  if (files.length === 0) throw new Error(`no .cpuprofile in ${dir}: did the process exit cleanly?`)
  return files.map((f) => {
    const thread = Number(f.split('.').at(-3))
    return { thread: thread === 0 ? 'main' : `worker ${thread}`, ...summariseCpuProfile(join(dir, f), root, top) }
  })
}

/** Sums self time of one .cpuprofile by function and by source file. */
export function summariseCpuProfile(file: string, root: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const maps = new Map<string, SourceMap | null>()
  const sourceOf = (url: string, line: number, column: number): string => {
    if (!url.startsWith('file://')) return url || '(native)'  // builtins, native bindings, GC
    const path = new URL(url).pathname
    if (!maps.has(path)) {
      const mapPath = `${path}.map`
      maps.set(path, existsSync(mapPath) ? new SourceMap(JSON.parse(readFileSync(mapPath, 'utf8'))) : null)
    }
    const map = maps.get(path)
    const entry = map?.findEntry(line, column) as { originalSource?: string } | undefined
    const source = entry?.originalSource ? entry.originalSource.replace(/^file:\/\//, '') : path
    return relative(root, source.startsWith('/') ? source : join(path, '..', source))
  }
  const self = new Map<number, number>()
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  const byFn = new Map<string, HotFunction>()
  const byFile = new Map<string, number>()
  let total = 0
  let idle = 0
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0
    if (us === 0) continue
    const cf = node.callFrame
    const name = cf.functionName || '(anonymous)'
    if (name === '(idle)') {
      idle += us
      continue
    }
    total += us
    // a native function (fsync, writev) or V8's own time is its own "file"
    const src = cf.url ? sourceOf(cf.url, cf.lineNumber, cf.columnNumber) : name.startsWith('(') ? name : `(native ${name})`
    const key = `${name}@${src}`
    const hit = byFn.get(key) ?? { fn: name, file: src, ms: 0, share: 0 }
    hit.ms += us / 1000
    byFn.set(key, hit)
    byFile.set(src, (byFile.get(src) ?? 0) + us / 1000)
  }
  const totalMs = total / 1000
  const r = (v: number): number => Math.round(v * 10) / 10
  return {
    busyMs: r(totalMs),
    idleMs: r(idle / 1000),
    functions: [...byFn.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, top)
      .map((f) => ({ ...f, ms: r(f.ms), share: r((100 * f.ms) / totalMs) / 100 })),
    files: [...byFile.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([f, ms]) => ({ file: f, ms: r(ms), share: r((100 * ms) / totalMs) / 100 })),
  }
}

/** CPU seconds of each thread of `pid` so far, summed by thread name (/proc/<pid>/task/<tid>/stat). */
export function threadCpu(pid: number): Record<string, number> {
  const tps = ticksPerSecond()
  const out: Record<string, number> = {}
  let tids: string[]
  try {
    tids = readdirSync(`/proc/${pid}/task`)
  } catch {
    return out
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const name = Number(tid) === pid ? 'main (JavaScript)' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replace(/\d+$/, '').trim() || 'thread'
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      out[name] = (out[name] ?? 0) + (Number(f[11]) + Number(f[12])) / tps
    } catch {
      // the thread ended meanwhile
    }
  }
  return out
}
