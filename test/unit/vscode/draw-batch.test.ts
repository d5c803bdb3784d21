import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrawBatcher } from '../../../src/vscode/draw-batch';
import type { DrawMessage, HostMessage } from '../../../src/webview/messages';

function draw(seq: number): DrawMessage {
  return {
    type: 'draw',
    wid: 1,
    x: 0,
    y: 0,
    width: 1,
    height: 1,
    coding: 'rgb24',
    seq,
    rowstride: 3,
    compression: 'none',
    flush: 0,
    data: new Uint8Array(3),
  };
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('draw batcher', () => {
  it('sends one turn as one batch', async () => {
    const sent: HostMessage[] = [];
    const batcher = new DrawBatcher(async (message) => {
      sent.push(message);
      return true;
    });
    const delivered = [batcher.add(draw(1)), batcher.add(draw(2)), batcher.add(draw(3))];
    assert.equal(sent.length, 0);
    await nextTurn();
    assert.equal(sent.length, 1);
    assert.equal(sent[0].type, 'draw-batch');
    assert.deepEqual(sent[0].type === 'draw-batch' && sent[0].draws.map((each) => each.seq), [1, 2, 3]);
    assert.deepEqual(await Promise.all(delivered), [true, true, true]);
  });

  it('sends a lone draw as is', async () => {
    const sent: HostMessage[] = [];
    const batcher = new DrawBatcher(async (message) => {
      sent.push(message);
      return true;
    });
    const lone = draw(4);
    await batcher.add(lone);
    assert.equal(sent.length, 1);
    assert.equal(sent[0], lone);
  });

  it('flush keeps message order', async () => {
    const sent: HostMessage[] = [];
    const batcher = new DrawBatcher(async (message) => {
      sent.push(message);
      return true;
    });
    void batcher.add(draw(5));
    void batcher.add(draw(6));
    batcher.flush();
    sent.push({ type: 'eos', wid: 1 });
    void batcher.add(draw(7));
    await nextTurn();
    assert.deepEqual(sent.map((message) => message.type), ['draw-batch', 'eos', 'draw']);
  });

  it('reports undelivered batches', async () => {
    const failing = new DrawBatcher(async () => false);
    assert.deepEqual(await Promise.all([failing.add(draw(8)), failing.add(draw(9))]), [false, false]);
    const throwing = new DrawBatcher(() => Promise.reject(new Error('panel disposed')));
    assert.equal(await throwing.add(draw(10)), false);
  });
});
