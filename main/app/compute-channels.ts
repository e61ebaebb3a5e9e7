// IPC channels between the Electron main process and the hidden compute window (compute-window.ts,
// preload/compute.ts). No imports, and not shared with the UI's preload: each sandboxed preload must
// bundle into one file that requires nothing but 'electron'.

/** Main → compute page: one Trainer call (main/core/ml/trainer-protocol.ts TrainerRequest). */
export const COMPUTE_CALL_CHANNEL = 'micon-compute:call';
/** Compute page → main: replies, and `{ type: 'compute-ready' }` once the page listens. */
export const COMPUTE_REPLY_CHANNEL = 'micon-compute:reply';
/** The compute page, served by the app's own scheme from out/renderer/compute/. */
export const COMPUTE_URL = 'micon://app/compute/index.html';
