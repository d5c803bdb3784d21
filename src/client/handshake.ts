/**
 * The hello exchange on one connection: send our hello with one packet encoder, answer
 * password challenges, and wait for the server hello, a refusal, or a sign that the server
 * cannot read this encoder.
 */
import type { Dict, Encoder, Packet } from '../protocol/types';
import { asBytes, asDict, asText } from '../protocol';
import { AuthError, answerChallenge } from './auth';
import type { PacketChannel, ChannelEvent } from './channel';
import { NO_PASSWORD_MESSAGE, describeDisconnect, describeServerText, isEncoderDisconnect, isEncoderRejection } from './disconnect';
import type { AttachOptions, Logger } from './types';

export type HandshakeResult =
  | { kind: 'hello'; serverCaps: Dict; encoder: Encoder }
  /** The server could not read our encoder; `detail` says how that showed. */
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
  timeoutMs: number;
  getPassword: AttachOptions['getPassword'];
  logger: Logger;
}

/** Runs the handshake; resolves with the server hello or a wrong-encoder result, else throws AttachError. */
export function runHandshake(parameters: HandshakeParameters): Promise<HandshakeResult> {
  const { channel, logger } = parameters;
  return new Promise<HandshakeResult>((resolve, reject) => {
    let helloSeen = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void): void => {
      clearTimeout(timer);
      channel.setConsumer(undefined);
      outcome();
    };
    const startTimer = (): void => {
      timer = setTimeout(() => {
        finish(() => reject(new AttachError(`timed out after ${parameters.timeoutMs / 1000} s waiting for the server hello`)));
        channel.destroy();
      }, parameters.timeoutMs);
    };

    const onEvent = (event: ChannelEvent): void => {
      if (event.kind === 'text') {
        const text = event.text.trim();
        logger.debug('handshake', `plain text from the server before its hello: ${text}`);
        if (isEncoderRejection(text)) {
          finish(() => resolve({ kind: 'wrong-encoder', detail: text }));
        } else {
          finish(() => reject(new AttachError(describeServerText(text))));
        }
        channel.destroy();
      } else if (event.kind === 'closed') {
        if (event.error) {
          finish(() => reject(new AttachError(`the connection failed before the server hello: ${event.error?.message}`)));
        } else {
          finish(() => resolve({ kind: 'wrong-encoder', detail: 'the server closed the connection before its hello' }));
        }
      } else {
        handlePacket(event.packet, event.encoder);
      }
    };

    const handlePacket = (packet: Packet, encoder: Encoder): void => {
      const [name, ...fields] = packet;
      if (name === 'hello') {
        helloSeen = true;
        finish(() => resolve({ kind: 'hello', serverCaps: asDict(fields[0]), encoder }));
      } else if (name === 'disconnect') {
        const reason = asText(fields[0] ?? '');
        const details = fields.slice(1).map((field) => asText(field));
        if (isEncoderDisconnect(reason, details)) {
          finish(() => resolve({ kind: 'wrong-encoder', detail: [reason, ...details].join(': ') }));
        } else {
          finish(() => reject(new AttachError(describeDisconnect(reason, details))));
        }
        channel.destroy();
      } else if (name === 'challenge') {
        clearTimeout(timer);
        channel.setConsumer(queueWhileAnswering);
        answer(packet).then(
          () => {
            startTimer();
            channel.setConsumer(onEvent);
          },
          (error: unknown) => {
            finish(() => reject(error instanceof AttachError ? error : new AttachError(String(error))));
            channel.send(['disconnect', 'client request']);
            channel.end();
          },
        );
      } else if (!helloSeen) {
        logger.debug('handshake', `ignoring '${name}' before the server hello`);
      }
    };

    // Events that arrive while the password prompt is open wait here.
    const pending: ChannelEvent[] = [];
    const queueWhileAnswering = (event: ChannelEvent): void => {
      pending.push(event);
    };

    const answer = async (packet: Packet): Promise<void> => {
      const reply = await answerChallengePacket(packet, parameters);
      channel.send(['hello', reply]);
      for (const event of pending.splice(0)) onEvent(event);
    };

    channel.setConsumer(onEvent);
    channel.send(['hello', parameters.hello]);
    startTimer();
  });
}

async function answerChallengePacket(packet: Packet, parameters: HandshakeParameters): Promise<Dict> {
  const serverSalt = asBytes(packet[1]);
  const digest = asText(packet[3] ?? 'hmac');
  const saltDigest = asText(packet[4] ?? 'xor');
  const prompt = packet[5] === undefined ? 'password' : asText(packet[5]);
  parameters.logger.info('auth', `the server requests a ${prompt} (digest ${digest}, salt digest ${saltDigest})`);
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
    const answer = answerChallenge({ serverSalt, digest, saltDigest, prompt }, password, parameters.tls);
    return { ...parameters.hello, challenge_response: answer.response, challenge_client_salt: answer.clientSalt };
  } catch (error) {
    if (error instanceof AuthError) throw new AttachError(error.message);
    throw error;
  }
}
