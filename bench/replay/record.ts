/**
 * `--record FILE`: attaches our client (engine plus webview) to a fresh server running one
 * workload and saves every host message posted to the pages, from the first one on, so
 * that a replay starts from the same blank canvases.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLoopbackCertificate } from '../lib/certificate';
import { startXpraServer } from '../lib/xpra-server';
import { startOurClient } from '../clients/ours';
import { checkWorkloadPrerequisites, workloadCommand, workloadWindowTitle, type WorkloadName } from '../workloads';
import { writeRecording, type RecordedMessage } from './recording';

export async function recordSession(file: string, workload: WorkloadName, seconds: number, print: (text: string) => void): Promise<void> {
  await checkWorkloadPrerequisites();
  const directory = mkdtempSync(join(tmpdir(), 'xpra-bench-record-'));
  const certificate = await makeLoopbackCertificate(directory);
  const server = await startXpraServer({
    command: workloadCommand(workload),
    windowTitle: workloadWindowTitle(workload),
    html: false,
    certificate,
    directory,
  });
  const messages: RecordedMessage[] = [];
  try {
    const { host, stop } = await startOurClient({ server, certificate, directory });
    const startedAt = performance.now();
    host.onPost = (page, message) => messages.push({ t: performance.now() - startedAt, page, message });
    try {
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    } finally {
      host.onPost = undefined;
      await stop();
    }
    if (host.counters.updates === 0) throw new Error(`nothing was painted in ${seconds} s: ${host.lastError ?? 'no error was reported'}`);
  } finally {
    await server.stop();
  }
  writeRecording(file, messages);
  const draws = messages.filter((entry) => entry.message.type === 'draw').length;
  print(`recorded ${messages.length} messages (${draws} draws) of the ${workload} workload in ${seconds} s to ${file}`);
}
