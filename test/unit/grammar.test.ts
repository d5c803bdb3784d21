import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = path.resolve(__dirname, '..', '..');
let grammar: textmate.IGrammar;

/** Tokenizes lines and returns, for each token, its text and its innermost scope. */
function tokenize(lines: string[]): Array<Array<[string, string]>> {
  let state = textmate.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((token) => [
      line.slice(token.startIndex, token.endIndex),
      token.scopes[token.scopes.length - 1],
    ]);
  });
}

function scopeOf(line: string, text: string, previous: string[] = []): string {
  const tokens = tokenize([...previous, line]).pop()!;
  const token = tokens.find(([tokenText]) => tokenText === text);
  assert.ok(token, `no token '${text}' in ${JSON.stringify(tokens)}`);
  return token[1];
}

describe('xpra grammar', () => {
  before(async () => {
    const wasm = readFileSync(
      path.join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'),
    );
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
    const registry = new textmate.Registry({
      onigLib: Promise.resolve({
        createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
        createOnigString: (text: string) => new oniguruma.OnigString(text),
      }),
      loadGrammar: async (scopeName: string) => {
        if (scopeName !== 'source.xpra') {
          return null;
        }
        const file = path.join(root, 'syntaxes', 'xpra-session.tmLanguage.json');
        return textmate.parseRawGrammar(readFileSync(file, 'utf8'), file);
      },
    });
    const loaded = await registry.loadGrammar('source.xpra');
    assert.ok(loaded);
    grammar = loaded;
  });

  it('scopes keys and the equals sign', () => {
    assert.equal(
      scopeOf('ssl-ca-certs = /etc/ca.pem', 'ssl-ca-certs'),
      'support.type.property-name.xpra',
    );
    assert.equal(scopeOf('ssl-ca-certs = /etc/ca.pem', '='), 'keyword.operator.assignment.xpra');
    assert.equal(
      scopeOf('ssl-ca-certs = /etc/ca.pem', '/etc/ca.pem'),
      'string.unquoted.value.xpra',
    );
  });

  it('scopes comment lines', () => {
    assert.equal(scopeOf('# a comment', ' a comment'), 'comment.line.number-sign.xpra');
    assert.equal(scopeOf('  ! another', '!'), 'punctuation.definition.comment.xpra');
  });

  it('keeps # inside a value', () => {
    assert.equal(scopeOf('title=a # b', 'a # b'), 'string.unquoted.value.xpra');
  });

  it('scopes booleans and numbers', () => {
    assert.equal(scopeOf('autoconnect=yes', 'yes'), 'constant.language.boolean.xpra');
    assert.equal(scopeOf('sharing=False', 'False'), 'constant.language.boolean.xpra');
    assert.equal(scopeOf('port=10000', '10000'), 'constant.numeric.decimal.xpra');
  });

  it('scopes hosts and addresses', () => {
    assert.equal(scopeOf('host=example.com', 'example.com'), 'entity.name.tag.host.xpra');
    assert.equal(scopeOf('host=203.0.113.10', '203.0.113.10'), 'constant.numeric.ip-address.xpra');
    assert.equal(scopeOf('host=::1', '::1'), 'constant.numeric.ip-address.xpra');
  });

  it('scopes URIs', () => {
    assert.equal(
      scopeOf('register=ssl://example.com:10000/', 'ssl://example.com:10000/'),
      'markup.underline.link.xpra',
    );
  });

  it('scopes hex and base64 blobs', () => {
    assert.equal(
      scopeOf('ssl-ca-data=2d2d2d2d2d424547494e', '2d2d2d2d2d424547494e'),
      'constant.numeric.hex.xpra',
    );
    assert.equal(scopeOf('ssl-ca-data=0x3082010a0282010100', '0x'), 'storage.type.encoding.xpra');
    assert.equal(
      scopeOf('ssl-ca-data=base64:MIIBkTCB+wIJAKHB', 'base64:'),
      'storage.type.encoding.xpra',
    );
    assert.equal(
      scopeOf('ssl-ca-data=base64:MIIBkTCB+wIJAKHB', 'MIIBkTCB+wIJAKHB'),
      'string.unquoted.base64.xpra',
    );
  });

  it('continues a value on the next line', () => {
    const [first, comment, second, next] = tokenize([
      'title=first \\',
      '# dropped',
      'second',
      'port=1',
    ]);
    assert.deepEqual(
      first.find(([text]) => text === '\\'),
      ['\\', 'constant.character.escape.line-continuation.xpra'],
    );
    assert.equal(comment[comment.length - 1][1], 'comment.line.number-sign.xpra');
    assert.deepEqual(second, [['second', 'string.unquoted.value.xpra']]);
    assert.deepEqual(next[0], ['port', 'support.type.property-name.xpra']);
  });

  it('marks a byte-order mark before the first key', () => {
    assert.equal(scopeOf('\ufeffhost=a', '\ufeff'), 'invalid.illegal.byte-order-mark.xpra');
  });

  it('leaves lines without equals unscoped', () => {
    const [tokens] = tokenize(['; not a comment']);
    assert.deepEqual(
      tokens.map(([, scope]) => scope),
      ['source.xpra'],
    );
  });
});
