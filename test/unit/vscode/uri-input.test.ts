import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { addRecentServer, MAX_RECENT_SERVERS, recentForm, validateServerUri } from '../../../src/vscode/uri-input';

test('valid URIs pass validation', () => {
  for (const uri of ['ssl://host.example:14500/', 'ssl:10.0.0.1:443', 'ssl://alice@[::1]:10000/', '  ssl://h:1  ']) {
    assert.equal(validateServerUri(uri), undefined, uri);
  }
});

test('invalid URIs name the problem', () => {
  assert.match(validateServerUri('') ?? '', /server URI/);
  assert.match(validateServerUri('ssl://host') ?? '', /port/i);
  assert.match(validateServerUri('ssl://host:70000/') ?? '', /70000/);
  assert.match(validateServerUri('foo://host:1/') ?? '', /foo/);
});

test('recent form is canonical', () => {
  assert.equal(recentForm('ssl:Host.example:14500'), recentForm('ssl://Host.example:14500/'));
});

test('recent list puts the newest first', () => {
  const list = addRecentServer(['ssl://a:1/', 'ssl://b:2/'], 'ssl://b:2/');
  assert.deepEqual(list, ['ssl://b:2/', 'ssl://a:1/']);
});

test('recent list is bounded', () => {
  const many = Array.from({ length: 20 }, (_, i) => `ssl://h${i}:1/`);
  const list = addRecentServer(many, 'ssl://new:1/');
  assert.equal(list.length, MAX_RECENT_SERVERS);
  assert.equal(list[0], 'ssl://new:1/');
});
