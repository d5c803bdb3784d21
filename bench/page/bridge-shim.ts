/**
 * Stands in for the VS Code webview API in the benchmark page. `acquireVsCodeApi().postMessage`
 * sends JSON over a loopback WebSocket to the benchmark host, and the host's messages
 * arrive as window 'message' events, as in a VS Code webview. A message with bytes comes as
 * one binary WebSocket message: a 4-byte little-endian header length, the JSON header with
 * `$binaryField` naming the field, then the bytes, which become an exact-size Uint8Array.
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
  const header = JSON.parse(textDecoder.decode(new Uint8Array(buffer, 4, headerLength))) as Record<string, unknown>;
  const field = String(header.$binaryField);
  delete header.$binaryField;
  // VS Code hands the webview a Uint8Array that owns its bytes; slice() makes one here.
  header[field] = new Uint8Array(buffer, 4 + headerLength).slice();
  return header;
}

socket.addEventListener('message', (event: MessageEvent<string | ArrayBuffer>) => {
  const data = typeof event.data === 'string' ? JSON.parse(event.data) : decodeBinary(event.data);
  window.dispatchEvent(new MessageEvent('message', { data }));
});
