/**
 * The file format of a recorded session: the host messages exactly as the panel host posted
 * them, in order, each with its time and the top-level window whose page received it.
 *
 * Layout: the magic line `xpra-bench-recording 1\n`, then four parts per message. They are
 * a 4-byte little-endian header length, the JSON header `{ t, page, message }`, a 4-byte
 * little-endian byte count, and that many bytes (none for a message without bytes). `t` is
 * in milliseconds since the recording started. In `message`, `$binaryField` names the field
 * that the bytes belong to.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { HostMessage } from '../../src/webview/messages';

const MAGIC = Buffer.from('xpra-bench-recording 1\n', 'latin1');
/** Largest header accepted when reading, far above any real one, so a corrupt file fails fast. */
const MAX_HEADER_BYTES = 1024 * 1024;

export interface RecordedMessage {
  /** Milliseconds since the recording started. */
  t: number;
  /** The top-level window whose page the message went to. */
  page: number;
  message: HostMessage;
}

function splitBytes(message: HostMessage): { header: Record<string, unknown>; bytes: Uint8Array } {
  const header: Record<string, unknown> = {};
  let bytes: Uint8Array = new Uint8Array(0);
  for (const [key, value] of Object.entries(message)) {
    if (value instanceof Uint8Array) {
      header.$binaryField = key;
      bytes = value;
    } else {
      header[key] = value;
    }
  }
  return { header, bytes };
}

export function writeRecording(file: string, messages: RecordedMessage[]): void {
  const parts: Uint8Array[] = [MAGIC];
  for (const { t, page, message } of messages) {
    const { header, bytes } = splitBytes(message);
    const json = Buffer.from(JSON.stringify({ t, page, message: header }), 'utf8');
    const lengths = Buffer.alloc(4);
    lengths.writeUInt32LE(json.length, 0);
    const byteCount = Buffer.alloc(4);
    byteCount.writeUInt32LE(bytes.byteLength, 0);
    parts.push(lengths, json, byteCount, bytes);
  }
  writeFileSync(file, Buffer.concat(parts));
}

export function readRecording(file: string): RecordedMessage[] {
  const data = readFileSync(file);
  if (data.length < MAGIC.length || !data.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new Error(`${file} is not a benchmark recording: it does not start with '${MAGIC.toString('latin1').trim()}'`);
  }
  const messages: RecordedMessage[] = [];
  let offset = MAGIC.length;
  while (offset < data.length) {
    const fail = (what: string): never => {
      throw new Error(`${file} is truncated or corrupt at byte ${offset}: ${what}`);
    };
    if (offset + 4 > data.length) fail('missing header length');
    const headerLength = data.readUInt32LE(offset);
    if (headerLength > MAX_HEADER_BYTES || offset + 4 + headerLength + 4 > data.length) fail(`invalid header length ${headerLength}`);
    const entry = JSON.parse(data.toString('utf8', offset + 4, offset + 4 + headerLength)) as {
      t: number;
      page: number;
      message: Record<string, unknown>;
    };
    offset += 4 + headerLength;
    const byteCount = data.readUInt32LE(offset);
    if (offset + 4 + byteCount > data.length) fail(`invalid byte count ${byteCount}`);
    const field = entry.message.$binaryField;
    if (typeof field === 'string') {
      delete entry.message.$binaryField;
      entry.message[field] = new Uint8Array(data.subarray(offset + 4, offset + 4 + byteCount));
    }
    offset += 4 + byteCount;
    messages.push({ t: entry.t, page: entry.page, message: entry.message as unknown as HostMessage });
  }
  return messages;
}
