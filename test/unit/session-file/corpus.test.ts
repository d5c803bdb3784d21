import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { validateSessionFileBytes } from '../../../src/session-file';

const corpus = path.join(__dirname, 'corpus');

/** Reads the `# expect: SEVERITY CODE LINE:COLUMN` lines of a corpus file (1-based). */
function expectations(text: string): string[] {
  return [...text.matchAll(/^# expect: (\S+ \S+ \d+:\d+)\s*$/gm)].map((match) => match[1]).sort();
}

describe('session-file corpus', () => {
  for (const name of readdirSync(corpus).filter((file) => file.endsWith('.xpra'))) {
    it(`reports what ${name} expects`, () => {
      const bytes = readFileSync(path.join(corpus, name));
      const found = validateSessionFileBytes(bytes, { xpraVersion: 'any' })
        .map(
          (diagnostic) =>
            `${diagnostic.severity} ${diagnostic.code} ${diagnostic.range.start.line + 1}:${diagnostic.range.start.character + 1}`,
        )
        .sort();
      assert.deepEqual(found, expectations(bytes.toString('utf8')));
    });
  }
});
