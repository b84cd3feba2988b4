/** DAW integration over OSC: dialect presets for REAPER, Ableton Live (AbletonOSC) and Bitwig (DrivenByMoss). */
export { attachDialects, parseDawSpec, type AttachDialectsOptions, type AttachedDialects, type DawSpec } from './attach-dialects.js'
export { BUILTIN_DIALECTS, loadDialectPreset, parseDialectPreset, type DialectAction, type DialectPreset } from './dialect-preset.js'
export { DialectGate, dialectGateDefaults, parseAllowList, resolveDialectGate, type DialectGateOptions, type GateRefusal } from './dialect-gate.js'
export { listenDialect, type DialectListener, type DialectListenerOptions } from './dialect-listener.js'
export { DialectMessageError, DialectSession, parseTimeText } from './dialect-session.js'
export { MarkerSync, type MarkerSink } from './marker-sync.js'
export { TransportFollower, type SongClock } from './transport-follower.js'
export { attachDawServe, dawGateOptions, dawSink, listInputsIfAsked, type DawServe, type DawServeOptions } from './serve-integration.js'
