// Made-up identities shaped exactly like known ones (same domain, same length and character classes).
import fc from "fast-check";

/** How many of a made-up identity's last letters or digits are varied: enough to make it nobody's
 * (almost surely), few enough that it keeps the known one's shape (prefix, country code, length). */
const VARIED_TAIL = 4;

const sameClass = (ch: string): fc.Arbitrary<string> =>
  /[a-z]/.test(ch)
    ? fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz")
    : /[A-Z]/.test(ch)
      ? fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ")
      : /\d/.test(ch)
        ? fc.constantFrom(..."0123456789")
        : fc.constant(ch);

/** A made-up value shaped exactly like a known one, so that a server validating identities more
 * strictly than the schema (Dintero states their formats in prose) still sees a plausible one: an
 * email keeps its domain and gets a local part of the same shape (ASCII letters for letters, digits for
 * digits, punctuation kept); anything else (a phone number) keeps all but its last few letters or
 * digits (its + and country code, its length). Never the known value itself: that would be a
 * wrong-password attempt on the known user. */
export function shapedLike(value: string): fc.Arbitrary<string> {
  const chars = [...value];
  const at = value.lastIndexOf("@");
  const alnum = chars.map((ch, i) => (/[A-Za-z0-9]/.test(ch) ? i : -1)).filter((i) => i >= 0);
  const varied = new Set(
    at > 0 ? alnum.filter((i) => i < [...value.slice(0, at)].length) : alnum.slice(-Math.min(VARIED_TAIL, Math.max(1, Math.floor(alnum.length / 2)))),
  );
  const parts = chars.map((ch, i) => (varied.has(i) ? sameClass(ch) : fc.constant(ch)));
  return fc.tuple(...parts).map((a) => {
    if (a.join("") !== value || varied.size === 0) return a.join("");
    // the one draw that equals the known value: step its last varied character within its class
    const last = Math.max(...varied);
    const ch = a[last]!;
    a[last] = /\d/.test(ch) ? String((Number(ch) + 1) % 10) : ch === "z" ? "a" : ch === "Z" ? "A" : String.fromCharCode(ch.charCodeAt(0) + 1);
    return a.join("");
  });
}
