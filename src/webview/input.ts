/**
 * Keyboard, pointer, wheel and focus capture. Pointer positions are sent relative to the
 * window under the pointer, or to the top-level window over empty space. Keys go to the
 * focused window, which is the top-level window until another window is clicked.
 */
import { keyForEvent } from '../keymap';
import type { FrameScheduler } from './frame-scheduler';
import type { WebviewMessage } from './messages';
import type { RemoteWindow } from './remote-window';
import { WheelAccumulator } from './wheel';

/** The panel side that input capture needs. */
export interface InputWindows {
  /** Returns the window whose element contains `target`, or undefined. */
  windowForElement(target: EventTarget | null): RemoteWindow | undefined;
  /** Returns the panel's top-level window, once it exists. */
  topLevel(): RemoteWindow | undefined;
  /** Returns the window with this wid, if it still exists. */
  get(wid: number): RemoteWindow | undefined;
}

/** KeyboardEvent.getModifierState names and the modifier words the webview sends. */
const MODIFIERS: ReadonlyArray<readonly [string, string]> = [
  ['Shift', 'shift'],
  ['CapsLock', 'lock'],
  ['Control', 'control'],
  ['Alt', 'alt'],
  ['Meta', 'meta'],
  ['AltGraph', 'altgr'],
  ['NumLock', 'numlock'],
];

/** MouseEvent.button values and their X button numbers (back and forward are 8 and 9). */
const X_BUTTONS: readonly number[] = [1, 2, 3, 8, 9];
/** MouseEvent.buttons bits and their X button numbers. */
const BUTTON_BITS: ReadonlyArray<readonly [number, number]> = [[1, 1], [2, 3], [4, 2], [8, 8], [16, 9]];

/** Returns the modifier words for the modifiers held during an event. */
export function modifierNames(event: { getModifierState(key: string): boolean }): string[] {
  return MODIFIERS.filter(([state]) => event.getModifierState(state)).map(([, name]) => name);
}

function pressedButtons(buttons: number): number[] {
  return BUTTON_BITS.filter(([bit]) => (buttons & bit) !== 0).map(([, button]) => button);
}

interface PointerPosition {
  wid: number;
  x: number;
  y: number;
}

export class InputCapture {
  private focusedWid: number | undefined;
  private pendingMove: Extract<WebviewMessage, { type: 'pointer-move' }> | undefined;
  private readonly wheel = new WheelAccumulator();
  /** The window that receives pointer events while a button is held (pointer capture). */
  private grabWid: number | undefined;
  /** Keys pressed and not yet released, by KeyboardEvent.code, with what was sent for them. */
  private readonly pressedKeys = new Map<string, Extract<WebviewMessage, { type: 'key' }>>();

  constructor(
    private readonly root: HTMLElement,
    private readonly windows: InputWindows,
    private readonly scheduler: FrameScheduler,
    private readonly post: (message: WebviewMessage) => void,
  ) {
    root.addEventListener('pointermove', (event) => this.onPointerMove(event));
    root.addEventListener('pointerdown', (event) => this.onPointerButton(event, true));
    root.addEventListener('pointerup', (event) => this.onPointerButton(event, false));
    root.addEventListener('contextmenu', (event) => event.preventDefault());
    root.addEventListener('wheel', (event) => this.onWheel(event), { passive: false });
    window.addEventListener('keydown', (event) => this.onKey(event, true));
    window.addEventListener('keyup', (event) => this.onKey(event, false));
    window.addEventListener('focus', () => this.onFocus(true));
    window.addEventListener('blur', () => this.onFocus(false));
  }

  /** Returns the wid that receives keys. */
  private keyTarget(): number | undefined {
    if (this.focusedWid !== undefined && this.windows.get(this.focusedWid) !== undefined) {
      return this.focusedWid;
    }
    return this.windows.topLevel()?.wid;
  }

  /**
   * Returns the pointer position relative to the window under the pointer or, while a
   * button is held, relative to the window where the button went down.
   */
  private positionOf(event: MouseEvent): PointerPosition | undefined {
    const grabbed = this.grabWid === undefined ? undefined : this.windows.get(this.grabWid);
    const target = grabbed ?? this.windows.windowForElement(event.target) ?? this.windows.topLevel();
    if (target === undefined) {
      return undefined;
    }
    const bounds = target.canvas.getBoundingClientRect();
    const scaleX = bounds.width > 0 ? target.canvas.width / bounds.width : 1;
    const scaleY = bounds.height > 0 ? target.canvas.height / bounds.height : 1;
    return {
      wid: target.wid,
      x: Math.round((event.clientX - bounds.left) * scaleX),
      y: Math.round((event.clientY - bounds.top) * scaleY),
    };
  }

  private onPointerMove(event: PointerEvent): void {
    const position = this.positionOf(event);
    if (position === undefined) {
      return;
    }
    this.pendingMove = {
      type: 'pointer-move',
      ...position,
      modifiers: modifierNames(event),
      buttons: pressedButtons(event.buttons),
    };
    this.scheduler.request(this.sendPendingMove);
  }

  private readonly sendPendingMove = (): void => {
    const move = this.pendingMove;
    this.pendingMove = undefined;
    if (move !== undefined) {
      this.post(move);
    }
  };

  private onPointerButton(event: PointerEvent, pressed: boolean): void {
    const button = X_BUTTONS[event.button];
    const position = this.positionOf(event);
    if (button === undefined || position === undefined) {
      return;
    }
    event.preventDefault();
    if (pressed) {
      this.root.focus({ preventScroll: true });
      this.root.setPointerCapture(event.pointerId);
      this.grabWid = position.wid;
      this.focusWindow(position.wid);
    } else if (event.buttons === 0) {
      this.grabWid = undefined;
    }
    // The server must see the pointer at the button's position before the button itself.
    this.sendPendingMove();
    this.post({
      type: 'button',
      ...position,
      button,
      pressed,
      modifiers: modifierNames(event),
      buttons: pressedButtons(event.buttons),
    });
  }

  private onWheel(event: WheelEvent): void {
    const position = this.positionOf(event);
    if (position === undefined) {
      return;
    }
    event.preventDefault();
    const clicks = this.wheel.add(
      event.deltaX, event.deltaY, event.deltaMode, this.root.clientWidth, this.root.clientHeight,
    );
    if (clicks.length === 0) {
      return;
    }
    this.sendPendingMove();
    const modifiers = modifierNames(event);
    const buttons = pressedButtons(event.buttons);
    for (const button of clicks) {
      this.post({ type: 'button', ...position, button, pressed: true, modifiers, buttons });
      this.post({ type: 'button', ...position, button, pressed: false, modifiers, buttons });
    }
  }

  private onKey(event: KeyboardEvent, pressed: boolean): void {
    if (event.isComposing) {
      return;
    }
    const wid = this.keyTarget();
    const key = keyForEvent(event);
    if (wid === undefined || key === undefined) {
      return;
    }
    // The remote window consumes the key: no browser default such as focus moves on Tab.
    event.preventDefault();
    const message: Extract<WebviewMessage, { type: 'key' }> = {
      type: 'key',
      wid,
      keyname: key.keyname,
      pressed,
      keyval: key.keyval,
      keycode: key.keycode,
      text: pressed ? key.text : '',
      modifiers: modifierNames(event),
      group: 0,
    };
    if (pressed) {
      this.pressedKeys.set(event.code || event.key, message);
    } else {
      this.pressedKeys.delete(event.code || event.key);
    }
    this.post(message);
  }

  private focusWindow(wid: number): void {
    if (this.focusedWid === wid) {
      return;
    }
    this.focusedWid = wid;
    if (document.hasFocus()) {
      this.post({ type: 'focus', wid, focused: true });
    }
  }

  private onFocus(focused: boolean): void {
    const wid = this.keyTarget();
    if (!focused) {
      this.releaseKeys();
      this.wheel.reset();
    }
    if (wid !== undefined) {
      this.post({ type: 'focus', wid, focused });
    }
  }

  /** Sends a release for every key still down, so no key stays stuck when focus leaves. */
  private releaseKeys(): void {
    for (const message of this.pressedKeys.values()) {
      this.post({ ...message, pressed: false, text: '', modifiers: [] });
    }
    this.pressedKeys.clear();
  }
}
