/**
 * The decoder interface: one decoder per draw encoding turns a draw message into a Paint,
 * which the window's paint queue applies to the back buffer in packet order.
 */
import type { DrawMessage } from '../messages';

/** A decoded draw, ready to apply to a window's back buffer. */
export interface Paint {
  /** Draws onto the back buffer, whose origin is the window's top-left corner. */
  apply(context: CanvasRenderingContext2D): void;
  /** Frees decoder resources (ImageBitmaps) once the paint is applied or dropped. */
  release(): void;
}

export interface Decoder {
  /** Decodes one draw. Rejects with an Error that names what is invalid. */
  decode(draw: DrawMessage): Promise<Paint>;
}

/** A paint that changes nothing, for `void` draws and empty scrolls. */
export const NO_PAINT: Paint = {
  apply: () => undefined,
  release: () => undefined,
};
