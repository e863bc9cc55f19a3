// secret_reflection: no response echoes a submitted secret or a live bearer.
import { escapePointerToken } from "../../lib/json-pointer.ts";
import { type SecretSearch, secretSearch } from "../../lib/redact.ts";
import { canonicalize } from "../../src/redact.ts";
import { secretFieldNames } from "../request-fields.ts";
import type { SuiteConfig } from "../types.ts";
import { defineCheck, type Found } from "./check.ts";
import { parseBody } from "./support/body.ts";
import { answered } from "./support/exchange.ts";
import { JWS_SHAPE } from "./support/jwt.ts";
import { ISSUED_TOKEN_MEMBERS, parsedTokens } from "./support/tokens.ts";

/** Secrets shorter than this are looked for as whole values only: a 4-digit PIN is found by chance in any token. */
const MIN_SUBSTRING_SECRET = 6;
/** Nor are secrets of fewer distinct characters than this (a made-up "      " or "000000"): a repetitive
 * string turns up by chance in any longer text, and a false alarm here fails a correct server's run. */
const MIN_SUBSTRING_DISTINCT = 4;
const searchableInside = (secret: string) => secret.length >= MIN_SUBSTRING_SECRET && new Set(secret).size >= MIN_SUBSTRING_DISTINCT;

export const secretReflection = defineCheck({
  name: "secret_reflection",
  // Dintero does not publish "never echo the password" (writeOnly on password is this spec's annotation):
  // the rule is this project's, after OWASP; its severity follows the harm, an exposed secret.
  severity: "standard",
  severityReason:
    "an echoed password or client secret is exposed to every log, cache, proxy and error tracker that sees the response, whatever the consumer does",
  source: {
    ref:
      "this project's rule (Dintero does not publish it), after OWASP ASVS 4.0 V8.3; the spec marks " +
      "password writeOnly (#/components/schemas/LoginCredentials/properties/password/writeOnly)",
    url: "https://owasp.org/www-project-application-security-verification-standard/",
  },
  catches:
    "a response body or header that echoes the submitted password, the client secret, or a live bearer (the " +
    "client's, the customer's) anywhere but the response that issues it, as sent or Base64/Base64url-encoded " +
    "(alone or inside a larger blob, as in Basic or base64(email:password)); JWS payloads in the response are decoded and searched too",
  judges: [],
  appliesTo: answered,
  run(ex, ctx) {
    const res = ex.response!;
    // Each secret with what it is, most serious first: a finding names the kind, never the value.
    const kinds = new Map<string, SecretKind>();
    const add = (secret: string | undefined, kind: SecretKind) => {
      if (secret && !kinds.has(secret)) kinds.set(secret, kind);
    };
    for (const identity of ctx.config.identities ?? []) add(identity.password, "the test user's password");
    const auth = ctx.config.auth as SuiteConfig["auth"] | undefined;
    if (auth?.kind === "client_credentials") add(auth.clientSecret, "the client secret");
    else if (auth) add(auth.token, "the configured bearer");
    // The live bearers (the client's, the customer's) are secrets too, anywhere but where they are issued.
    const issuedHere = new Set(mayNameTokenMember(res.bodyText) ? parsedTokens(ex) : []);
    for (const token of ctx.tokens ?? []) if (!issuedHere.has(token)) add(token, "a live bearer (the client's or a customer's)");
    const body = ctx.kase.body as Record<string, unknown> | undefined;
    for (const name of secretFieldsOf(ctx.op.requestSchema)) {
      const v = body && typeof body === "object" ? body[name] : undefined;
      if (typeof v === "string") add(v, `the submitted ${name}`);
    }
    // What remains of the configured secrets: the client secret base64-encoded, as in Basic.
    for (const secret of ctx.secrets) add(secret, "the client secret (base64, as in Basic)");
    const parsed = parseBody(ex);
    const members = parsed?.ok ? stringMembers(parsed.value) : [];
    const findings: Found[] = [];
    const contains = (secret: string, texts: string[], whole: boolean) => {
      if (whole) return texts.some((t) => t === secret);
      const escaped = jsonEscaped(secret);
      return texts.some((t) => t.includes(secret) || (escaped !== secret && t.includes(escaped)));
    };
    // The body also decoded as the client decodes server text (JSON escapes of any style, percent-encoding):
    // decoded once per response, then searched for every secret.
    const bodyTexts = [res.bodyText, canonicalize(res.bodyText), ...jwsPayloads(res.bodyText)];
    const headers = Object.entries(res.headers).map(([k, v]): [string, string[]] => [`${k} (header)`, [v, canonicalize(v), ...jwsPayloads(v)]]);
    // For the Base64 forms: the texts with every token this run knows and every JWS taken out. Random base64url
    // text shares a short stretch with some Base64 form by chance; a secret inside a JWS is in its decoded payload.
    const knownTokens = [...issuedHere, ...(ctx.tokens ?? [])].filter((t) => t.length >= MIN_SUBSTRING_SECRET);
    // Made once per text of this response, however many secrets are looked for in it.
    const opaqueTexts = new Map<string, string>();
    const opaque = (text: string) => {
      let out = opaqueTexts.get(text);
      if (out !== undefined) return out;
      out = canonicalize(text).replace(JWS_SHAPE, " ");
      for (const token of knownTokens) out = out.replaceAll(token, " ");
      opaqueTexts.set(text, out);
      return out;
    };
    const base64TextsOf = new Map<string[], string[]>();
    // as sent (canonicalised), and JWS payloads
    const base64Texts = (texts: string[]) => {
      let out = base64TextsOf.get(texts);
      if (!out) {
        out = [opaque(texts[0]!), ...texts.slice(2)];
        base64TextsOf.set(texts, out);
      }
      return out;
    };
    /** where the client secret's Base64 forms were found: its Basic forms are not reported there again */
    const clientSecretEncodedAt = new Set<string>();
    for (const [secret, kind] of kinds) {
      const inside = searchableInsideMemo(secret);
      const where: string[] = [];
      // The body: the member that carries it (a JSON pointer), else the body as a whole.
      const member = members.find(({ texts }) => contains(secret, texts, !inside));
      if (member) where.push(member.pointer === "" ? "body" : `body member ${member.pointer}`);
      else if (inside && contains(secret, bodyTexts, false)) where.push("body");
      for (const [name, texts] of headers) if (contains(secret, texts, !inside)) where.push(name);
      if (kind.includes("(base64")) where.splice(0, where.length, ...where.filter((w) => !clientSecretEncodedAt.has(w)));
      // Its Base64 and Base64url forms (lib/redact.ts: at each byte alignment, so also inside a larger blob), where
      // it was not found as sent. Only for secrets searched inside text: a short PIN's forms turn up by chance.
      const encodedAt: string[] = [];
      if (inside && !kind.includes("(base64")) {
        const search = base64Search(secret);
        const reveals = (texts: string[]) => base64Texts(texts).some((t) => search.reveals(t));
        if (!where.some((w) => w.startsWith("body")) && reveals(bodyTexts)) {
          const at = members.find(({ texts }) => reveals(texts));
          encodedAt.push(at && at.pointer !== "" ? `body member ${at.pointer}` : "body");
        }
        for (const [name, texts] of headers) if (!where.includes(name) && reveals(texts)) encodedAt.push(name);
        if (kind === "the client secret") for (const place of encodedAt) clientSecretEncodedAt.add(place);
      }
      const rank = SECRET_KINDS.indexOf(kind.startsWith("the submitted") ? "the submitted" : kind);
      const places: Array<[place: string, encoded: string]> = [
        ...where.map((w): [string, string] => [w, ""]),
        ...encodedAt.map((w): [string, string] => [w, " Base64-encoded"]),
      ];
      for (const [place, encoded] of places)
        findings.push({
          rank,
          rule: `never echo ${kind}`,
          pointer: place.replace(/^body member /, ""),
          expected: "no secret",
          actual: `[REDACTED] (${kind}${encoded})`,
          message: `the response ${place} echoes ${kind}${encoded}`,
        });
    }
    // The most serious first: a console card shows the first finding of its case, and reports order cards by rank.
    return findings.sort((a, b) => a.rank! - b.rank!);
  },
});

/** Whether a body can hold an issued-token member: its name written out, or an escape that may spell it (most
 * refusals hold neither, and are not parsed for tokens). */
const mayNameTokenMember = (text: string) => text.includes("\\") || [...ISSUED_TOKEN_MEMBERS].some((name) => text.includes(name));

/** An operation's writeOnly request properties, found once per request schema of the model. */
const secretFieldsBySchema = new WeakMap<object, ReadonlySet<string>>();
function secretFieldsOf(schema: unknown): ReadonlySet<string> {
  if (!schema || typeof schema !== "object") return secretFieldNames(schema);
  let names = secretFieldsBySchema.get(schema);
  if (!names) {
    names = secretFieldNames(schema);
    secretFieldsBySchema.set(schema, names);
  }
  return names;
}

/** Per secret, kept for the run's live tokens and passwords that every response is searched for (the latest 256). */
const insideBySecret = new Map<string, boolean>();
const escapedBySecret = new Map<string, string>();
function remember<T>(cache: Map<string, T>, key: string, make: (key: string) => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make(key);
    if (cache.size >= 256) cache.delete(cache.keys().next().value!);
    cache.set(key, value);
  }
  return value;
}
const searchableInsideMemo = (secret: string) => remember(insideBySecret, secret, searchableInside);
/** A secret as a JSON string carries it, without the quotes. */
const jsonEscaped = (secret: string) => remember(escapedBySecret, secret, (s) => JSON.stringify(s).slice(1, -1));

/** The JWS payloads in a text: only base64url, so what they carry is readable by everyone who holds the token. */
const jwsPayloads = (text: string) =>
  [...text.matchAll(JWS_SHAPE)].map((m) => {
    try {
      return Buffer.from(m[2]!, "base64url").toString("utf8");
    } catch {
      return "";
    }
  });

/** What an echoed secret is, most serious first ("the submitted …": a password the case sent, maybe made up). */
type SecretKind = string;
const SECRET_KINDS = [
  "the test user's password",
  "the client secret",
  "the configured bearer",
  "a live bearer (the client's or a customer's)",
  "the client secret (base64, as in Basic)",
  "the submitted",
];

/** Every string of a JSON value (member names too) with the pointer of the member that holds it, and the
 * string as a client decodes it and any JWS payload in it. */
function stringMembers(value: unknown, pointer = "", out: Array<{ pointer: string; texts: string[] }> = []) {
  if (typeof value === "string") out.push({ pointer, texts: [value, canonicalize(value), ...jwsPayloads(value)] });
  else if (Array.isArray(value)) value.forEach((v, i) => stringMembers(v, `${pointer}/${i}`, out));
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      const at = `${pointer}/${escapePointerToken(k)}`;
      out.push({ pointer: at, texts: [k] });
      stringMembers(v, at, out);
    }
  return out;
}

/**
 * The search for one secret's Base64 forms, kept across the exchanges of a run and across runs of one
 * process (the self-test, a proxy): building a search costs more than a search. The latest MAX_SEARCHES are
 * kept: a run meets about 40 secrets (most of them the tokens it is issued), and the self-test interleaves five
 * runs, whose searches must not push each other out (each holds an index of some 80 KB).
 * Each remembers its verdict on the short texts it was asked about (a search's verdict on a text never
 * changes): most answers of a run repeat the same header values and error bodies, searched for the same secrets.
 */
const base64Searches = new Map<string, Pick<SecretSearch, "reveals">>();
const MAX_SEARCHES = 256;
/** Texts up to this long have their verdict remembered, the latest `MAX_REMEMBERED` per secret. */
const MAX_REMEMBERED_CHARS = 256;
const MAX_REMEMBERED = 256;
function base64Search(secret: string): Pick<SecretSearch, "reveals"> {
  let search = base64Searches.get(secret);
  if (search) {
    base64Searches.delete(secret);
  } else {
    const inner = secretSearch([secret], true);
    const verdicts = new Map<string, boolean>();
    search = {
      reveals(text) {
        if (text.length > MAX_REMEMBERED_CHARS) return inner.reveals(text);
        let verdict = verdicts.get(text);
        if (verdict === undefined) {
          verdict = inner.reveals(text);
          if (verdicts.size >= MAX_REMEMBERED) verdicts.delete(verdicts.keys().next().value!);
          verdicts.set(text, verdict);
        }
        return verdict;
      },
    };
    if (base64Searches.size >= MAX_SEARCHES) base64Searches.delete(base64Searches.keys().next().value!);
  }
  base64Searches.set(secret, search);
  return search;
}
