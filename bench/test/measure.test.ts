import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLoopbackCertificate } from '../lib/certificate';
import { measureRun } from '../lib/measure';
import { nullClient } from '../clients/null';

// A real xpra 3.1.3 server on loopback with the clock workload, measured through the null client.
test('null client run on clock', { timeout: 90_000 }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'bench-measure-test-'));
  const certificate = await makeLoopbackCertificate(directory);
  const result = await measureRun({ workload: 'clock', driver: nullClient, repetition: 1, seconds: 3, certificate, directory });
  assert.equal(result.client, 'null');
  assert.equal(result.windowSize, '(800, 600)');
  assert.ok(result.updatesPerSecond > 0.3, `updates per second: ${result.updatesPerSecond}`);
  assert.ok(result.drawsPerSecond > 0.3, `draws per second: ${result.drawsPerSecond}`);
  assert.ok(result.bytesPerSecond > 0, `bytes per second: ${result.bytesPerSecond}`);
  assert.ok(Object.keys(result.encodings).length > 0, 'no encoding was counted');
  assert.ok(result.firstFrameSeconds > 0, `first frame: ${result.firstFrameSeconds}`);
  assert.ok(result.hostCpuMs > 0, `host CPU: ${result.hostCpuMs}`);
});
