// secret_reflection finds every secret in its Base64 and Base64url forms (alone or inside a larger blob), not
// only the client secret's, and does not take a token's random text for one.
import { describe, expect, it } from "vitest";
import { secretReflection } from "../../contract-tests/checks/secret_reflection.ts";
import { resolveConfig } from "../../contract-tests/config.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { checkContext, recordedExchange } from "../helpers/check-exchange.ts";

const spec = loadSpec();
const password = "Tr1cky-Pa55word";
const pin = "4829";
const config = resolveConfig(
  {
    DINTERO_BASE_URL: "http://127.0.0.1:1/v1",
    DINTERO_ACCOUNT_ID: "T12345678",
    DINTERO_CLIENT_ID: "client-7c1f3e2d",
    DINTERO_CLIENT_SECRET: "Sx9-kQ2v-Lm4P-zR8w-Tt6Y",
    DINTERO_LOGIN_EMAIL: "contract-test@example.com",
    DINTERO_LOGIN_PASSWORD: password,
    DINTERO_LOGIN_IDENT_TYPE: "phone_number",
    DINTERO_LOGIN_IDENT: "+4799999999",
    DINTERO_LOGIN_IDENT_PASSWORD: pin,
  },
  {},
);
const b64 = (text: string) => Buffer.from(text).toString("base64");
const b64url = (text: string) => Buffer.from(text).toString("base64url");

/** secret_reflection's findings on one login answer, for the known-good email login. */
function judge(status: number, body: unknown, headers: Record<string, string> = {}, tokens: string[] = []) {
  const bodyText = JSON.stringify(body);
  const all = { "content-type": "application/json", ...headers };
  const ex = recordedExchange({
    caseId: "login.email.known_good",
    url: "http://127.0.0.1:1/v1/accounts/T12345678/customers/login",
    status,
    bodyText,
    headers: all,
  });
  const kase = { id: "login.email.known_good", operation: "login", body: { email: "contract-test@example.com", password }, expect: { kind: "success" } };
  const ctx = checkContext({ spec, config, kase, op: spec.operations.login, secrets: [password, pin], tokens });
  return secretReflection.run(ex, ctx) as Array<{ pointer?: string; actual?: string; message: string }>;
}

describe("secret_reflection: Base64 forms of every secret", () => {
  it("finds the password Base64-encoded inside base64(email:password) in a header, naming it", () => {
    const [found, ...rest] = judge(200, { ok: true }, { "x-auth-context": b64(`contract-test@example.com:${password}`) });
    expect(rest).toEqual([]);
    expect(found).toMatchObject({ pointer: "x-auth-context (header)", actual: "[REDACTED] (the test user's password Base64-encoded)" });
  });

  it("finds it Base64url-encoded in a body member, at every alignment inside a larger blob, and names the member", () => {
    for (const prefix of ["", "a", "ab"]) {
      const found = judge(400, { error: { code: "X", detail: { ctx: b64url(`${prefix}${password}|tail`) } } });
      expect(found.map((f) => f.pointer)).toEqual(["/error/detail/ctx"]);
    }
  });

  it("finds the client secret and a live bearer Base64-encoded too", () => {
    const bearer = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
    const found = judge(
      400,
      { error: { message: "x", a: b64(config.auth.kind === "client_credentials" ? config.auth.clientSecret : ""), b: b64(bearer) } },
      {},
      [bearer],
    );
    expect(found.map((f) => f.actual)).toEqual([
      "[REDACTED] (the client secret Base64-encoded)",
      "[REDACTED] (a live bearer (the client's or a customer's) Base64-encoded)",
    ]);
  });

  it("does not look for a short secret's (a PIN's) Base64 forms: they turn up by chance", () => {
    expect(judge(200, { ok: true }, { "x-auth-context": b64(`+4799999999:${pin}`) })).toEqual([]);
  });

  it("does not take a token's random text for a secret: the tokens a response carries are left out of the Base64 search", () => {
    // a token that happens to hold the first 6 characters of the password's Base64 form (a stretch the search
    // counts as an echo of a clipped secret), as random base64url text can
    const edge = b64(password).slice(0, 6);
    const token = `opaque${edge}Zq7Rk2Lm9Xw4Vb8Nc3Hd5Tf1`;
    expect(judge(200, { access_token: token, token_type: "Bearer", expires_in: 3600 })).toEqual([]);
    expect(judge(200, { note: token }).length).toBe(1); // the same text where no token is: counted
    const jws = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.${edge}Zq7Rk2Lm9Xw4Vb8Nc3Hd5Tf1`;
    expect(judge(200, { session: jws })).toEqual([]);
  });

  it("finds a password Base64-encoded inside a JWS payload", () => {
    const jws = `eyJhbGciOiJIUzI1NiJ9.${b64url(JSON.stringify({ sub: "x", ctx: b64(password) }))}.c2ln`;
    expect(judge(200, { access_token: jws, token_type: "Bearer", expires_in: 3600 }).map((f) => f.actual)).toEqual([
      "[REDACTED] (the test user's password Base64-encoded)",
    ]);
  });
});
