/** The decoder of each draw encoding that the webview paints. */
import { Decoder, NO_PAINT } from './decoder';
import { ImageFileDecoder } from './image';
import { RgbDecoder } from './rgb';
import { ScrollDecoder } from './scroll';

export type { Decoder, Paint } from './decoder';

const png = new ImageFileDecoder('image/png');
const rgb = new RgbDecoder();

const DECODERS: ReadonlyMap<string, Decoder> = new Map<string, Decoder>([
  ['png', png],
  ['png/P', png],
  ['png/L', png],
  ['jpeg', new ImageFileDecoder('image/jpeg')],
  ['webp', new ImageFileDecoder('image/webp')],
  ['rgb24', rgb],
  ['rgb32', rgb],
  ['scroll', new ScrollDecoder()],
  ['void', { decode: () => Promise.resolve(NO_PAINT) }],
]);

/** Returns the decoder for a draw encoding, or undefined for one the webview cannot paint. */
export function decoderFor(coding: string): Decoder | undefined {
  return DECODERS.get(coding);
}

/** The draw encodings that `decoderFor` accepts. */
export const DECODABLE_ENCODINGS: readonly string[] = [...DECODERS.keys()];
