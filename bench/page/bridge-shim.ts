/**
 * Stands in for the VS Code webview API in the benchmark page. `acquireVsCodeApi().postMessage`
 * sends JSON over a loopback WebSocket to the benchmark host, and the host's messages
 * arrive as window 'message' events, as in a VS Code webview. A message with bytes comes as
 * one binary WebSocket message (see sendHostMessage in bench/lib/panel-page.ts), and each
 * of its byte fields becomes an exact-size Uint8Array.
 */

interface BenchWindow {
  acquireVsCodeApi?: () => { postMessage(message: unknown): void; getState(): unknown; setState(state: unknown): void };
}

const socket = new WebSocket(`ws://${location.host}/bridge${location.search}`);
socket.binaryType = 'arraybuffer';
const outgoing: string[] = [];
const textDecoder = new TextDecoder();
let acquired = false;
let state: unknown;

(window as unknown as BenchWindow).acquireVsCodeApi = () => {
  if (acquired) throw new Error('acquireVsCodeApi may be called only once, as in VS Code');
  acquired = true;
  return {
    postMessage(message: unknown): void {
      const text = JSON.stringify(message);
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
      else outgoing.push(text);
    },
    getState: () => state,
    setState(next: unknown): void {
      state = next;
    },
  };
};

socket.addEventListener('open', () => {
  for (const text of outgoing) socket.send(text);
  outgoing.length = 0;
});

function decodeBinary(buffer: ArrayBuffer): unknown {
  const headerLength = new DataView(buffer).getUint32(0, true);
  const base = 4 + headerLength;
  const header = textDecoder.decode(new Uint8Array(buffer, 4, headerLength));
  return JSON.parse(header, (_key, value: unknown) => {
    const bytes = (value as { $bytes?: [number, number] } | null)?.$bytes;
    if (!Array.isArray(bytes)) return value;
    // VS Code hands the webview a Uint8Array that owns its bytes; slice() makes one here.
    return new Uint8Array(buffer, base + bytes[0], bytes[1]).slice();
  });
}

socket.addEventListener('message', (event: MessageEvent<string | ArrayBuffer>) => {
  const data = typeof event.data === 'string' ? JSON.parse(event.data) : decodeBinary(event.data);
  window.dispatchEvent(new MessageEvent('message', { data }));
});
