import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newPacketName, normalizeIncomingName, outgoingName } from '../../../src/protocol';

const INCOMING: [string, string][] = [
  ['window-create', 'new-window'],
  ['window-draw', 'draw'],
  ['window-destroy', 'lost-window'],
  ['window-raise', 'raise-window'],
  ['window-initiate-moveresize', 'initiate-moveresize'],
  ['window-eos', 'eos'],
  ['window-bell', 'bell'],
  ['window-draw-ack', 'damage-sequence'],
  ['window-map', 'map-window'],
  ['ping-echo', 'ping_echo'],
  ['encoding-set', 'encodings'],
  ['connection-close', 'disconnect'],
  ['display-resized', 'desktop_size'],
  ['notification-show', 'notify_show'],
  ['notification-close', 'notify_close'],
  ['display-screenshot', 'screenshot'],
  ['display-request-screenshot', 'screenshot'],
];

describe('packet names', () => {
  for (const [renamed, legacy] of INCOMING) {
    it(`normalises ${renamed}`, () => {
      assert.equal(normalizeIncomingName(renamed), legacy);
    });
  }

  it('keeps legacy and unchanged names', () => {
    for (const name of ['draw', 'hello', 'ping', 'window-icon', 'window-metadata', 'cursor-data', 'cursor-default', 'startup-complete']) {
      assert.equal(normalizeIncomingName(name), name);
    }
  });

  it('sends legacy names without a packet-types list', () => {
    assert.equal(outgoingName('map-window'), 'map-window');
  });

  it('sends legacy names when the server lists both', () => {
    assert.equal(outgoingName('damage-sequence', ['damage-sequence', 'window-draw-ack']), 'damage-sequence');
  });

  it('sends new names when the server lists only those', () => {
    assert.equal(outgoingName('damage-sequence', ['window-map', 'window-draw-ack']), 'window-draw-ack');
    assert.equal(outgoingName('screenshot', ['display-request-screenshot']), 'display-request-screenshot');
  });

  it('sends legacy names the server lists neither way', () => {
    assert.equal(outgoingName('map-window', ['hello']), 'map-window');
    assert.equal(outgoingName('key-action', ['keyboard-event']), 'key-action');
  });

  it('returns the new name of a legacy name', () => {
    assert.equal(newPacketName('ping_echo'), 'ping-echo');
    assert.equal(newPacketName('key-action'), undefined);
  });
});
