/**
 * Entry point of the webview bundle (media/webview.js). It expects `<div id="xpra-root">`
 * in the page, receives HostMessages as window 'message' events, and posts WebviewMessages
 * through acquireVsCodeApi().
 */
import type { HostMessage, WebviewMessage } from './messages';
import { probeH264 } from './decoders/video-probe';
import { Panel } from './panel';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The ResizeObserver settles for this long before a `viewport` message goes out. */
const VIEWPORT_DEBOUNCE_MS = 100;

function start(): void {
  const root = document.getElementById('xpra-root');
  if (root === null) {
    console.error('[xpra] the page has no element with id xpra-root');
    return;
  }
  const vscode = acquireVsCodeApi();
  const post = (message: WebviewMessage): void => vscode.postMessage(message);
  const panel = new Panel(root, post);

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (typeof message !== 'object' || message === null || typeof (message as { type?: unknown }).type !== 'string') {
      return;
    }
    try {
      panel.handle(message as HostMessage);
    } catch (error) {
      console.error('[xpra] failed to handle a host message:', (message as { type: string }).type, error);
    }
  });

  watchViewport(root, post);
  document.addEventListener('visibilitychange', () => {
    const visible = !document.hidden;
    if (visible) {
      panel.repaintAll();
    } else {
      // No animation frames reach a hidden page, so finish the pending frame now.
      panel.scheduler.runPendingNow();
    }
    post({ type: 'visibility', visible });
  });
  post({ type: 'ready' });
  void probeH264().then((result) => post({ type: 'video-probe', ...result }));
}

/** Posts the panel's size after it settles, and once at start. */
function watchViewport(root: HTMLElement, post: (message: WebviewMessage) => void): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = '';
  const send = (): void => {
    const width = Math.floor(root.clientWidth);
    const height = Math.floor(root.clientHeight);
    const key = `${width}x${height}`;
    if (width > 0 && height > 0 && key !== last) {
      last = key;
      post({ type: 'viewport', width, height });
    }
  };
  new ResizeObserver(() => {
    clearTimeout(timer);
    timer = setTimeout(send, VIEWPORT_DEBOUNCE_MS);
  }).observe(root);
}

start();
