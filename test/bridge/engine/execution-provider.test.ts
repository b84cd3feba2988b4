import { describe, expect, test } from 'vitest'
import { autoCandidates, hasVulkanDriver, parseDevice } from '../../../bridge/engine/execution-provider.js'

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
})
