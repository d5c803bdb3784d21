/**
 * Packet name normalisation. xpra servers up to 6.5 send the legacy names by
 * default. A 6.5 server started with XPRA_BACKWARDS_COMPATIBLE=0 sends the new
 * names and accepts only those. The reader turns every incoming new name into
 * its legacy name, so code above the codec handles only the legacy set.
 * The pairs come from xpra's `xpra/net/packet_type.py` (a 2026 revision) and
 * from captures of a 6.5.3 server.
 */

/**
 * Pairs of [legacy name, new name]. Where two new names share a legacy name,
 * the first pair is used for sending, so `screenshot` goes out as the request.
 */
const NAME_PAIRS: readonly (readonly [string, string])[] = [
  // Windows, server to client.
  ['new-window', 'window-create'],
  ['raise-window', 'window-raise'],
  ['restack-window', 'window-restack'],
  ['initiate-moveresize', 'window-initiate-moveresize'],
  ['lost-window', 'window-destroy'],
  ['draw', 'window-draw'],
  ['eos', 'window-eos'],
  ['bell', 'window-bell'],
  // Windows, client to server.
  ['map-window', 'window-map'],
  ['unmap-window', 'window-unmap'],
  ['close-window', 'window-close'],
  ['focus', 'window-focus'],
  ['buffer-refresh', 'window-refresh'],
  ['damage-sequence', 'window-draw-ack'],
  // Input.
  ['set-keyboard-sync-enabled', 'keyboard-sync'],
  ['pointer', 'pointer-motion'],
  ['wheel-motion', 'pointer-wheel'],
  ['input-devices', 'pointer-devices'],
  // Display.
  ['configure-display', 'display-configure'],
  ['force-ungrab', 'display-ungrab'],
  ['desktop_size', 'display-resized'],
  ['screenshot', 'display-request-screenshot'],
  ['screenshot', 'display-screenshot'],
  ['show-desktop', 'display-show-desktop'],
  // Notifications, bell, sharing.
  ['notify_show', 'notification-show'],
  ['notify_close', 'notification-close'],
  ['set-notify', 'notification-status'],
  ['set-bell', 'bell-set'],
  ['lock-toggle', 'sharing-lock'],
  // Cursors, commands, printing, logging.
  ['set-cursors', 'cursor-set'],
  ['start-command', 'command-start'],
  ['printers', 'printer-devices'],
  ['print-file', 'printer-file'],
  ['logging', 'logging-event'],
  // Connection and encodings.
  ['disconnect', 'connection-close'],
  ['ping_echo', 'ping-echo'],
  ['encodings', 'encoding-set'],
];

// NOTE: `cursor-data` and `cursor-default` are not renames of `cursor`: 6.5
// sends them in both modes with their own fields, so they pass through as-is.

const LEGACY_BY_NEW = new Map<string, string>();
const NEW_BY_LEGACY = new Map<string, string>();
for (const [legacy, renamed] of NAME_PAIRS) {
  LEGACY_BY_NEW.set(renamed, legacy);
  if (!NEW_BY_LEGACY.has(legacy)) {
    NEW_BY_LEGACY.set(legacy, renamed);
  }
}

/** Returns the legacy name for a new packet name; other names come back unchanged. */
export function normalizeIncomingName(name: string): string {
  return LEGACY_BY_NEW.get(name) ?? name;
}

/** Returns the new name of a legacy packet name, or undefined when it has none. */
export function newPacketName(legacyName: string): string | undefined {
  return NEW_BY_LEGACY.get(legacyName);
}

/**
 * Returns the name to send for a legacy packet name. It stays legacy unless
 * the server's `packet-types` list contains the new name and not the legacy
 * one, which is how a 6.5 server without backwards compatibility shows itself.
 */
export function outgoingName(legacyName: string, serverPacketTypes?: readonly string[]): string {
  const renamed = NEW_BY_LEGACY.get(legacyName);
  if (renamed === undefined || serverPacketTypes === undefined) {
    return legacyName;
  }
  const listsNew = serverPacketTypes.includes(renamed);
  const listsLegacy = serverPacketTypes.includes(legacyName);
  return listsNew && !listsLegacy ? renamed : legacyName;
}
