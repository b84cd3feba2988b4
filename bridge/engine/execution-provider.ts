/** Which onnxruntime execution provider runs the model: chosen per platform, overridable, with CPU fallback. */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { InferenceSession } from 'onnxruntime-node'
import { loadOrt } from './ort.js'

/** A device name as the CLI and options take it. */
export type Device = 'auto' | 'cpu' | 'cuda' | 'webgpu' | 'coreml' | 'dml'

/** Every accepted device name. */
export const DEVICES: readonly Device[] = ['auto', 'cpu', 'cuda', 'webgpu', 'coreml', 'dml']

/** What `auto` tries on this machine, best first (CPU always last), and in words why. */
export type AutoChoice = { candidates: Exclude<Device, 'auto'>[]; why: string }

/** The GPU drivers `auto` looks for on Linux; tests pass their own. */
export type DriverProbe = { nvidia: () => boolean; vulkan: () => boolean }

const linuxDrivers: DriverProbe = { nvidia: hasNvidiaDriver, vulkan: () => hasVulkanLoader() && hasVulkanDriver() }

/**
 * Providers to try for `auto` on a platform, and why. On Linux a provider whose driver is plainly absent
 * is not tried: trying it costs ~0.4 s and 60 MB and prints native noise (Dawn's Vulkan warnings).
 */
export function autoChoice(platform: NodeJS.Platform = process.platform, drivers: DriverProbe = linuxDrivers): AutoChoice {
  if (platform === 'darwin') return { candidates: ['coreml', 'webgpu', 'cpu'], why: 'macOS: CoreML first' }
  if (platform === 'win32') return { candidates: ['dml', 'cuda', 'webgpu', 'cpu'], why: 'Windows: DirectML first' }
  const nvidia = drivers.nvidia()
  const vulkan = drivers.vulkan()
  const candidates: Exclude<Device, 'auto'>[] = [...(nvidia ? (['cuda'] as const) : []), ...(vulkan ? (['webgpu'] as const) : []), 'cpu']
  const found = [nvidia ? 'an NVIDIA driver' : null, vulkan ? 'a Vulkan driver' : null].filter(Boolean)
  return { candidates, why: found.length ? `found ${found.join(' and ')}` : 'no NVIDIA or Vulkan driver here' }
}

/**
 * Why `device` cannot run here without trying it, or null. Only WebGPU on Linux is judged so: Dawn needs a
 * Vulkan driver there, and trying without one prints Vulkan warnings with a native stack line to stderr.
 */
export function missingDriver(device: Exclude<Device, 'auto'>, platform: NodeJS.Platform = process.platform, drivers: DriverProbe = linuxDrivers): string | null {
  if (device === 'webgpu' && platform === 'linux' && !drivers.vulkan()) return 'no Vulkan driver here, which WebGPU needs on Linux'
  return null
}

/** Providers to try, best first, for `auto` on a platform; CPU always last. */
export function autoCandidates(platform: NodeJS.Platform = process.platform): Exclude<Device, 'auto'>[] {
  return autoChoice(platform).candidates
}

/**
 * Why `device` runs the model, in a few words, for the one line the CLI prints: what was asked, what the
 * machine has, and any provider that was tried first and did not load (`failures`, 'name: reason').
 */
export function deviceReason(requested: Device, device: string, failures: string[], why?: string): string {
  const failed = failures.length ? `${failures.map((f) => f.replace(/^(\w+): /, '$1 did not load: ')).join('; ')}` : ''
  if (requested === 'auto') return `auto: ${[why, failed].filter(Boolean).join('; ')}`
  if (requested === device) return '--device asked for it'
  return failed || `${requested} was asked for`
}

/** An NVIDIA kernel driver is loaded (Linux). */
function hasNvidiaDriver(): boolean {
  return existsSync('/proc/driver/nvidia/version')
}

/** libvulkan.so.1, which WebGPU (Dawn) needs on Linux, is in a usual library folder. */
function hasVulkanLoader(): boolean {
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib']
  return dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')))
}

/**
 * A Vulkan driver is installed: a driver manifest (ICD) named by VK_DRIVER_FILES / VK_ICD_FILENAMES, or
 * one in the loader's usual folders. The loader alone (libvulkan1 comes with many desktop packages)
 * finds no device, and Dawn then prints vkCreateInstance warnings to stderr before we fall back to the CPU.
 */
export function hasVulkanDriver(env: NodeJS.ProcessEnv = process.env, exists: (path: string) => boolean = existsSync, list: (dir: string) => string[] = listDir): boolean {
  const named = [env.VK_DRIVER_FILES, env.VK_ICD_FILENAMES].flatMap((v) => (v ?? '').split(':')).filter(Boolean)
  if (named.length > 0) return named.some((f) => exists(f))
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean)
  const dirs = [...dataDirs.map((d) => join(d, 'vulkan', 'icd.d')), '/etc/vulkan/icd.d', ...(env.XDG_CONFIG_DIRS ?? '').split(':').filter(Boolean).map((d) => join(d, 'vulkan', 'icd.d'))]
  return dirs.some((d) => list(d).some((f) => f.endsWith('.json')))
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}

/** Checks a device name from a user; throws a RangeError listing the valid ones. */
export function parseDevice(name: string): Device {
  if ((DEVICES as readonly string[]).includes(name)) return name as Device
  throw new RangeError(`device must be one of ${DEVICES.join(', ')}, got ${JSON.stringify(name)}`)
}

/** The providers onnxruntime-node was built with here (bundled or loadable). */
export async function listedProviders(): Promise<string[]> {
  try {
    return (await loadOrt()).listSupportedBackends().map((b: { name: string }) => b.name)
  } catch {
    return ['cpu']
  }
}

/**
 * Session options for one provider. `spinWait`: onnxruntime's pool threads busy-wait for the next
 * parallel section (fastest back-to-back runs); off, they sleep, so a run a window at a time does not
 * burn the idle cores (the bench measured 4x less CPU for the live bridge at 1x).
 */
export function sessionOptions(device: Exclude<Device, 'auto'>, threads?: number, spinWait = true): InferenceSession.SessionOptions {
  return {
    executionProviders: [device],
    graphOptimizationLevel: 'all',
    // onnxruntime keeps a memory plan per distinct set of input shapes, and lyric contexts come in many
    // lengths (every edit makes new ones): without the plans the 60-minute soak grew less (bench/README.md)
    enableMemPattern: false,
    // 3 = errors only: a provider that fails to load is reported by us, once, in words
    logSeverityLevel: 3,
    ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
    ...(spinWait ? {} : { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } }),
  }
}
