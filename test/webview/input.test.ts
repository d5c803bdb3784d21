import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import type { WebviewMessage, WindowDescription } from '../../src/webview/messages';
import { Harness } from './harness';

const TOP_LEVEL = 1;
const POPUP = 2;

type KeyMessage = Extract<WebviewMessage, { type: 'key' }>;
type ButtonMessage = Extract<WebviewMessage, { type: 'button' }>;

function describeWindow(wid: number, x: number, y: number, width: number, height: number, overrideRedirect = false): WindowDescription {
  return {
    wid, x, y, width, height,
    title: `window ${wid}`,
    overrideRedirect,
    modal: false,
    hasAlpha: false,
    sizeConstraints: {},
  };
}

describe('webview input in Chromium', () => {
  let harness: Harness;

  before(async () => {
    harness = await Harness.open(400, 300);
    // The top-level window sits at the panel's origin, so root (100, 50) is page (0, 0).
    await harness.send({ type: 'window-new', window: describeWindow(TOP_LEVEL, 100, 50, 200, 150) });
    await harness.send({ type: 'window-new', window: describeWindow(POPUP, 140, 90, 30, 30, true) });
    await harness.page.mouse.click(5, 5);
  });

  after(async () => {
    await harness?.close();
  });

  beforeEach(async () => {
    await harness.page.waitForTimeout(50);
    await harness.clearPosted();
  });

  async function keys(): Promise<KeyMessage[]> {
    return (await harness.posted()).filter((message): message is KeyMessage => message.type === 'key');
  }

  async function buttons(): Promise<ButtonMessage[]> {
    return (await harness.posted()).filter((message): message is ButtonMessage => message.type === 'button');
  }

  it('posts ready and the viewport at start', () => {
    // The h264 probe result comes at its own pace; video.test.ts checks it.
    const messages = harness.startMessages.filter((message) => message.type !== 'video-probe');
    assert.deepEqual(messages, [
      { type: 'ready' },
      { type: 'viewport', width: 400, height: 300 },
    ]);
  });

  it('posts the viewport after a resize', async () => {
    const page = harness.page;
    await page.setViewportSize({ width: 380, height: 280 });
    const [viewport] = await harness.waitForPosted('viewport', 1);
    assert.deepEqual(viewport, { type: 'viewport', width: 380, height: 280 });
  });

  it('maps a letter key press and release', async () => {
    await harness.page.keyboard.press('a');
    const messages = await keys();
    assert.equal(messages.length, 2);
    assert.deepEqual(messages[0], {
      type: 'key', wid: TOP_LEVEL, keyname: 'a', pressed: true, keyval: 0x61, keycode: 38,
      text: 'a', modifiers: [], group: 0,
    });
    assert.equal(messages[1].pressed, false);
    assert.equal(messages[1].keyname, 'a');
    assert.equal(messages[1].keycode, 38);
  });

  it('maps shifted keys with the shift modifier', async () => {
    await harness.page.keyboard.down('Shift');
    await harness.page.keyboard.press('A');
    await harness.page.keyboard.press('Digit1');
    await harness.page.keyboard.up('Shift');
    const messages = await keys();
    const summary = messages.map((message) => [message.keyname, message.keycode, message.pressed, message.modifiers.join('+')]);
    assert.deepEqual(summary, [
      ['Shift_L', 50, true, 'shift'],
      ['A', 38, true, 'shift'],
      ['A', 38, false, 'shift'],
      ['exclam', 10, true, 'shift'],
      ['exclam', 10, false, 'shift'],
      ['Shift_L', 50, false, ''],
    ]);
    assert.equal(messages[1].text, 'A');
    assert.equal(messages[3].text, '!');
  });

  it('maps control chords and special keys', async () => {
    await harness.page.keyboard.press('Control+c');
    await harness.page.keyboard.press('Enter');
    await harness.page.keyboard.press('ArrowUp');
    await harness.page.keyboard.press('Backspace');
    await harness.page.keyboard.press('Tab');
    const pressed = (await keys()).filter((message) => message.pressed);
    const summary = pressed.map((message) => [message.keyname, message.keycode, message.keyval, message.modifiers.join('+')]);
    assert.deepEqual(summary, [
      ['Control_L', 37, 0xffe3, 'control'],
      ['c', 54, 0x63, 'control'],
      ['Return', 36, 0xff0d, ''],
      ['Up', 111, 0xff52, ''],
      ['BackSpace', 22, 0xff08, ''],
      ['Tab', 23, 0xff09, ''],
    ]);
  });

  it('maps right-side modifiers and AltGr', async () => {
    await harness.page.keyboard.press('ControlRight');
    await harness.page.keyboard.press('ShiftRight');
    await harness.page.keyboard.press('AltLeft');
    await harness.page.keyboard.press('AltRight');
    await harness.page.keyboard.press('MetaLeft');
    await harness.page.keyboard.press('AltGraph');
    const pressed = (await keys()).filter((message) => message.pressed);
    assert.deepEqual(pressed.map((message) => [message.keyname, message.keycode]), [
      ['Control_R', 105],
      ['Shift_R', 62],
      ['Alt_L', 64],
      ['Alt_R', 108],
      ['Super_L', 133],
      ['ISO_Level3_Shift', 92],
    ]);
    assert.deepEqual(pressed[2].modifiers, ['alt']);
    assert.deepEqual(pressed[4].modifiers, ['meta']);
  });

  it('tells the numpad from the arrow keys', async () => {
    // Chromium's synthetic Numpad8 has Num Lock off, so it is KP_Up; Num Lock on gives '8'.
    await harness.page.keyboard.press('Numpad8');
    await harness.page.keyboard.press('NumpadEnter');
    await harness.page.evaluate(() => {
      window.dispatchEvent(new KeyboardEvent('keydown', { key: '8', code: 'Numpad8', location: 3, cancelable: true }));
    });
    const pressed = (await keys()).filter((message) => message.pressed);
    assert.deepEqual(pressed.map((message) => [message.keyname, message.keycode, message.keyval]), [
      ['KP_Up', 80, 0xff97],
      ['KP_Enter', 104, 0xff8d],
      ['KP_8', 80, 0xffb8],
    ]);
  });

  it('prevents the browser default for mapped keys', async () => {
    const prevented = await harness.page.evaluate(() => {
      const event = new KeyboardEvent('keydown', { key: 'Tab', code: 'Tab', cancelable: true, bubbles: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
    assert.equal(prevented, true);
  });

  it('sends a click as button 1 at window coordinates', async () => {
    await harness.page.mouse.click(30, 20);
    const messages = await buttons();
    assert.equal(messages.length, 2);
    assert.deepEqual(messages[0], {
      type: 'button', wid: TOP_LEVEL, button: 1, pressed: true, x: 30, y: 20, modifiers: [], buttons: [1],
    });
    assert.deepEqual(messages[1], {
      type: 'button', wid: TOP_LEVEL, button: 1, pressed: false, x: 30, y: 20, modifiers: [], buttons: [],
    });
  });

  it('sends clicks on a popup relative to the popup', async () => {
    // The popup is at root (140, 90), which is page (40, 40).
    await harness.page.mouse.click(45, 47, { button: 'right' });
    const messages = await buttons();
    assert.deepEqual(messages.map((message) => [message.wid, message.button, message.pressed, message.x, message.y]), [
      [POPUP, 3, true, 5, 7],
      [POPUP, 3, false, 5, 7],
    ]);
    const [focus] = await harness.waitForPosted('focus', 1);
    assert.deepEqual(focus, { type: 'focus', wid: POPUP, focused: true });
    await harness.page.keyboard.press('x');
    const [key] = await keys();
    assert.equal(key.wid, POPUP);
    await harness.page.mouse.click(5, 5);
  });

  it('sends the middle button as button 2', async () => {
    await harness.page.mouse.click(60, 70, { button: 'middle' });
    const messages = await buttons();
    assert.deepEqual(messages.map((message) => [message.button, message.pressed, message.x, message.y]), [
      [2, true, 60, 70],
      [2, false, 60, 70],
    ]);
  });

  it('sends one wheel notch down as one button 5 click', async () => {
    await harness.page.mouse.move(150, 120);
    await harness.page.mouse.wheel(0, 120);
    await harness.page.waitForTimeout(100);
    const messages = await buttons();
    assert.deepEqual(messages.map((message) => [message.wid, message.button, message.pressed, message.x, message.y]), [
      [TOP_LEVEL, 5, true, 150, 120],
      [TOP_LEVEL, 5, false, 150, 120],
    ]);
  });

  it('sends wheel up and sideways as buttons 4, 6 and 7', async () => {
    await harness.page.mouse.move(150, 120);
    await harness.page.mouse.wheel(0, -120);
    await harness.page.mouse.wheel(-120, 0);
    await harness.page.mouse.wheel(120, 0);
    await harness.page.waitForTimeout(100);
    const pressed = (await buttons()).filter((message) => message.pressed).map((message) => message.button);
    assert.deepEqual(pressed, [4, 6, 7]);
  });

  it('accumulates small wheel deltas into one notch', async () => {
    await harness.page.mouse.move(150, 120);
    await harness.page.mouse.wheel(0, 50);
    await harness.page.waitForTimeout(50);
    assert.deepEqual(await buttons(), []);
    await harness.page.mouse.wheel(0, 50);
    await harness.page.mouse.wheel(0, 50);
    await harness.page.waitForTimeout(100);
    const pressed = (await buttons()).filter((message) => message.pressed).map((message) => message.button);
    assert.deepEqual(pressed, [5]);
  });

  it('counts one notch per line in line mode', async () => {
    await harness.page.evaluate(() => {
      const target = document.querySelector('.xpra-desktop') as HTMLElement;
      const options = { clientX: 150, clientY: 120, bubbles: true, cancelable: true };
      target.dispatchEvent(new WheelEvent('wheel', { ...options, deltaY: 3, deltaMode: WheelEvent.DOM_DELTA_LINE }));
      target.dispatchEvent(new WheelEvent('wheel', { ...options, deltaY: -1, deltaMode: WheelEvent.DOM_DELTA_LINE }));
    });
    const pressed = (await buttons()).filter((message) => message.pressed).map((message) => message.button);
    assert.deepEqual(pressed, [5, 5, 5, 4]);
  });

  it('bounds the notches of one huge wheel event', async () => {
    await harness.page.mouse.move(150, 120);
    await harness.page.mouse.wheel(0, 120 * 50);
    await harness.page.waitForTimeout(100);
    const pressed = (await buttons()).filter((message) => message.pressed);
    assert.equal(pressed.length, 10);
  });

  it('throttles pointer motion to animation frames', async () => {
    for (let step = 0; step < 20; step++) {
      await harness.page.evaluate((x) => {
        const target = document.querySelector('.xpra-desktop') as HTMLElement;
        target.dispatchEvent(new PointerEvent('pointermove', { clientX: x, clientY: 30, bubbles: true }));
      }, 10 + step);
    }
    await harness.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const moves = (await harness.posted()).filter((message) => message.type === 'pointer-move');
    assert.ok(moves.length >= 1, 'no pointer-move was sent');
    assert.ok(moves.length < 20, `${moves.length} pointer-move messages for 20 events in fewer frames`);
    assert.deepEqual(moves.at(-1), { type: 'pointer-move', wid: TOP_LEVEL, x: 29, y: 30, modifiers: [], buttons: [] });
  });

  it('reports blur and focus of the panel', async () => {
    await harness.page.evaluate(() => {
      window.dispatchEvent(new FocusEvent('blur'));
      window.dispatchEvent(new FocusEvent('focus'));
    });
    const focus = (await harness.posted()).filter((message) => message.type === 'focus');
    assert.deepEqual(focus, [
      { type: 'focus', wid: TOP_LEVEL, focused: false },
      { type: 'focus', wid: TOP_LEVEL, focused: true },
    ]);
  });

  it('releases held keys when focus leaves', async () => {
    await harness.page.keyboard.down('KeyQ');
    await harness.page.evaluate(() => window.dispatchEvent(new FocusEvent('blur')));
    await harness.page.keyboard.up('KeyQ');
    const messages = (await keys()).map((message) => [message.keyname, message.pressed]);
    assert.deepEqual(messages.slice(0, 2), [['q', true], ['q', false]]);
  });

  it('posts visibility changes', async () => {
    // Headless Chromium keeps every page visible, so the test overrides document.hidden.
    // The script is a string because tsx would wrap the getter in a helper the page lacks.
    await harness.page.evaluate(`{
      let hidden = true;
      Object.defineProperty(document, 'hidden', { configurable: true, get() { return hidden; } });
      document.dispatchEvent(new Event('visibilitychange'));
      hidden = false;
      document.dispatchEvent(new Event('visibilitychange'));
    }`);
    const visibility = await harness.waitForPosted('visibility', 2);
    assert.deepEqual(visibility.map((message) => message.visible), [false, true]);
  });
});
