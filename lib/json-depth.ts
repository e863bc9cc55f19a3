// How deeply a JSON text nests, found by one scan of its characters, without parsing it or recursing.

/**
 * Whether the JSON text `text` opens more than `limit` arrays and objects inside one another
 * (brackets inside strings, escaped quotes included, do not count). Linear, no allocation, no
 * recursion: the answer does not depend on the stack size, unlike a recursive parse or walk, which
 * fails somewhere past a few thousand levels. Text that is not JSON is judged by its brackets alone.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
