// Keeps secrets out of every output: known secrets are replaced, tokens shortened to a short prefix.
import { canonicalize, type SecretSearch, secretSearch, windowLength } from "../lib/redact.ts";
export const REDACTED = "[REDACTED]";
/** Characters of a token kept in reports: enough to recognise it, far too few to use it. */
export const TOKEN_PREFIX_LENGTH = 10;
/** Secrets shorter than this are not searched for in free text (they would match by chance). */
const MIN_SECRET_LENGTH = 4;
/** Secrets shorter than this are replaced only where they stand alone (not inside other words). */
const SHORT_SECRET_LENGTH = 8;

const TOKEN_PROPERTY = /^(access_token|refresh_token|id_token|mfa_token)$/;
const JWT_SHAPE = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** A token as reports show it: its first characters, and never its length (no artefact tells a secret's length). */
export function shortenToken(token: string): string {
  return `${token.slice(0, TOKEN_PREFIX_LENGTH)}…`;
}

export interface Redactor {
  /** Register a secret (password, client secret, token) learnt during the run. */
  addSecret(secret: string | undefined, kind?: "secret" | "token"): void;
  text(value: string): string;
  /** Known secrets and tokens replaced where they stand, without text()'s decoding safety net: for text
   * the suite writes itself (a curl command), whose escapes are shell syntax, not an encoded echo. */
  known(value: string): string;
  /** Deep copy of a JSON value: writeOnly / token properties and known secrets redacted. */
  json(value: unknown, secretProperties?: ReadonlySet<string>): unknown;
  headers(headers: Record<string, string>): Record<string, string>;
  /** Bytes (a body that is not UTF-8): every known secret's and token's UTF-8 bytes replaced. */
  bytes(value: Uint8Array): Uint8Array;
}

function replaceBytes(haystack: Buffer, needle: Buffer, by: Buffer): Buffer {
  if (needle.length === 0) return haystack;
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = haystack.indexOf(needle, from); at !== -1; at = haystack.indexOf(needle, from)) {
    parts.push(haystack.subarray(from, at), by);
    from = at + needle.length;
  }
  parts.push(haystack.subarray(from));
  return Buffer.concat(parts);
}

export function createRedactor(initial: Array<string | undefined> = []): Redactor {
  const secrets = new Set<string>();
  const tokens = new Set<string>();
  /**
   * The safety net behind the replacements above, which keep the text as received but know only a
   * secret's raw and JSON-escaped forms: if the text, decoded the way the client decodes server text
   * (JSON escapes of any style, percent-encoding, nested), still shares 8 characters with a secret
   * (a percent-encoded echo, a clipped or split one), the report shows the client's redaction of the
   * decoded text instead, and says so. Linear in the text (lib/redact.ts), so a hostile body cannot
   * stall a run. Tokens are left out: the report shows their prefix on purpose.
   */
  // The searches for the secrets known so far (all forms; Base64 forms alone), built once per set of secrets.
  let searches: { all: SecretSearch; base64: SecretSearch } | undefined;
  const withoutHiddenSecrets = (text: string): string => {
    const long = [...secrets].filter((s) => s.length >= windowLength);
    if (long.length === 0 || text.length < windowLength) return text;
    searches ??= { all: secretSearch(long), base64: secretSearch(long, true) };
    // The client's search (lib/redact.ts): every encoded form of each secret, in the decoded text.
    // When nothing decodes, the replacements above saw the secrets as they stand and only a Base64
    // form can still hide one (the suite's own messages, which may share words with a password,
    // are otherwise left alone).
    const decodes = canonicalize(text) !== text;
    return (decodes ? searches.all : searches.base64).reveals(text) ? `${searches.all.redact([[text, text.length]])[0]} [decoded to redact a secret]` : text;
  };
  // known()'s replacements, in order, made once per set of secrets and tokens: the tokens longest first, so a
  // token containing another is replaced whole; then each secret longest first as sent and JSON-escaped, a
  // short one (a PIN) only where it stands alone, not inside "T12345678".
  let knownPlan: { byLength: string[]; replacements: Array<[form: string, pattern: string | RegExp]> } | undefined;
  const planKnown = () => ({
    byLength: [...tokens].sort((a, b) => b.length - a.length),
    replacements: [...secrets]
      .sort((a, b) => b.length - a.length)
      .flatMap((s) =>
        [...new Set([s, JSON.stringify(s).slice(1, -1)])].map((form): [string, string | RegExp] => [
          form,
          s.length >= SHORT_SECRET_LENGTH ? form : new RegExp(`(?<![A-Za-z0-9])${form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![A-Za-z0-9])`, "g"),
        ]),
      ),
  });
  const redactor: Redactor = {
    addSecret(secret, kind = "secret") {
      if (!secret || secret.length < MIN_SECRET_LENGTH) return;
      if (kind === "token") {
        if (!tokens.has(secret)) knownPlan = undefined;
        tokens.add(secret);
      } else if (!secrets.has(secret)) {
        secrets.add(secret);
        searches = undefined;
        knownPlan = undefined;
      }
    },
    text(value) {
      return withoutHiddenSecrets(redactor.known(value));
    },
    known(value) {
      knownPlan ??= planKnown();
      const { byLength, replacements } = knownPlan;
      let out = value;
      for (const t of byLength) out = out.split(t).join(shortenToken(t));
      out = out.replace(JWT_SHAPE, (m) => shortenToken(m));
      for (const [form, pattern] of replacements) out = typeof pattern === "string" ? out.split(form).join(REDACTED) : out.replace(pattern, REDACTED);
      return out;
    },
    json(value, secretProperties = new Set()) {
      if (typeof value === "string") return redactor.text(value);
      if (Array.isArray(value)) return value.map((v) => redactor.json(v, secretProperties));
      if (value === null || typeof value !== "object") return value;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        if (secretProperties.has(k) && typeof v === "string") out[k] = REDACTED;
        else if (TOKEN_PROPERTY.test(k) && typeof v === "string") out[k] = shortenToken(v);
        else out[redactor.text(k)] = redactor.json(v, secretProperties);
      }
      return out;
    },
    bytes(value) {
      let out: Buffer = Buffer.from(value);
      for (const t of [...tokens].sort((a, b) => b.length - a.length)) out = replaceBytes(out, Buffer.from(t), Buffer.from(shortenToken(t)));
      for (const sec of [...secrets].sort((a, b) => b.length - a.length)) out = replaceBytes(out, Buffer.from(sec), Buffer.from(REDACTED));
      // The same safety net as text(), over the bytes read as UTF-8 (or, when they are not, as Latin-1):
      // an encoded echo replaces the bytes as received by the redacted decoded text.
      let asText: string;
      try {
        asText = new TextDecoder("utf-8", { fatal: true }).decode(out);
      } catch {
        asText = out.toString("latin1");
      }
      const safe = withoutHiddenSecrets(asText);
      return new Uint8Array(safe === asText ? out : Buffer.from(safe, "utf8"));
    },
    headers(headers) {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(headers)) {
        if (k.toLowerCase() === "authorization") {
          const [scheme, ...rest] = v.split(" ");
          const credential = rest.join(" ");
          out[k] = scheme?.toLowerCase() === "bearer" && credential ? `${scheme} ${shortenToken(credential)}` : `${scheme ?? ""} ${REDACTED}`.trim();
        } else out[k] = redactor.text(v);
      }
      return out;
    },
  };
  for (const s of initial) redactor.addSecret(s);
  return redactor;
}
