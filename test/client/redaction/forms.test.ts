// Redaction as one mechanism: secrets in every form (raw, any JSON escape, any percent-encoding,
// Base64 Basic credentials), overlapping or nested in each other, drawn at random (fast-check,
// fixed seed) and echoed by a real server; no 8-character piece of any secret may reach any
// rendering of the error.
import { inspect } from "node:util";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLoginClient, LoginError, type LoginCredentials } from "../../../src/index.ts";
import { errorBody, sendJson, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const clientId = "forms-client";

let server: LoginServer;
beforeAll(async () => {
  server = await startLoginServer();
});
afterAll(async () => {
  await server.close();
});

/** message, stack, details, toString, JSON.stringify, util.inspect, and the same for each LoginError cause. */
function renderings(error: LoginError): string[] {
  const out = [
    error.message,
    error.stack ?? "",
    JSON.stringify(error.details ?? null),
    String(error),
    JSON.stringify(error),
    JSON.stringify({ error }),
    inspect(error, { depth: Infinity }),
    inspect({ error }, { depth: Infinity }),
    JSON.stringify(Object.fromEntries(Object.entries(error))),
    String(error.code),
    String(error.requestId),
  ];
  if (error.cause instanceof LoginError) out.push(...renderings(error.cause));
  else if (error.cause !== undefined) out.push(inspect(error.cause, { depth: Infinity }));
  // Stack frames name code (fast-check's own `AsyncProperty.run`...), not data: left out.
  return out.map((text) => text.replace(/^\s+at .*$/gm, ""));
}

/** The first 8-character piece (in code points) of any secret found in any rendering. */
function leakedPiece(error: LoginError, secrets: Record<string, string>): string | undefined {
  const texts = renderings(error);
  for (const [name, secret] of Object.entries(secrets)) {
    const chars = [...secret];
    for (let i = 0; i + 8 <= chars.length; i++) {
      const piece = chars.slice(i, i + 8).join("");
      const where = texts.find((t) => t.includes(piece));
      if (where !== undefined) return `${name} piece ${JSON.stringify(piece)} in ${JSON.stringify(where.slice(0, 400))}`;
    }
  }
  return undefined;
}

/** A small seeded PRNG, so that one fast-check draw decides every per-character choice. */
function prng(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

const shortEscapes: Record<string, string> = { '"': '\\"', "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/** The secret as JSON string content, each character raw, `\uXXXX` (either case) or its short escape. */
function jsonForm(secret: string, pick: (n: number) => number): string {
  return [...secret]
    .map((char) => {
      const choice = pick(3);
      if (choice === 0 && shortEscapes[char]) return shortEscapes[char];
      if (choice === 1 || char < " " || char === '"' || char === "\\") {
        const hex = [...char].map((_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, "0")}`).join("");
        return pick(2) ? hex : hex.toUpperCase().replaceAll("\\U", "\\u");
      }
      return char;
    })
    .join("");
}

/** The secret percent-encoded, hex in either case per byte, a space as `+` or `%20`. */
function percentForm(secret: string, pick: (n: number) => number): string {
  return [...secret]
    .map((char) => {
      if (char === " " && pick(2)) return "+";
      if (/^[A-Za-z0-9\-._~]$/.test(char) && pick(2)) return char;
      return Array.from(new TextEncoder().encode(char), (b) => {
        const hex = b.toString(16).padStart(2, "0");
        return `%${pick(2) ? hex : hex.toUpperCase()}`;
      }).join("");
    })
    .join("");
}

/** The secret's UTF-8 bytes read as Latin-1: what a server that mis-decodes it echoes. */
function latin1Form(secret: string): string {
  return Buffer.from(secret, "utf8").toString("latin1");
}

/** A piece of the secret (the server clipped it) in any of the forms, whole code points. */
function clippedForm(secret: string, pick: (n: number) => number): string {
  const chars = [...secret];
  const start = pick(Math.max(1, chars.length - 8));
  return formOf(chars.slice(start, start + 8 + pick(chars.length)).join(""), pick, false);
}

/**
 * Raw, JSON-escaped, JSON-escaped twice (a JSON body quoted in a JSON message), percent-encoded,
 * percent-encoded twice, mis-decoded as Latin-1, or clipped by the server.
 */
function formOf(secret: string, pick: (n: number) => number, clip = true): string {
  const style = pick(clip ? 7 : 6);
  if (style === 0) return secret;
  if (style === 1) return jsonForm(secret, pick);
  if (style === 2) return JSON.stringify(jsonForm(secret, pick)).slice(1, -1);
  if (style === 3) return percentForm(secret, pick);
  if (style === 4) return percentForm(percentForm(secret, pick), pick);
  if (style === 5) return latin1Form(secret);
  return clippedForm(secret, pick);
}

const b64Char = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");
const b64token = (min: number, max: number) => fc.string({ unit: b64Char, minLength: min, maxLength: max });
/** Any Unicode text without lone surrogates (which the client refuses to send). */
const anyText = (min: number, max: number) => fc.string({ unit: "binary", minLength: min, maxLength: max });
/** Text dense in what escaping and decoding act on: backslashes, quotes, %, +, u, hex, non-ASCII, astral. */
const escapeRich = (min: number, max: number) =>
  fc.string({ unit: fc.constantFrom("\\", '"', "%", "+", "/", "u", "0", "5", "c", "A", " ", "é", "😀", "\u2028"), minLength: min, maxLength: max });
const secretText = (min: number, max: number) => fc.oneof(anyText(min, max), escapeRich(min, max));

const scenario = fc
  .record({
    password: fc.oneof(secretText(8, 40), b64token(8, 40)),
    clientSecret: secretText(8, 40),
    bearer: b64token(8, 40),
    nestPassword: fc.boolean(),
    prefix: b64token(0, 6),
    suffix: b64token(0, 6),
    customerAccess: secretText(8, 40),
    refreshToken: secretText(8, 40),
    mfaToken: anyText(8, 40),
    idToken: anyText(8, 40),
    status: fc.constantFrom(400, 401, 403, 429, 500, 503),
    mfa: fc.boolean(),
    seed: fc.integer(),
  })
  .map((s) => {
    // Sometimes the password sits inside the bearer: the old sequential redaction garbled the
    // bearer by replacing the password first.
    const nestable = /^[A-Za-z0-9\-._~+/]+$/.test(s.password);
    return { ...s, bearer: s.nestPassword && nestable ? `${s.prefix}${s.password}${s.suffix}` : s.bearer };
  });

describe("one-pass redaction of every form of every secret", () => {
  it("property: no 8-character piece of any secret in any rendering (fast-check, seed 20260510, 150 runs; forms include clipped, split, Latin-1 and double percent-encoding)", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const pick = prng(s.seed);
        const basic = Buffer.from(`${clientId}:${s.clientSecret}`, "utf8").toString("base64");
        const secrets = {
          password: s.password,
          clientSecret: s.clientSecret,
          basic,
          bearer: s.bearer,
          customerAccess: s.customerAccess,
          refreshToken: s.refreshToken,
          mfaToken: s.mfaToken,
          idToken: s.idToken,
        };
        const all = Object.values(secrets);
        const embed = () => all.map((secret) => `«${formOf(secret, pick)}»`).join(" and ");
        server.token = (_req, res) => sendJson(res, 200, { access_token: s.bearer, token_type: "Bearer", expires_in: 3600 });
        server.login = (_req, res) => {
          // A secret split over code and message: the code ends with its head, the message starts with its tail.
          const split = all[pick(all.length)]!;
          const cut = pick(split.length);
          const code = s.status === 403 && s.mfa ? "mfa_required" : `E ${formOf(all[pick(all.length)]!, pick)} ${split.slice(0, cut)}`;
          const body = errorBody(code, `${split.slice(cut)} server echoes ${embed()}`, {
            access_token: s.customerAccess,
            refresh_token: s.refreshToken,
            mfa_token: s.mfaToken,
            nested: { id_token: s.idToken },
          });
          // Header values must be visible ASCII: the percent form of every secret.
          const requestId = all.map((secret) => percentForm(secret, pick)).join(";");
          sendJson(res, s.status, body, { "request-id": requestId, "retry-after": "1" });
        };
        const client = createLoginClient({ accountId, auth: { clientId, clientSecret: s.clientSecret }, baseUrl: server.baseUrl });
        const credentials = { type: "customer", email: "a@example.com", password: s.password } as LoginCredentials;
        const error = await client.login(credentials).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(LoginError);
        // An mfa_token that is not a usable token (a b64token) makes the answer a contract violation (docs/client.md, Errors).
        if (s.status === 403 && s.mfa)
          expect((error as LoginError).kind).toBe(/^[A-Za-z0-9\-._~+/]+=*$/.test(s.mfaToken) ? "mfa_required" : "contract_violation");
        const leak = leakedPiece(error as LoginError, secrets);
        expect(leak).toBeUndefined();
      }),
      { seed: 20260510, numRuns: 150 },
    );
  });

  it("a password that is part of the bearer does not garble the bearer before it is matched", async () => {
    const password = "partofit-Xy7Qm";
    const bearer = `cc-bearer-${password}-tail99`;
    server.token = (_req, res) => sendJson(res, 200, { access_token: bearer, token_type: "Bearer", expires_in: 3600 });
    server.login = (req, res) => sendJson(res, 400, errorBody("BAD", `got ${req.headers.authorization ?? ""}`));
    const client = createLoginClient({ accountId, auth: { clientId, clientSecret: "fake-client-secret-Wm42" }, baseUrl: server.baseUrl });
    const error = (await client.login({ type: "customer", email: "a@example.com", password }).catch((e: unknown) => e)) as LoginError;
    expect(error.message).toContain("got Bearer [REDACTED] (request-id");
    expect(leakedPiece(error, { password, bearer })).toBeUndefined();
  });

  it("overlapping secrets (a password ending where the bearer begins) leave no piece of either", async () => {
    const password = "fake-pass-OVERLAP1";
    const bearer = "OVERLAP1-bearer-rest-0042";
    server.token = (_req, res) => sendJson(res, 200, { access_token: bearer, token_type: "Bearer", expires_in: 3600 });
    server.login = (_req, res) => sendJson(res, 400, errorBody("BAD", "seen fake-pass-OVERLAP1-bearer-rest-0042 here"));
    const client = createLoginClient({ accountId, auth: { clientId, clientSecret: "fake-client-secret-Wm42" }, baseUrl: server.baseUrl });
    const error = (await client.login({ type: "customer", email: "a@example.com", password }).catch((e: unknown) => e)) as LoginError;
    expect(error.message).toContain("seen [REDACTED] here");
  });

  it("each form on its own: JSON escapes of either case, \\/, escaped twice, percent-encoding of either case, + for space, Base64 Basic", async () => {
    const password = 'fake pass/å"Zq81';
    const clientSecret = "fake-client-secret-Wm42";
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString("base64");
    const forms = [
      'fake pass\\/\\u00e5\\"Zq81',
      "fake pass\\/\\u00E5\\u0022Zq81",
      '\\u0066ake\\u0020pass/å"Zq81',
      "fake+pass%2f%c3%a5%22Zq81",
      'fake pass\\\\/\\\\u00e5\\\\\\"Zq81',
      "fake%20pass%2F%C3%A5%22Zq81",
      basic,
    ];
    server.token = (_req, res) => sendJson(res, 200, { access_token: "cc-token-forms", token_type: "Bearer", expires_in: 3600 });
    server.login = (_req, res) => sendJson(res, 400, errorBody("BAD", forms.map((f) => `<${f}>`).join(" ")));
    const client = createLoginClient({ accountId, auth: { clientId, clientSecret }, baseUrl: server.baseUrl });
    const error = (await client.login({ type: "customer", email: "a@example.com", password }).catch((e: unknown) => e)) as LoginError;
    expect(error.message).toContain(forms.map(() => "<[REDACTED]>").join(" "));
  });

  it("the mfa_required decision reads error.code before redaction, even when the password is 'mfa_required'", async () => {
    server.token = (_req, res) => sendJson(res, 200, { access_token: "cc-token-mfa", token_type: "Bearer", expires_in: 3600 });
    server.login = (_req, res) => sendJson(res, 403, errorBody("mfa_required", "MFA please", { mfa_token: "fake-mfa-token-77" }));
    const client = createLoginClient({ accountId, auth: { clientId, clientSecret: "fake-client-secret-Wm42" }, baseUrl: server.baseUrl });
    const error = (await client.login({ type: "customer", email: "a@example.com", password: "mfa_required" }).catch((e: unknown) => e)) as LoginError;
    expect(error.kind).toBe("mfa_required");
    expect(error.mfaToken).toBe("fake-mfa-token-77");
    expect(error.code).toBe("[REDACTED]"); // what we repeat is still redacted
  });

  it("a 4-character PIN is redacted where it stands, a 3-character token is not searched for", async () => {
    server.token = (_req, res) => sendJson(res, 200, { access_token: "cc-token-pin", token_type: "Bearer", expires_in: 3600 });
    server.login = (_req, res) => sendJson(res, 401, errorBody("UNAUTHORIZED", "pin 4711 wrong, abc", { access_token: "abc" }));
    const client = createLoginClient({ accountId, auth: { clientId, clientSecret: "fake-client-secret-Wm42" }, baseUrl: server.baseUrl });
    const error = (await client
      .login({ type: "customer", ident_type: "phone_number", ident: "+4799999999", password: "4711" })
      .catch((e: unknown) => e)) as LoginError;
    expect(error.message).toContain("pin [REDACTED] wrong, abc");
  });
});
