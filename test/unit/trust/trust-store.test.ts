import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serverKey, TRUST_STATE_KEY, TrustStore, type KeyValueStore } from '../../../src/vscode/trust/trust-store';

/** An in-memory Memento that copies values, as VS Code's global state stores JSON. */
class MemoryState implements KeyValueStore {
  readonly values = new Map<string, string>();

  get<T>(key: string, defaultValue: T): T {
    const text = this.values.get(key);
    return text === undefined ? defaultValue : (JSON.parse(text) as T);
  }

  update(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}

const A = 'AB:'.repeat(31) + 'AB';
const B = 'cd'.repeat(32);
const B_NORMALIZED = 'CD:'.repeat(31) + 'CD';

describe('TrustStore', () => {
  it('pins and matches per host and port', async () => {
    const store = new TrustStore(new MemoryState());
    await store.pin('Server.Example', 14500, A, 'CN=server');
    assert.equal(store.match('server.example', 14500, A).kind, 'match');
    assert.equal(store.match('server.example', 14501, A).kind, 'none');
    assert.equal(store.match('other.example', 14500, A).kind, 'none');
  });

  it('reports a changed certificate', async () => {
    const store = new TrustStore(new MemoryState());
    await store.pin('127.0.0.1', 443, A, 'CN=old');
    const result = store.match('127.0.0.1', 443, B);
    assert.equal(result.kind, 'changed');
    assert.ok(result.kind === 'changed');
    assert.equal(result.pin.fingerprint, A);
    assert.equal(result.fingerprint, B_NORMALIZED);
  });

  it('replaces a pin only when asked', async () => {
    const store = new TrustStore(new MemoryState());
    await store.pin('127.0.0.1', 443, A, 'CN=old');
    await assert.rejects(store.pin('127.0.0.1', 443, B, 'CN=new'), /already has a pinned certificate with SHA-256 AB:AB/);
    assert.equal(store.pinFor('127.0.0.1', 443)?.fingerprint, A);
    await store.pin('127.0.0.1', 443, B, 'CN=new', { replace: true });
    assert.equal(store.pinFor('127.0.0.1', 443)?.fingerprint, B_NORMALIZED);
    assert.equal(store.list().length, 1);
  });

  it('pins the same certificate again', async () => {
    const store = new TrustStore(new MemoryState());
    await store.pin('127.0.0.1', 443, A, 'CN=one');
    await store.pin('127.0.0.1', 443, A.toLowerCase(), 'CN=one');
    assert.equal(store.list().length, 1);
  });

  it('treats bracketed and bare IPv6 alike', async () => {
    const store = new TrustStore(new MemoryState());
    await store.pin('[::1]', 10000, A, 'CN=v6');
    assert.equal(store.match('::1', 10000, A).kind, 'match');
    assert.equal(store.pinFor('::1', 10000)?.host, '::1');
    assert.equal(serverKey('[::1]', 10000), '[::1]:10000');
  });

  it('rejects an invalid fingerprint', async () => {
    const store = new TrustStore(new MemoryState());
    await assert.rejects(store.pin('127.0.0.1', 443, 'not-a-fingerprint', 'CN=x'), /invalid SHA-256 fingerprint/);
    assert.equal(store.list().length, 0);
  });

  it('keeps CA files beside pins', async () => {
    const store = new TrustStore(new MemoryState());
    await store.pin('127.0.0.1', 443, A, 'CN=leaf');
    await store.trustCa('127.0.0.1', 443, '/tmp/ca.pem', { fingerprint: B, subject: 'CN=CA' });
    assert.equal(store.caFor('127.0.0.1', 443)?.caFile, '/tmp/ca.pem');
    assert.equal(store.pinFor('127.0.0.1', 443)?.fingerprint, A);
    assert.equal(store.list().length, 2);
  });

  it('removes one kind of entry', async () => {
    const store = new TrustStore(new MemoryState());
    await store.pin('127.0.0.1', 443, A, 'CN=leaf');
    await store.trustCa('127.0.0.1', 443, '/tmp/ca.pem', { fingerprint: B, subject: 'CN=CA' });
    assert.equal(await store.remove('pin', '127.0.0.1', 443), true);
    assert.equal(await store.remove('pin', '127.0.0.1', 443), false);
    assert.equal(store.pinFor('127.0.0.1', 443), undefined);
    assert.equal(store.caFor('127.0.0.1', 443)?.caFile, '/tmp/ca.pem');
  });

  it('skips malformed stored entries', async () => {
    const state = new MemoryState();
    await state.update(TRUST_STATE_KEY, [null, 7, { kind: 'pin', host: 'h', port: '1' }, { kind: 'ca', host: 'h', port: 1, fingerprint: A, subject: 's', added: 'd' }]);
    assert.deepEqual(new TrustStore(state).list(), []);
    await state.update(TRUST_STATE_KEY, 'not a list');
    assert.deepEqual(new TrustStore(state).list(), []);
  });
});
