/**
 * Validation of attach links such as
 * `vscode://xpra-sessions.xpra-sessions/attach?uri=ssl://host:port/`. A link comes from
 * outside (a web page, a chat message), so it may name a server and nothing else: no
 * password (the URI parser rejects one), no command, no other parameter. Pure: no `vscode` import.
 */
import { parseServerUri, type ServerMode, type ServerUri } from '../../transport';

/** The path of the one action a link may request. */
export const ATTACH_LINK_PATH = '/attach';

export interface AttachLink {
  /** The server URI from the link, as parsed and re-formatted. */
  uri: string;
  mode: ServerMode;
  host: string;
  port: number;
  username?: string;
}

export interface AttachLinkOptions {
  /** Also accept `tcp:` links, which connect without TLS. Off by default. */
  allowTcp?: boolean;
}

/** An attach link that is rejected, with the reason in words. */
export class AttachLinkError extends Error {
  override name = 'AttachLinkError';
}

/** Parses the path and query of a link; throws AttachLinkError for anything else than an attach to one server. */
export function parseAttachLink(path: string, query: string, options: AttachLinkOptions = {}): AttachLink {
  if (path !== ATTACH_LINK_PATH) {
    throw new AttachLinkError(`unsupported link path '${path}': only ${ATTACH_LINK_PATH} is handled`);
  }

  const parameters = new URLSearchParams(query);
  const names = [...new Set(parameters.keys())];
  const unexpected = names.filter((name) => name !== 'uri');
  if (unexpected.length > 0) {
    throw new AttachLinkError(`unsupported link parameter '${unexpected[0]}': a link may carry only 'uri'`);
  }
  const values = parameters.getAll('uri');
  if (values.length !== 1 || !values[0].trim()) {
    throw new AttachLinkError("the link needs exactly one 'uri' parameter, such as uri=ssl://host:port/");
  }

  const text = values[0].trim();
  let parsed: ServerUri;
  try {
    parsed = parseServerUri(text);
  } catch (error) {
    throw new AttachLinkError(`invalid server URI in the link: ${(error as Error).message}`);
  }

  // The scheme must be written out, so the link shows how it connects.
  const scheme = /^([A-Za-z]+):/.exec(text)?.[1].toLowerCase();
  const allowed = scheme === 'ssl' || (scheme === 'tcp' && options.allowTcp === true);
  if (!allowed) {
    throw new AttachLinkError(`links may only attach with ssl:, not '${text}'`);
  }
  return {
    uri: parsed.displayName,
    mode: parsed.mode,
    host: parsed.host,
    port: parsed.port,
    ...(parsed.username !== undefined ? { username: parsed.username } : {}),
  };
}
