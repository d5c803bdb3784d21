/**
 * Python's idea of whitespace, because xpra strips lines with `str.strip()`. It differs from
 * JavaScript's `trim()`: Python also strips U+001C..U+001F and U+0085, and does not strip the
 * byte-order mark U+FEFF, which is why a BOM stays glued to the first key.
 */
const PYTHON_WHITESPACE =
  '\t\n\u000b\u000c\r\u001c\u001d\u001e\u001f \u0085\u00a0\u1680' +
  '\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a' +
  '\u2028\u2029\u202f\u205f\u3000';

export function isPythonWhitespace(character: string): boolean {
  return character.length === 1 && PYTHON_WHITESPACE.includes(character);
}

/** Returns the [start, end) bounds of `text.slice(from, to)` after a Python `strip()`. */
export function stripBounds(text: string, from = 0, to = text.length): [number, number] {
  let start = from;
  let end = to;
  while (start < end && isPythonWhitespace(text[start])) {
    start++;
  }
  while (end > start && isPythonWhitespace(text[end - 1])) {
    end--;
  }
  return [start, end];
}

export function pythonStrip(text: string): string {
  const [start, end] = stripBounds(text);
  return text.slice(start, end);
}
