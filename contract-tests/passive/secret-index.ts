// Every secret of a recording, findable in a text in time linear in the text, whatever their number. A
// recording of 10,000 logins carries 10,000 passwords and tokens: replacing each of them in each string
// (what the suite's redactor does for the few secrets of a run) would cost 10,000 × 10,000 searches.
// Secrets are indexed by their first KEY_LENGTH characters; a text is scanned once, each position looked up.
// Shorter secrets (a PIN) are left to the per-exchange redactor, which knows the exchange's own.

/** Characters a secret needs to be indexed; the same length the suite's redactor replaces anywhere. */
export const KEY_LENGTH = 8;

export interface SecretIndex {
  add(secret: string): void;
  readonly size: number;
  /** the indexed secrets that occur in `text` */
  findIn(text: string): string[];
  /** `text` with every indexed secret replaced by `by(secret)` (longest match first at each position) */
  replaceIn(text: string, by: (secret: string) => string): string;
}

export function createSecretIndex(): SecretIndex {
  const byKey = new Map<string, string[]>();
  let size = 0;
  const matchAt = (text: string, i: number): string | undefined => {
    const candidates = byKey.get(text.slice(i, i + KEY_LENGTH));
    if (!candidates) return undefined;
    let best: string | undefined;
    for (const s of candidates) if ((!best || s.length > best.length) && text.startsWith(s, i)) best = s;
    return best;
  };
  return {
    add(secret) {
      if (secret.length < KEY_LENGTH) return;
      const key = secret.slice(0, KEY_LENGTH);
      const list = byKey.get(key);
      if (list?.includes(secret)) return;
      if (list) list.push(secret);
      else byKey.set(key, [secret]);
      size++;
    },
    get size() {
      return size;
    },
    findIn(text) {
      if (!size) return [];
      const found = new Set<string>();
      for (let i = 0; i + KEY_LENGTH <= text.length; i++) {
        const s = matchAt(text, i);
        if (s) found.add(s);
      }
      return [...found];
    },
    replaceIn(text, by) {
      if (!size || text.length < KEY_LENGTH) return text;
      let out = "";
      let from = 0;
      for (let i = 0; i + KEY_LENGTH <= text.length; ) {
        const s = matchAt(text, i);
        if (!s) {
          i++;
          continue;
        }
        out += text.slice(from, i) + by(s);
        i += s.length;
        from = i;
      }
      return from === 0 ? text : out + text.slice(from);
    },
  };
}
