import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asBool, asBytes, asDict, asInt, asList, asNumber, asText, ProtocolError } from '../../../src/protocol';
import { ascii } from './helpers';

function assertFieldError(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ProtocolError);
    assert.match(error.message, message);
    return true;
  });
}

describe('packet field getters', () => {
  it('reads text from text and bytes', () => {
    assert.equal(asText('title'), 'title');
    assert.equal(asText(ascii('\xc3\xa9t\xc3\xa9')), 'été');
    assert.equal(asText(ascii('\xff')), '\ufffd');
  });

  it('reads bytes from bytes and text', () => {
    assert.deepEqual(asBytes(ascii('abc')), ascii('abc'));
    assert.deepEqual(asBytes('é'), ascii('\xc3\xa9'));
  });

  it('reads integers', () => {
    assert.equal(asInt(42), 42);
    assert.equal(asInt(42n), 42);
    assert.equal(asInt(true), 1);
    assertFieldError(() => asInt(1.5, 'wid'), /invalid packet field wid: expected an integer, got number/);
    assertFieldError(() => asInt(2n ** 60n, 'wid'), /expected an integer, got bigint/);
  });

  it('reads numbers', () => {
    assert.equal(asNumber(0.25), 0.25);
    assert.equal(asNumber(7n), 7);
    assertFieldError(() => asNumber('1', 'scale'), /field scale: expected a number, got string/);
  });

  it('reads booleans from 1/0 and true/false', () => {
    assert.equal(asBool(1), true);
    assert.equal(asBool(0), false);
    assert.equal(asBool(true), true);
    assert.equal(asBool(false), false);
    assertFieldError(() => asBool('True', 'flush'), /field flush: expected a boolean, got string/);
  });

  it('reads dicts and lists', () => {
    assert.deepEqual(asDict({ a: 1 }), { a: 1 });
    assert.deepEqual(asList([1, 2]), [1, 2]);
    assertFieldError(() => asDict([1], 'options'), /field options: expected a dict, got list/);
    assertFieldError(() => asDict(ascii('x'), 'options'), /got bytes/);
    assertFieldError(() => asList({}, 'windows'), /field windows: expected a list, got object/);
  });

  it('names a missing field', () => {
    assertFieldError(() => asText(undefined, 'title'), /field title: expected text, got nothing/);
    assertFieldError(() => asInt(null), /field value: expected an integer, got null/);
  });
});
