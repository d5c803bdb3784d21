/** The remote pointer shape (PNG) and the terminal bell. */
import { asInt, asText } from '../protocol';
import type { PacketHandlers, SessionContext } from './context';

export class Cursors {
  constructor(private readonly context: SessionContext) {}

  readonly handlers: PacketHandlers = {
    // Fields: encoding, x, y, width, height, xhot, yhot, serial, pixels, name, ...
    // A packet with only the encoding (or nothing) restores the default cursor.
    cursor: (packet) => {
      if (packet.length < 10) {
        this.context.emit('cursor', null);
        return;
      }
      const encoding = asText(packet[1]);
      const pixels = packet[9];
      if (encoding !== 'png' || !(pixels instanceof Uint8Array)) {
        this.context.logger.debug(
          'cursor',
          `ignoring a cursor in '${encoding}'; only png was requested`,
        );
        return;
      }
      this.context.emit('cursor', {
        // A copy in a fresh buffer, safe to transfer to a webview.
        png: new Uint8Array(pixels),
        width: asInt(packet[4]),
        height: asInt(packet[5]),
        xhot: asInt(packet[6]),
        yhot: asInt(packet[7]),
      });
    },
    // NOTE: 6.5 also sends `cursor-data` with fields of its own, which is not decoded here.
    'cursor-default': () => this.context.emit('cursor', null),
    bell: (packet) => this.context.emit('bell', packet[1] === undefined ? 0 : asInt(packet[1])),
  };
}
