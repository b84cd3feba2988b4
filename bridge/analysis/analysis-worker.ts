/**
 * The analysis thread: reads audio for section detection and conflict cues (FFTs over whole
 * stretches of the song) away from the bridge's main thread. Started by AnalysisThread.
 */
import { blockFeaturesOp, cuesOp, detectOp, type BlockFeaturesRequest, type CuesRequest, type DetectRequest } from './audio-analysis-ops.js'
import { serveRpc, Transfer } from '../engine/worker-rpc.js'

serveRpc({
  blockFeatures(r: BlockFeaturesRequest) {
    const out = blockFeaturesOp(r)
    return new Transfer(out, [out.buffer as ArrayBuffer])
  },
  detect: (r: DetectRequest) => detectOp(r),
  cues: (r: CuesRequest) => cuesOp(r),
})
