import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttachLinkError, parseAttachLink } from '../../../src/vscode/trust/attach-link';

function rejects(path: string, query: string, message: RegExp, options = {}): void {
  assert.throws(() => parseAttachLink(path, query, options), (error: unknown) => {
    assert.ok(error instanceof AttachLinkError, String(error));
    assert.match(error.message, message);
    return true;
  });
}

describe('parseAttachLink', () => {
  it('accepts an ssl URI', () => {
    const link = parseAttachLink('/attach', 'uri=ssl://alice@xpra.example:14500/');
    assert.equal(link.mode, 'ssl');
    assert.equal(link.host, 'xpra.example');
    assert.equal(link.port, 14500);
    assert.equal(link.username, 'alice');
    assert.equal(link.uri, 'ssl://alice@xpra.example:14500/');
  });

  it('accepts an encoded IPv6 URI', () => {
    const link = parseAttachLink('/attach', `uri=${encodeURIComponent('ssl://[2001:db8::1]:443/')}`);
    assert.equal(link.host, '2001:db8::1');
    assert.equal(link.port, 443);
  });

  it('rejects tcp unless allowed', () => {
    rejects('/attach', 'uri=tcp://xpra.example:14500/', /only attach with ssl:/);
    assert.equal(parseAttachLink('/attach', 'uri=tcp://xpra.example:14500/', { allowTcp: true }).mode, 'tcp');
  });

  it('rejects a URI without scheme', () => {
    rejects('/attach', 'uri=xpra.example:14500', /only attach with ssl:/);
  });

  it('rejects other schemes', () => {
    rejects('/attach', 'uri=ssh://xpra.example:22/', /invalid server URI|only attach with ssl:/);
    rejects('/attach', 'uri=ws://xpra.example:80/', /invalid server URI|only attach with ssl:/);
  });

  it('rejects a password', () => {
    rejects('/attach', `uri=${encodeURIComponent('ssl://alice:secret@xpra.example:1/')}`, /password/);
  });

  it('rejects commands and extra parameters', () => {
    rejects('/attach', 'uri=ssl://xpra.example:1/&start=xterm', /unsupported link parameter 'start'/);
    rejects('/attach', 'uri=ssl://xpra.example:1/&ssl-server-verify-mode=none', /unsupported link parameter/);
  });

  it('rejects missing or repeated uri', () => {
    rejects('/attach', '', /exactly one 'uri'/);
    rejects('/attach', 'uri=', /exactly one 'uri'/);
    rejects('/attach', 'uri=ssl://a:1/&uri=ssl://b:2/', /exactly one 'uri'/);
  });

  it('rejects other paths', () => {
    rejects('/start-server', 'uri=ssl://xpra.example:1/', /unsupported link path '\/start-server'/);
    rejects('/', 'uri=ssl://xpra.example:1/', /unsupported link path/);
  });
});
