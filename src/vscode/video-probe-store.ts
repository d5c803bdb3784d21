import * as vscode from 'vscode';
import type { ProbeStore, VideoProbeMessage } from './video-support';

const PROBE_KEY = 'xpra.videoProbe';

interface StoredProbe {
  /** The VS Code build the probe ran in; a result from another build is not used. */
  build: string;
  h264: boolean;
  hardware: boolean;
  detail: string;
}

/**
 * Returns a store for the panels' h264 probe result in the extension's global state. The
 * first attach of a new window then offers what the last window's panels could decode,
 * instead of waiting for a tab to load and probe. Only the desktop app keeps it, because in
 * a browser (VS Code for the Web, code-server) the decoders depend on the browser, which
 * can change between windows. Returns undefined there.
 */
export function globalStateProbeStore(state: vscode.Memento): ProbeStore | undefined {
  if (vscode.env.appHost !== 'desktop') return undefined;
  const build = `${vscode.version} ${process.platform} ${process.arch}`;
  return {
    load() {
      const stored = state.get<StoredProbe>(PROBE_KEY);
      if (stored?.build !== build || typeof stored.h264 !== 'boolean') return undefined;
      return { type: 'video-probe', h264: stored.h264, hardware: stored.hardware === true, detail: `${String(stored.detail)}, remembered` };
    },
    save(result: VideoProbeMessage) {
      const stored: StoredProbe = { build, h264: result.h264, hardware: result.hardware === true, detail: result.detail };
      void state.update(PROBE_KEY, stored);
    },
  };
}
