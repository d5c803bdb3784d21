/**
 * A text-only clipboard for the CLIPBOARD selection. With `clipboard.greedy` the server puts
 * the data in its token, so a copy on the server arrives as one packet.
 */
import { asBytes, asInt, asList, asText } from '../protocol';
import type { Packet, Value } from '../protocol/types';
import type { PacketHandlers, SessionContext } from './context';

const SELECTION = 'CLIPBOARD';
const TEXT_TARGETS = ['UTF8_STRING', 'TEXT', 'STRING', 'text/plain'];
/** Clipboard text above this size is dropped, in bytes. */
export const MAX_CLIPBOARD_BYTES = 4 * 1024 * 1024;

export class Clipboard {
  private localText: string | undefined;
  private nextRequestId = 1;

  constructor(private readonly context: SessionContext) {}

  readonly handlers: PacketHandlers = {
    // Fields: selection, targets, target, dtype, dformat, wire_encoding, wire_data, claim, greedy.
    'clipboard-token': (packet) => {
      if (asText(packet[1]) !== SELECTION) return;
      if (packet.length >= 8) {
        this.receiveText(packet[6], packet[7]);
        return;
      }
      const targets =
        packet[2] === undefined ? [] : asList(packet[2]).map((target) => asText(target));
      const target = TEXT_TARGETS.find((name) => targets.includes(name));
      if (target) {
        this.context.send('clipboard-request', this.nextRequestId++, SELECTION, target);
      }
    },
    // Fields: request id, selection, target, dtype, dformat, wire_encoding, data.
    'clipboard-contents': (packet) => {
      if (asText(packet[2]) === SELECTION) this.receiveText(packet[6], packet[7]);
    },
    'clipboard-request': (packet) => this.answerRequest(packet),
  };

  /** Offers text to the server's CLIPBOARD selection, as if the user copied it here. */
  setClipboard(text: string): void {
    this.localText = text;
    const bytes = new TextEncoder().encode(text);
    this.context.send(
      'clipboard-token',
      SELECTION,
      ['UTF8_STRING', 'text/plain'],
      'UTF8_STRING',
      'UTF8_STRING',
      8,
      'bytes',
      bytes,
      true,
      true,
      true,
    );
  }

  private answerRequest(packet: Packet): void {
    const requestId = asInt(packet[1]);
    const selection = asText(packet[2]);
    if (selection !== SELECTION || this.localText === undefined) {
      this.context.send('clipboard-contents-none', requestId, selection);
      return;
    }
    const bytes = new TextEncoder().encode(this.localText);
    this.context.send('clipboard-contents', requestId, selection, 'UTF8_STRING', 8, 'bytes', bytes);
  }

  private receiveText(wireEncoding: Value | undefined, data: Value | undefined): void {
    if (wireEncoding === undefined || asText(wireEncoding) !== 'bytes' || data === undefined)
      return;
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : asBytes(data);
    if (bytes.byteLength > MAX_CLIPBOARD_BYTES) {
      this.context.logger.warn(
        'clipboard',
        `dropping ${bytes.byteLength} bytes of clipboard text: the limit is ${MAX_CLIPBOARD_BYTES}`,
      );
      return;
    }
    this.context.emit('clipboard', new TextDecoder().decode(bytes));
  }
}
