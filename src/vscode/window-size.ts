/**
 * Fits a remote window into the space an editor tab offers, following the X11 size hints
 * (ICCCM WM_NORMAL_HINTS): minimum and maximum size, and sizes of the form
 * base + n * increment for terminals and other character-cell windows.
 * Pure: no `vscode` import, so unit tests run in plain Node.
 */
import type { SizeConstraints } from '../webview/messages';

export interface Size {
  width: number;
  height: number;
}

/** Fits one dimension; `available` is already a whole number of pixels, at least 1. */
function fitDimension(
  available: number,
  minimum: number | undefined,
  maximum: number | undefined,
  base: number | undefined,
  increment: number | undefined,
  limit: number,
): number {
  const lower = Math.max(1, minimum ?? 1);
  // A maximum below the minimum is a broken hint; the minimum wins, as window managers do.
  const upper = Math.max(lower, Math.min(maximum ?? limit, limit));
  let size = Math.min(Math.max(available, lower), upper);
  if (increment !== undefined && increment > 1) {
    const origin = base ?? minimum ?? 0;
    if (size > origin) {
      // Round down so the window never grows past the tab, then step back up into range.
      size = origin + Math.floor((size - origin) / increment) * increment;
      while (size < lower && size + increment <= upper) size += increment;
    }
  }
  return size;
}

/**
 * Returns the window size closest to `available` (rounded down) that the size hints allow,
 * never larger than `limit` (the desktop size announced to the server). When the tab is
 * smaller than the window's minimum size, the smallest allowed size is returned and the
 * webview clips the window.
 */
export function fitWindowSize(available: Size, constraints: SizeConstraints, limit: Size): Size {
  const width = Math.max(1, Math.floor(Number.isFinite(available.width) ? available.width : 1));
  const height = Math.max(1, Math.floor(Number.isFinite(available.height) ? available.height : 1));
  return {
    width: fitDimension(
      width,
      constraints.minWidth,
      constraints.maxWidth,
      constraints.baseWidth,
      constraints.widthIncrement,
      limit.width,
    ),
    height: fitDimension(
      height,
      constraints.minHeight,
      constraints.maxHeight,
      constraints.baseHeight,
      constraints.heightIncrement,
      limit.height,
    ),
  };
}
