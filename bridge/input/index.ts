/** Audio input capture (a loopback of the DAW's master bus), stamped with the DAW's song time. */
export { attachInput, type AttachedInput, type AttachInputOptions } from './attach-input.js'
export { BlockStamper, FreeRunningClock, type BlockStamperOptions } from './block-stamper.js'
export { listInputDevices, NoInputDeviceError, openDeviceSource, pickDevice, type CaptureSource, type InputDevice } from './capture-source.js'
