/**
 * Keep-alive in both directions. The server pings every 5 s and disconnects a client that
 * has not echoed for 60 s. Our own pings measure the round-trip latency.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { asInt, asText } from '../protocol';
import type { PacketHandlers, SessionContext } from './context';

/** How often we ping the server, in milliseconds. */
export const PING_INTERVAL_MS = 5000;

export class Pings {
  private timer: NodeJS.Timeout | undefined;
  private latencyMs = -1;

  constructor(private readonly context: SessionContext) {}

  readonly handlers: PacketHandlers = {
    ping: (packet) => {
      // Fields: the server's time, its wall-clock time and, through a proxy, a source id.
      const sourceId = packet[3] === undefined ? '' : asText(packet[3]);
      const [load1, load5, load15] = loadavg().map((load) => Math.round(load * 1000));
      this.context.send(
        'ping_echo',
        packet[1] ?? 0,
        load1,
        load5,
        load15,
        this.latencyMs,
        sourceId,
      );
    },
    ping_echo: (packet) => {
      const sent = asInt(packet[1]);
      const latency = Math.max(0, Math.round(monotonicMs() - sent));
      this.latencyMs = latency;
      this.context.emit('latency', latency);
    },
  };

  start(): void {
    this.stop();
    this.timer = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.timer.unref();
    this.ping();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  ping(): void {
    this.context.send('ping', Math.round(monotonicMs()));
  }
}

/** Milliseconds since this process started, on a clock that never goes back. */
function monotonicMs(): number {
  return performance.now();
}
