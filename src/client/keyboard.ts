/**
 * The keymap packet sent after the server hello. 6.x applies keyboard data only after the
 * hello, and 3.1 accepts the same packet, so it is always sent.
 */
import type { Dict, Value } from '../protocol/types';
import type { KeycodeEntry } from '../keymap';
import type { SessionContext } from './context';

export function sendKeymap(
  context: SessionContext,
  keycodes: KeycodeEntry[],
  serverPacketTypes: string[] | undefined,
): void {
  const values: Value[] = keycodes.map((entry) => [...entry]);
  const props: Dict = {
    keymap: { layout: 'us', variant: '', options: '', keycodes: values },
    layout: 'us',
    keycodes: values,
    xkbmap_layout: 'us',
    xkbmap_keycodes: values,
    force: true,
  };
  if (serverPacketTypes?.includes('keyboard-config')) {
    context.send('keyboard-config', props);
  } else {
    context.send('keymap-changed', props, true);
  }
}
