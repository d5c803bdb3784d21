/**
 * The decoder for complete image files (png, png/P, png/L, jpeg, webp). The browser decodes
 * them with createImageBitmap, off the main thread in Chromium.
 */
import type { DrawMessage } from '../messages';
import type { Decoder, Paint } from './decoder';

export class ImageFileDecoder implements Decoder {
  constructor(private readonly mimeType: string) {}

  async decode(draw: DrawMessage): Promise<Paint> {
    const blob = new Blob([draw.data as Uint8Array<ArrayBuffer>], { type: this.mimeType });
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    } catch (error) {
      throw new Error(`invalid ${draw.coding} image of ${draw.data.length} bytes: ${String(error)}`);
    }
    if (bitmap.width === 0 || bitmap.height === 0) {
      bitmap.close();
      throw new Error(`${draw.coding} image decoded to an empty picture`);
    }
    const { x, y, width, height } = draw;
    return {
      apply(context: CanvasRenderingContext2D): void {
        // The image replaces the area, including its alpha, rather than blending over it.
        context.clearRect(x, y, width, height);
        context.drawImage(bitmap, x, y, width, height);
      },
      release(): void {
        bitmap.close();
      },
    };
  }
}
