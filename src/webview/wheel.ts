/**
 * Converts browser wheel events into X wheel button clicks: buttons 4 and 5 scroll up and
 * down, 6 and 7 left and right. Deltas accumulate per axis in pixel units. Every 120 units
 * (WHEEL_DELTA, one notch in the Win32 wheel API) or every line makes one click.
 */

export const WHEEL_UNITS_PER_NOTCH = 120;
/** Clicks sent for one event at most, so a huge delta cannot flood the server. */
export const MAX_NOTCHES_PER_EVENT = 10;

const DOM_DELTA_LINE = 1;
const DOM_DELTA_PAGE = 2;

export const BUTTON_WHEEL_UP = 4;
export const BUTTON_WHEEL_DOWN = 5;
export const BUTTON_WHEEL_LEFT = 6;
export const BUTTON_WHEEL_RIGHT = 7;

export class WheelAccumulator {
  private x = 0;
  private y = 0;

  /**
   * Adds one wheel event and returns the X buttons to click, in order. `pageWidth` and
   * `pageHeight` are the pixels of one page, for events in page mode.
   */
  add(deltaX: number, deltaY: number, deltaMode: number, pageWidth: number, pageHeight: number): number[] {
    const [unitsX, unitsY] = [
      toUnits(deltaX, deltaMode, pageWidth),
      toUnits(deltaY, deltaMode, pageHeight),
    ];
    const [notchesY, remainderY] = takeNotches(this.y, unitsY);
    const [notchesX, remainderX] = takeNotches(this.x, unitsX);
    this.y = remainderY;
    this.x = remainderX;
    return [
      ...repeat(notchesY > 0 ? BUTTON_WHEEL_DOWN : BUTTON_WHEEL_UP, Math.abs(notchesY)),
      ...repeat(notchesX > 0 ? BUTTON_WHEEL_RIGHT : BUTTON_WHEEL_LEFT, Math.abs(notchesX)),
    ];
  }

  /** Forgets partial notches, for example when the pointer leaves the panel. */
  reset(): void {
    this.x = 0;
    this.y = 0;
  }
}

function toUnits(delta: number, deltaMode: number, pageSize: number): number {
  if (!Number.isFinite(delta)) {
    return 0;
  }
  if (deltaMode === DOM_DELTA_LINE) {
    return delta * WHEEL_UNITS_PER_NOTCH;
  }
  if (deltaMode === DOM_DELTA_PAGE) {
    return delta * pageSize;
  }
  return delta;
}

/** Returns the whole notches in `accumulated + units` and the remainder to keep. */
function takeNotches(accumulated: number, units: number): [notches: number, remainder: number] {
  // A change of direction starts from zero, so leftovers of the other direction are dropped.
  const start = Math.sign(accumulated) * Math.sign(units) < 0 ? 0 : accumulated;
  const total = start + units;
  const notches = Math.trunc(total / WHEEL_UNITS_PER_NOTCH);
  if (Math.abs(notches) > MAX_NOTCHES_PER_EVENT) {
    return [Math.sign(notches) * MAX_NOTCHES_PER_EVENT, 0];
  }
  return [notches, total - notches * WHEEL_UNITS_PER_NOTCH];
}

function repeat(button: number, count: number): number[] {
  return new Array<number>(count).fill(button);
}
