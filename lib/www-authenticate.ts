// WWW-Authenticate challenges (RFC 9110 §11.6.1, §11.3) read into scheme, token68 and parameters; RFC 6750 Bearer errors.

export interface Challenge {
  /** The auth-scheme, lower-cased (schemes are case-insensitive, RFC 9110 §11.1). */
  scheme: string;
  /** `token68` credentials-like data after the scheme, as Basic or Negotiate challenges may carry. */
  token68?: string;
  /** Parameter names lower-cased, values unquoted; the first of a repeated name wins (§11.2 allows one). */
  params: Record<string, string>;
}

const tchar = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const token68char = /[A-Za-z0-9\-._~+/]/;

/**
 * Every challenge of a `WWW-Authenticate` value: `challenge = auth-scheme [ 1*SP ( token68 /
 * #auth-param ) ]`, `auth-param = token BWS "=" BWS ( token / quoted-string )`, several challenges
 * and repeated fields joined by commas. One left-to-right scan over at most 8 KiB; anything
 * unparsable is skipped, never thrown.
 */
export function parseChallenges(header: string | null | undefined): Challenge[] {
  const challenges: Challenge[] = [];
  if (!header) return challenges;
  const text = header.length > 8192 ? header.slice(0, 8192) : header;
  let current: Challenge | undefined;
  let i = 0;
  const skip = (chars: string) => {
    while (i < text.length && chars.includes(text[i]!)) i++;
  };
  const read = (allowed: RegExp) => {
    const start = i;
    while (i < text.length && allowed.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  while (i < text.length) {
    skip(" \t,");
    const name = read(tchar);
    if (name === "") {
      i++; // not a token: skip one character
      continue;
    }
    skip(" \t");
    if (text[i] !== "=") {
      // An auth-scheme starts a challenge; a token68 may follow it, alone up to the next comma.
      current = { scheme: name.toLowerCase(), params: {} };
      challenges.push(current);
      const at = i;
      const data = read(token68char);
      const padding = read(/=/);
      skip(" \t");
      if (data !== "" && (i >= text.length || text[i] === ",")) current.token68 = data + padding;
      else i = at;
      continue;
    }
    i++;
    skip(" \t");
    let value = "";
    if (text[i] === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === "\\") i++; // quoted-pair
        value += text[i] ?? "";
      }
      i++;
    } else value = read(tchar);
    const key = name.toLowerCase();
    if (current && !(key in current.params)) current.params[key] = value;
  }
  return challenges;
}

/** The `error` parameter (RFC 6750 §3) of every `Bearer` challenge, lower-cased. */
export function bearerChallengeErrors(header: string | null | undefined): string[] {
  return parseChallenges(header).flatMap((c) => (c.scheme === "bearer" && c.params.error !== undefined ? [c.params.error.toLowerCase()] : []));
}
