import type { Dict, Value } from './types';

/**
 * Stores an entry as an own property, so a key such as `__proto__` sent by
 * a server is stored as data and cannot replace the object's prototype.
 */
export function setDictEntry(dict: Dict, key: string, value: Value): void {
  Object.defineProperty(dict, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
