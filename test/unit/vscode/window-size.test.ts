import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitWindowSize } from '../../../src/vscode/window-size';

const DESKTOP = { width: 2560, height: 1600 };

test('fit without hints takes the tab size', () => {
  assert.deepEqual(fitWindowSize({ width: 800.7, height: 600.2 }, {}, DESKTOP), { width: 800, height: 600 });
});

test('fit clamps to minimum and maximum', () => {
  const hints = { minWidth: 200, minHeight: 100, maxWidth: 640, maxHeight: 480 };
  assert.deepEqual(fitWindowSize({ width: 50, height: 40 }, hints, DESKTOP), { width: 200, height: 100 });
  assert.deepEqual(fitWindowSize({ width: 1000, height: 900 }, hints, DESKTOP), { width: 640, height: 480 });
});

test('fit never exceeds the desktop', () => {
  assert.deepEqual(fitWindowSize({ width: 5000, height: 3000 }, {}, DESKTOP), { width: 2560, height: 1600 });
});

test('fit rounds down to character cells', () => {
  // An xterm-like window: 6x13 cells plus a 4 pixel border.
  const hints = { baseWidth: 4, baseHeight: 4, widthIncrement: 6, heightIncrement: 13, minWidth: 10, minHeight: 17 };
  const size = fitWindowSize({ width: 803, height: 601 }, hints, DESKTOP);
  assert.equal(size.width, 4 + 133 * 6);
  assert.equal(size.height, 4 + 45 * 13);
});

test('fit keeps increments above the minimum', () => {
  const hints = { minWidth: 25, widthIncrement: 10, baseWidth: 0 };
  // 25 is not base + n * increment, so the smallest allowed width is 30.
  assert.equal(fitWindowSize({ width: 10, height: 10 }, hints, DESKTOP).width, 30);
  assert.equal(fitWindowSize({ width: 39, height: 10 }, hints, DESKTOP).width, 30);
});

test('fit lets the minimum win over a smaller maximum', () => {
  const size = fitWindowSize({ width: 300, height: 300 }, { minWidth: 400, maxWidth: 100 }, DESKTOP);
  assert.equal(size.width, 400);
});

test('fit treats invalid sizes as one pixel', () => {
  assert.deepEqual(fitWindowSize({ width: Number.NaN, height: -5 }, {}, DESKTOP), { width: 1, height: 1 });
});
