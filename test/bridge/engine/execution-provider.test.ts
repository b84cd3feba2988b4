import { describe, expect, test } from 'vitest'
import { autoCandidates, autoChoice, deviceReason, hasVulkanDriver, missingDriver, parseDevice } from '../../../bridge/engine/execution-provider.js'

describe('choosing the execution provider', () => {
  test('auto ends with the CPU on every platform and starts with the platform GPU API', () => {
    expect(autoCandidates('darwin')).toEqual(['coreml', 'webgpu', 'cpu'])
    expect(autoCandidates('win32')).toEqual(['dml', 'cuda', 'webgpu', 'cpu'])
    expect(autoCandidates('linux').at(-1)).toBe('cpu')
  })

  test('a Vulkan loader without a driver is no GPU (was: Dawn printed vkCreateInstance warnings on every analyze)', () => {
    const none = () => false
    const empty = () => []
    expect(hasVulkanDriver({}, none, empty)).toBe(false)
    // a driver manifest in the loader's usual folders
    expect(hasVulkanDriver({}, none, (d) => (d === '/usr/share/vulkan/icd.d' ? ['nvidia_icd.json'] : []))).toBe(true)
    expect(hasVulkanDriver({}, none, (d) => (d === '/etc/vulkan/icd.d' ? ['README'] : []))).toBe(false)
    // or one named by the environment (as ../shared/gpu-node's unpack.sh sets it): only if the file exists
    const icd = '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json'
    expect(hasVulkanDriver({ VK_DRIVER_FILES: icd }, (f) => f === icd, empty)).toBe(true)
    expect(hasVulkanDriver({ VK_ICD_FILENAMES: '/nope.json' }, none, () => ['x.json'])).toBe(false)
  })

  test('a device name outside the list is refused, naming the list', () => {
    expect(parseDevice('webgpu')).toBe('webgpu')
    expect(() => parseDevice('gpu')).toThrow(/device must be one of auto, cpu, cuda, webgpu, coreml, dml, got "gpu"/)
  })

  test('auto on Linux tries only the GPU APIs whose driver is installed, and says what it found', () => {
    const drivers = (nvidia: boolean, vulkan: boolean) => ({ nvidia: () => nvidia, vulkan: () => vulkan })
    expect(autoChoice('linux', drivers(false, false))).toEqual({ candidates: ['cpu'], why: 'no NVIDIA or Vulkan driver here' })
    expect(autoChoice('linux', drivers(true, false))).toEqual({ candidates: ['cuda', 'cpu'], why: 'found an NVIDIA driver' })
    expect(autoChoice('linux', drivers(true, true))).toEqual({ candidates: ['cuda', 'webgpu', 'cpu'], why: 'found an NVIDIA driver and a Vulkan driver' })
  })

  test('--device webgpu on Linux without a Vulkan driver is refused before trying (Dawn would print a native stack line)', () => {
    expect(missingDriver('webgpu', 'linux', { nvidia: () => true, vulkan: () => false })).toMatch(/no Vulkan driver/)
    expect(missingDriver('webgpu', 'linux', { nvidia: () => false, vulkan: () => true })).toBeNull()
    expect(missingDriver('cuda', 'linux', { nvidia: () => false, vulkan: () => false })).toBeNull() // tried: its failure is one clean line
    expect(missingDriver('webgpu', 'darwin', { nvidia: () => false, vulkan: () => false })).toBeNull()
  })

  test('the reason names what was asked, what the machine has and what failed', () => {
    expect(deviceReason('auto', 'cpu', [], 'no NVIDIA or Vulkan driver here')).toBe('auto: no NVIDIA or Vulkan driver here')
    expect(deviceReason('auto', 'cpu', ['cuda: libcudart.so.12 missing'], 'found an NVIDIA driver')).toBe('auto: found an NVIDIA driver; cuda did not load: libcudart.so.12 missing')
    expect(deviceReason('cpu', 'cpu', [])).toBe('--device asked for it')
    expect(deviceReason('webgpu', 'cpu', ['webgpu: no Vulkan driver here'])).toBe('webgpu did not load: no Vulkan driver here')
  })
})
