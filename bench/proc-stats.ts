/** CPU time and memory of a process, and busy time of the whole machine, read from Linux /proc. */
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { cpus } from 'node:os'

/** Seconds of CPU time (user + system, all threads). */
export type CpuSeconds = number
/** Megabytes (10^6 bytes, as the goals count them). */
export type MB = number

/** One reading of a process. */
export type ProcSample = {
  /** performance.now() of the reading, ms */
  at: number
  cpu: CpuSeconds
  /** Resident set size now. */
  rss: MB
  /** Peak resident set size so far (VmHWM). */
  peakRss: MB
}

let clockTicks: number | null = null

/** Kernel clock ticks per second (getconf CLK_TCK; 100 where getconf is missing). */
export function ticksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

/** Reads CPU time and memory of `pid`; null when the process is gone or /proc is not there. */
export function sampleProcess(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // fields after the command name, which is in parentheses and may hold spaces
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12]) // utime, stime (fields 14 and 15 of stat)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
    return { at: performance.now(), cpu: ticks / ticksPerSecond(), rss: (kb('VmRSS') * 1024) / 1e6, peakRss: (kb('VmHWM') * 1024) / 1e6 }
  } catch {
    return null
  }
}

/** Busy and total CPU time of the whole machine so far (all cores), seconds. */
export type MachineCpu = { busy: CpuSeconds; total: CpuSeconds }

/** Reads the machine's CPU counters from /proc/stat; null where there is none. */
export function sampleMachine(): MachineCpu | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!
    const v = line.trim().split(/\s+/).slice(1).map(Number)
    const idle = v[3]! + (v[4] ?? 0) // idle + iowait
    const total = v.slice(0, 8).reduce((s, x) => s + x, 0) // user..steal (guest time is already in user)
    return { busy: (total - idle) / ticksPerSecond(), total: total / ticksPerSecond() }
  } catch {
    return null
  }
}

/** CPU share between two readings: process CPU seconds per wall second (1 = one core busy) and of all cores. */
export function cpuShare(a: ProcSample, b: ProcSample): { cores: number; ofMachine: number } {
  const wall = (b.at - a.at) / 1000
  const cores = wall > 0 ? (b.cpu - a.cpu) / wall : 0
  return { cores, ofMachine: cores / cpus().length }
}

/** Fraction of the machine busy between two readings (all processes, ours included). */
export function machineBusy(a: MachineCpu, b: MachineCpu): number | null {
  const total = b.total - a.total
  return total > 0 ? (b.busy - a.busy) / total : null
}

/** Time a process's threads spent runnable but waiting for a CPU (the kernel's run-queue wait, /proc/<pid>/task/<tid>/schedstat), seconds. */
export type RunQueueWait = { main: number; all: number }

/** Run-queue wait of `pid` so far: its main (JavaScript) thread and all its threads; null without /proc. */
export function sampleRunQueueWait(pid: number): RunQueueWait | null {
  try {
    let all = 0
    let main = 0
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const wait = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]) / 1e9
        all += wait
        if (Number(tid) === pid) main = wait
      } catch {
        // the thread ended meanwhile
      }
    }
    return { main, all }
  } catch {
    return null
  }
}
