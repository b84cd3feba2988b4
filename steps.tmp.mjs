const ort = (await import('onnxruntime-node')).default
const lvl = process.argv[2]
const base = { executionProviders: ['cpu'], graphOptimizationLevel: lvl, enableMemPattern: false, logSeverityLevel: 3 }
const t0 = performance.now()
const s = {}
for (const f of ['text_encoder', 'audio_encoder', 'fusion']) s[f] = await ort.InferenceSession.create(`model/onnx/${f}.onnx`, { ...base, ...(process.argv[3] ? { optimizedModelFilePath: `/tmp/sp/${f}.${lvl}.onnx` } : {}) })
const t1 = performance.now()
const mel = new Float32Array(64 * 384 * 16).fill(-5)
let t2 = performance.now()
for (let i = 0; i < 5; i++) await s.audio_encoder.run({ log_mel: new ort.Tensor('float32', mel, [16, 64, 384]) })
console.log(lvl, 'create', (t1 - t0).toFixed(0), 'audio run x5', (performance.now() - t2).toFixed(0))
