/**
 * The hello exchange on one connection: send our hello with one packet encoder, respond to
 * password challenges, and wait for the server hello, a rejection, or a sign that the
 * server cannot read this encoder.
 */
import type { Dict, Encoder, Packet } from '../protocol/types';
import { asBytes, asDict, asText } from '../protocol';
import { AuthError, answerChallenge } from './auth';
import type { PacketChannel, ChannelEvent } from './channel';
import {
  NO_PASSWORD_MESSAGE,
  describeDisconnect,
  describeServerText,
  isEncoderDisconnect,
  isEncoderRejection,
} from './disconnect';
import type { AttachOptions, Logger } from './types';

export type HandshakeResult =
  | { kind: 'hello'; serverCaps: Dict; encoder: Encoder }
  /** The server could not read our encoder. `detail` describes the server's response. */
  | { kind: 'wrong-encoder'; detail: string };

/** An attach that failed for a reason a person can act on; `message` is that sentence. */
export class AttachError extends Error {
  override name = 'AttachError';
}

export interface HandshakeParameters {
  channel: PacketChannel;
  hello: Dict;
  host: string;
  port: number;
  username?: string;
  tls: boolean;
  /** Time left for the handshake, in ms. */
  timeoutMs: number;
  /** The whole attach limit, in ms, named in the timeout message. */
  limitMs: number;
  getPassword: AttachOptions['getPassword'];
  logger: Logger;
}

/**
 * Runs the handshake. Resolves with the server hello or a wrong-encoder result, and
 * rejects with AttachError for every other outcome.
 */
export function runHandshake(parameters: HandshakeParameters): Promise<HandshakeResult> {
  return new Promise<HandshakeResult>((resolve, reject) => {
    new Handshake(parameters, resolve, reject).start();
  });
}

class Handshake {
  private timer: NodeJS.Timeout | undefined;
  private settled = false;
  /** Events that arrive while the password prompt is open. */
  private readonly pending: ChannelEvent[] = [];

  constructor(
    private readonly parameters: HandshakeParameters,
    private readonly resolve: (result: HandshakeResult) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  start(): void {
    const { channel } = this.parameters;
    channel.setConsumer((event) => this.onEvent(event));
    channel.send(['hello', this.parameters.hello]);
    this.startTimer();
  }

  private startTimer(): void {
    const seconds = this.parameters.limitMs / 1000;
    this.timer = setTimeout(() => {
      this.fail(new AttachError(`timed out after ${seconds} s waiting for the server hello`));
      this.parameters.channel.destroy();
    }, this.parameters.timeoutMs);
  }

  private finish(result: HandshakeResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.parameters.channel.setConsumer(undefined);
    this.resolve(result);
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.parameters.channel.setConsumer(undefined);
    this.reject(error);
  }

  private onEvent(event: ChannelEvent): void {
    if (event.kind === 'text') {
      this.onText(event.text.trim());
    } else if (event.kind === 'closed') {
      if (event.error) {
        const error =
          event.error instanceof AttachError
            ? event.error
            : new AttachError(
                `the connection failed before the server hello: ${event.error.message}`,
              );
        this.fail(error);
      } else {
        this.finish({
          kind: 'wrong-encoder',
          detail: 'the server closed the connection before its hello',
        });
      }
    } else {
      this.onPacket(event.packet, event.encoder);
    }
  }

  private onText(text: string): void {
    this.parameters.logger.debug(
      'handshake',
      `plain text from the server before its hello: ${text}`,
    );
    if (isEncoderRejection(text)) {
      this.finish({ kind: 'wrong-encoder', detail: text });
    } else {
      this.fail(new AttachError(describeServerText(text)));
    }
    this.parameters.channel.destroy();
  }

  private onPacket(packet: Packet, encoder: Encoder): void {
    const [name, ...fields] = packet;
    if (name === 'hello') {
      this.finish({ kind: 'hello', serverCaps: asDict(fields[0], 'server hello'), encoder });
    } else if (name === 'disconnect') {
      const reason = fields[0] === undefined ? '' : asText(fields[0]);
      const details = fields.slice(1).map((field) => asText(field));
      if (isEncoderDisconnect(reason, details)) {
        this.finish({ kind: 'wrong-encoder', detail: [reason, ...details].join(': ') });
      } else {
        this.fail(new AttachError(describeDisconnect(reason, details)));
      }
      this.parameters.channel.destroy();
    } else if (name === 'challenge') {
      this.onChallenge(packet);
    } else {
      this.parameters.logger.debug('handshake', `ignoring '${name}' before the server hello`);
    }
  }

  /** Pauses the timeout while the password is requested, then sends the second hello. */
  private onChallenge(packet: Packet): void {
    const { channel } = this.parameters;
    clearTimeout(this.timer);
    channel.setConsumer((event) => this.pending.push(event));
    answerChallengePacket(packet, this.parameters).then(
      (reply) => {
        if (this.settled) return;
        channel.send(['hello', reply]);
        this.startTimer();
        channel.setConsumer((event) => this.onEvent(event));
        for (const event of this.pending.splice(0)) this.onEvent(event);
      },
      (error: unknown) => {
        this.fail(
          error instanceof AttachError
            ? error
            : new AttachError(error instanceof Error ? error.message : String(error)),
        );
        channel.send(['disconnect', 'client request']);
        channel.end();
      },
    );
  }
}

async function answerChallengePacket(
  packet: Packet,
  parameters: HandshakeParameters,
): Promise<Dict> {
  // Fields: server salt, auth caps, digest, salt digest, prompt.
  const serverSalt = asBytes(packet[1], 'challenge salt');
  const digest = packet[3] === undefined ? 'hmac' : asText(packet[3]);
  const saltDigest = packet[4] === undefined ? 'xor' : asText(packet[4]);
  const prompt = packet[5] === undefined ? 'password' : asText(packet[5]);
  parameters.logger.info(
    'auth',
    `the server requests a ${prompt} (digest ${digest}, salt digest ${saltDigest})`,
  );
  if (!parameters.getPassword) {
    throw new AttachError(NO_PASSWORD_MESSAGE);
  }
  const password = await parameters.getPassword({
    prompt,
    username: parameters.username,
    host: parameters.host,
    port: parameters.port,
  });
  if (password === undefined) {
    throw new AttachError(NO_PASSWORD_MESSAGE);
  }
  try {
    const answer = answerChallenge(
      { serverSalt, digest, saltDigest, prompt },
      password,
      parameters.tls,
    );
    return {
      ...parameters.hello,
      challenge_response: answer.response,
      challenge_client_salt: answer.clientSalt,
    };
  } catch (error) {
    if (error instanceof AuthError) throw new AttachError(error.message);
    throw error;
  }
}
