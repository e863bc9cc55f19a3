// The fake's session after login, over real HTTP (startFakeDintero on 127.0.0.1): refresh tokens bound to
// the client that created them, revoke without an existence leak, MFA users through the challenge and the
// MFA grant (both spellings), the mfa_token's single use, expiry and bounded wrong codes, client scopes and
// the injectable clock. The client's refresh/revoke/MFA methods are not here yet: requests are plain fetch.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { basicAuthorization } from "../../lib/basic-auth.ts";
import { MFA_MAX_WRONG_CODES, MFA_TOKEN_LIFETIME_S } from "../../testing/fake.ts";
import { startFakeDintero, type FakeDinteroOptions, type RunningFakeDintero } from "../../testing/index.ts";

type Json = Record<string, unknown>;
const REFRESH = "create:accounts:auth:refresh_token";
const LOGIN_SCOPE = "write:accounts:/auth/users";
const clients = [
  { clientId: "with-refresh", clientSecret: "secret-one", scopes: [LOGIN_SCOPE, "write:accounts:/auth/mfa", REFRESH] },
  { clientId: "other-refresh", clientSecret: "secret-two", scopes: [LOGIN_SCOPE, "write:accounts:/auth/mfa", REFRESH] },
  { clientId: "plain", clientSecret: "secret-three" },
  { clientId: "skips-mfa", clientSecret: "secret-four", scopes: ["write:accounts:/auth/users/no-mfa"] },
];
const ada = { type: "customer" as const, email: "ada@example.com", password: "correct-horse" };
const grace = { type: "customer" as const, email: "grace@example.com", phone: "+4791234567", password: "battery-staple", mfa: true };

let fake: RunningFakeDintero;
afterEach(() => fake?.close());
const start = async (extra: Partial<FakeDinteroOptions> = {}) => (fake = await startFakeDintero({ clients, users: [ada, grace], ...extra }));

async function post(path: string, body: unknown, authorization?: string): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${fake.url}/accounts/${fake.accountId}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json };
}
const clientOf = (id: string) => clients.find((c) => c.clientId === id)!;
async function bearerOf(id: string): Promise<string> {
  const c = clientOf(id);
  const r = await post("/auth/token", { grant_type: "client_credentials", audience: fake.audience }, basicAuthorization(c.clientId, c.clientSecret));
  expect(r.status).toBe(200);
  return `Bearer ${String(r.body.access_token)}`;
}
const login = async (bearer: string, user: { email: string; password: string }) =>
  post("/customers/login", { audience: fake.audience, type: "customer", email: user.email, password: user.password }, bearer);
const refresh = (bearer: string, refreshToken: unknown) => post("/auth/token", { grant_type: "refresh_token", refresh_token: refreshToken }, bearer);
const revoke = (bearer: string, token: unknown) => post("/auth/revoke", { token }, bearer);

describe("refresh tokens", () => {
  it("a login answers one only to a client whose scopes include create:accounts:auth:refresh_token", async () => {
    await start();
    expect((await login(await bearerOf("plain"), ada)).body.refresh_token).toBeUndefined();
    const issued = await login(await bearerOf("with-refresh"), ada);
    expect(issued.status).toBe(200);
    expect(issued.body.refresh_token).toEqual(expect.any(String));
    // the client-credentials answer never carries one, whatever the client's scopes
    const c = clientOf("with-refresh");
    const own = await post("/auth/token", { grant_type: "client_credentials", audience: fake.audience }, basicAuthorization(c.clientId, c.clientSecret));
    expect(own.body.refresh_token).toBeUndefined();
  });

  it("works with a bearer of the client that created it, again and again (no rotation), and with no other credential", async () => {
    await start();
    const bearer = await bearerOf("with-refresh");
    const { refresh_token } = (await login(bearer, ada)).body;
    for (let i = 0; i < 2; i++) {
      const again = await refresh(bearer, refresh_token);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ token_type: "Bearer", expires_in: 86400 });
      expect(again.body.refresh_token).toBeUndefined(); // D1: only the authorization_code and password grants get one
    }
    expect(fake.exchanges.at(-1)).toMatchObject({ operation: "token", grant: "refresh_token", clientId: "with-refresh", status: 200 });
    // another client's bearer, even one that may hold refresh tokens: refused
    expect((await refresh(await bearerOf("other-refresh"), refresh_token)).status).toBe(403);
    // the creating client's Basic credentials: the refresh grant takes a bearer (x-grant-security), so 401
    const c = clientOf("with-refresh");
    expect((await refresh(basicAuthorization(c.clientId, c.clientSecret), refresh_token)).status).toBe(401);
    // the customer's own access token as the bearer: not a client's
    const customer = (await login(bearer, ada)).body.access_token;
    expect((await refresh(`Bearer ${String(customer)}`, refresh_token)).status).toBe(403);
    // an unknown refresh token: the same 403 as another client's
    const unknown = await refresh(bearer, "rt_unknown");
    const foreign = await refresh(await bearerOf("other-refresh"), refresh_token);
    expect([unknown.status, unknown.body]).toEqual([foreign.status, foreign.body]);
    // a body that breaks the refresh branch (no refresh_token): 400 naming the rule
    const broken = await post("/auth/token", { grant_type: "refresh_token" }, bearer);
    expect(broken.status).toBe(400);
    expect(JSON.stringify(broken.body)).toContain("refresh_token");
  });
});

describe("revoke", () => {
  it("refuses a revoked refresh token, and answers the same 200 {} for a known, an unknown and an already revoked token", async () => {
    await start();
    const bearer = await bearerOf("with-refresh");
    const { refresh_token } = (await login(bearer, ada)).body;
    const known = await revoke(bearer, refresh_token);
    expect(known).toEqual({ status: 200, body: {} });
    expect((await refresh(bearer, refresh_token)).status).toBe(403);
    expect(await revoke(bearer, refresh_token)).toEqual(known);
    expect(await revoke(bearer, "rt_never_issued")).toEqual(known);
    expect(fake.exchanges.at(-1)).toMatchObject({ operation: "revoke", clientId: "with-refresh", status: 200 });
  });

  it("lets only the creating client revoke (another's answer is the same 200, and the token keeps working)", async () => {
    await start();
    const bearer = await bearerOf("with-refresh");
    const { refresh_token } = (await login(bearer, ada)).body;
    expect(await revoke(await bearerOf("other-refresh"), refresh_token)).toEqual({ status: 200, body: {} });
    expect((await refresh(bearer, refresh_token)).status).toBe(200);
  });

  it("needs a client bearer with one of revoke's scopes, and a body with a token", async () => {
    await start();
    expect((await revoke("", "rt_x")).status).toBe(401);
    expect((await revoke(await bearerOf("plain"), "rt_x")).status).toBe(403);
    const bad = await post("/auth/revoke", { tokn: "rt_x" }, await bearerOf("with-refresh"));
    expect(bad.status).toBe(400);
  });
});

describe("MFA", () => {
  const mfaLogin = async (bearer: string) => {
    const answer = await login(bearer, grace);
    expect(answer.status).toBe(403);
    expect((answer.body.error as Json).code).toBe("mfa_required");
    return String(answer.body.mfa_token);
  };
  const challenge = (bearer: string, mfaToken: string, channel?: string) =>
    post("/auth/mfa/challenge", { challenge_type: "oob", mfa_token: mfaToken, ...(channel ? { oob_channel: channel } : {}) }, bearer);
  const grant = (bearer: string, body: Json, grantType = "mfa_oob") => post("/auth/token", { grant_type: grantType, ...body }, bearer);

  it("a user with MFA gets mfa_required, the challenge sends a code, and the MFA grant (either spelling) logs them in", async () => {
    await start();
    const bearer = await bearerOf("with-refresh");
    for (const spelling of ["mfa_oob", "mfa-oob"]) {
      const mfaToken = await mfaLogin(bearer);
      expect(fake.mfaCode(grace.email)).toBe(fake.mfaCode(grace.phone)); // one user, either identity
      const sent = await challenge(bearer, mfaToken);
      expect(sent.status).toBe(200);
      expect(sent.body).toEqual({ challenge_type: "oob", binding_method: "prompt", oob_code: expect.any(String) });
      const code = fake.mfaCode(grace.email)!;
      expect(code).toMatch(/^\d{6}$/);
      const done = await grant(bearer, { mfa_token: mfaToken, oob_code: sent.body.oob_code, binding_code: code }, spelling);
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({ token_type: "Bearer", refresh_token: expect.any(String) });
      expect(fake.exchanges.at(-1)).toMatchObject({ operation: "token", grant: "mfa_oob", status: 200 });
      // single use
      expect((await grant(bearer, { mfa_token: mfaToken, oob_code: sent.body.oob_code, binding_code: code })).status).toBe(403);
      expect((await challenge(bearer, mfaToken)).status).toBe(403);
    }
  });

  it("refuses wrong binding codes, and after a few the mfa_token is spent even for the right one", async () => {
    await start();
    const bearer = await bearerOf("with-refresh");
    const mfaToken = await mfaLogin(bearer);
    const sent = await challenge(bearer, mfaToken, "email");
    const code = fake.mfaCode(grace.email)!;
    const wrong = code === "000000" ? "000001" : "000000";
    for (let i = 0; i < MFA_MAX_WRONG_CODES; i++)
      expect((await grant(bearer, { mfa_token: mfaToken, oob_code: sent.body.oob_code, binding_code: wrong })).status).toBe(403);
    expect((await grant(bearer, { mfa_token: mfaToken, oob_code: sent.body.oob_code, binding_code: code })).status).toBe(403);
  });

  it("accepts one wrong code short of the bound, then the right one", async () => {
    await start();
    const bearer = await bearerOf("with-refresh");
    const mfaToken = await mfaLogin(bearer);
    const sent = await challenge(bearer, mfaToken);
    const code = fake.mfaCode(grace.phone)!;
    const wrong = code === "000000" ? "000001" : "000000";
    for (let i = 0; i < MFA_MAX_WRONG_CODES - 1; i++) await grant(bearer, { mfa_token: mfaToken, oob_code: sent.body.oob_code, binding_code: wrong });
    expect((await grant(bearer, { mfa_token: mfaToken, oob_code: sent.body.oob_code, binding_code: code })).status).toBe(200);
  });

  it("binds the mfa_token to the client that started the login and to the challenge's oob_code", async () => {
    await start();
    const bearer = await bearerOf("with-refresh");
    const mfaToken = await mfaLogin(bearer);
    expect((await challenge(await bearerOf("other-refresh"), mfaToken)).status).toBe(403);
    const sent = await challenge(bearer, mfaToken);
    const code = fake.mfaCode(grace.email)!;
    expect((await grant(await bearerOf("other-refresh"), { mfa_token: mfaToken, oob_code: sent.body.oob_code, binding_code: code })).status).toBe(403);
    expect((await grant(bearer, { mfa_token: mfaToken, oob_code: "oob_other", binding_code: code })).status).toBe(403);
    expect((await grant(bearer, { mfa_token: mfaToken, oob_code: sent.body.oob_code, binding_code: code })).status).toBe(200);
  });

  it("expires the mfa_token by the injected clock, and a bearer with the no-mfa scope skips MFA", async () => {
    let now = Date.parse("2026-12-08T00:00:00Z");
    await start({ now: () => now });
    const bearer = await bearerOf("with-refresh");
    const mfaToken = await mfaLogin(bearer);
    const sent = await challenge(bearer, mfaToken);
    now += MFA_TOKEN_LIFETIME_S * 1000;
    expect((await grant(bearer, { mfa_token: mfaToken, oob_code: sent.body.oob_code, binding_code: fake.mfaCode(grace.email) })).status).toBe(403);
    expect((await challenge(bearer, mfaToken)).status).toBe(403);
    expect((await login(await bearerOf("skips-mfa"), grace)).status).toBe(200);
  });

  it("sends the code over a channel the user has: sms (the default) needs a phone", async () => {
    await start();
    const bearer = await bearerOf("with-refresh");
    fake.close();
    await start({ users: [{ ...grace, phone: undefined }] });
    const b = await bearerOf("with-refresh");
    const mfaToken = await mfaLogin(b);
    expect((await challenge(b, mfaToken)).status).toBe(400);
    expect((await challenge(b, mfaToken, "email")).status).toBe(200);
    expect(bearer).not.toBe(b);
  });
});

describe("the clock and the options", () => {
  it("expires tokens by the injected clock: a client bearer past its expires_in is refused", async () => {
    let now = Date.parse("2026-12-08T00:00:00Z");
    await start({ now: () => now });
    const bearer = await bearerOf("plain");
    const claims = JSON.parse(Buffer.from(bearer.split(".")[1]!, "base64url").toString()) as { iat: number; exp: number };
    expect(claims.iat).toBe(now / 1000);
    expect((await login(bearer, ada)).status).toBe(200);
    now = claims.exp * 1000;
    expect((await login(bearer, ada)).status).toBe(401);
  });

  it("docs/testing.md states the fake's MFA bounds as the code has them", () => {
    const docs = readFileSync(new URL("../../docs/testing.md", import.meta.url), "utf8");
    expect(docs).toContain(`expires ${MFA_TOKEN_LIFETIME_S} seconds after the login`);
    expect(docs).toContain(`after ${MFA_MAX_WRONG_CODES} wrong binding codes`);
    expect(docs.match(/after \d+ wrong binding codes/g)?.every((m) => m === `after ${MFA_MAX_WRONG_CODES} wrong binding codes`)).toBe(true);
  });

  it("refuses a scope the spec does not document, a clock that is not a function and a non-boolean mfa, naming each", async () => {
    await expect(startFakeDintero({ clients: [{ clientId: "c", clientSecret: "s", scopes: ["write:everything"] }] })).rejects.toThrow(
      /clients\[0\]\.scopes\[0\] must be a scope the spec documents/,
    );
    await expect(startFakeDintero({ now: 5 as unknown as () => number })).rejects.toThrow(/now must be a function/);
    await expect(startFakeDintero({ users: [{ ...ada, mfa: "yes" as unknown as boolean }] })).rejects.toThrow(/users\[0\]\.mfa must be true or false/);
  });
});
