// Bytes and media types as a Fetch client reads them: UTF-8 validity, a combined Content-Type.

export { fetchMediaType } from "../../../lib/media-type.ts";

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const fatal = new TextDecoder("utf-8", { fatal: true });
  try {
    fatal.decode(bytes);
    return -1;
  } catch {
    // Where: walk the well-formed sequences of RFC 3629 §4 up to the first that is not one.
    for (let i = 0; i < bytes.length; ) {
      const c = bytes[i]!;
      if (c < 0x80) {
        i++;
        continue;
      }
      let more: number;
      let lo = 0x80;
      let hi = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) more = 1;
      else if (c >= 0xe0 && c <= 0xef) [more, lo, hi] = [2, c === 0xe0 ? 0xa0 : 0x80, c === 0xed ? 0x9f : 0xbf];
      else if (c >= 0xf0 && c <= 0xf4) [more, lo, hi] = [3, c === 0xf0 ? 0x90 : 0x80, c === 0xf4 ? 0x8f : 0xbf];
      else return i;
      for (let k = 1; k <= more; k++) {
        const d = bytes[i + k];
        if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
      }
      i += more + 1;
    }
    return bytes.length;
  }
}
