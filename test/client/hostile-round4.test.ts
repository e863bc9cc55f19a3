// A fresh adversarial round on the client (issue 16): each case failed before its fix.
// 1. A custom fetch whose body stream always has another (empty) chunk ready, and fetch or accessToken
//    functions returning a thenable that resolves to itself, ran in microtasks forever: no timer could
//    fire, so login() never settled although its docs promise deadlines that hold whatever fetch does.
// 2. token_type "bearer" (RFC 6749 §5.1: case-insensitive) made every token answer a contract
//    violation, and every login a new token request.
// 3. The browser build left a refresh_token reachable through a "__proto__" member or one nested deeper.
import { describe, expect, it } from "vitest";
import * as browserEntry from "../../src/browser.ts";
import { createLoginClient } from "../../src/index.ts";
import { customerToken, sendJson, sendRaw, type LoginServer, useLoginServer } from "../helpers/login-server.ts";
import { loginError } from "../helpers/login-error.ts";

const accountId = "T12345678";
const email = { type: "customer", email: "a@example.com", password: "fake-password-1" } as const;
const clientAuth = { clientId: "test-client-id", clientSecret: "fake-client-secret-for-tests" };

let server: LoginServer;
useLoginServer((s) => (server = s));


/** A Response whose body stream always has another empty chunk ready. */
const endlessEmptyChunks = () =>
  new Response(new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(0)) }), { status: 200, headers: { "content-type": "application/json" } });

/** A thenable that resolves to itself. */
const selfThenable = (): PromiseLike<never> => {
  // biome-ignore lint/suspicious/noThenProperty: a thenable that resolves to itself is the hostile input under test
  const t: PromiseLike<never> = { then: (resolve: (v: unknown) => void) => resolve(t) } as PromiseLike<never>;
  return t;
};

describe("deadlines hold whatever the caller's functions do", () => {
  it("a body stream of endless empty chunks ends in timeout at timeoutMs", async () => {
    const client = createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl, timeoutMs: 300, fetch: async () => endlessEmptyChunks() });
    const started = performance.now();
    const error = await loginError(client.login(email));
    expect(error.kind).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 15_000);

  it("a fetch returning a thenable that resolves to itself settles, as a network failure", async () => {
    const client = createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl, timeoutMs: 300, fetch: (() => selfThenable()) as unknown as typeof fetch });
    const error = await loginError(client.login(email));
    expect(["network", "timeout"]).toContain(error.kind);
  }, 15_000);

  it("an accessToken function returning a thenable that resolves to itself settles as client_token_failed", async () => {
    const client = createLoginClient({ accountId, auth: { accessToken: (() => selfThenable()) as unknown as () => string }, baseUrl: server.baseUrl, timeoutMs: 300 });
    const error = await loginError(client.login(email));
    expect(["client_token_failed", "timeout"]).toContain(error.kind);
  }, 15_000);
});

describe("token_type is case-insensitive (RFC 6749 §5.1)", () => {
  it('a token answer with token_type "bearer" is used and cached: 3 logins, 1 token request', async () => {
    server.token = (_req, res) => sendJson(res, 200, { ...server.issueToken(), token_type: "bearer" });
    server.login = (_req, res) => sendJson(res, 200, customerToken({ token_type: "BEARER" }));
    const client = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl });
    for (let i = 0; i < 3; i++) expect((await client.login(email)).token_type).toBe("Bearer");
    expect(server.requests.filter((r) => r.path.endsWith("/auth/token"))).toHaveLength(1);
  });
});

describe("the browser build hands page code no refresh_token, wherever the body puts one", () => {
  it("not through a __proto__ member, nor nested deeper", async () => {
    const secret = "rt-secret-value-0123456789";
    const base = JSON.stringify(customerToken()).slice(0, -1);
    server.login = (_req, res) => sendRaw(res, 200, `${base},"__proto__":{"refresh_token":"${secret}"},"constructor":{"prototype":{"refresh_token":"${secret}"}}}`, { "content-type": "application/json" });
    const token = await browserEntry.createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl }).login(email);
    expect(JSON.stringify(token)).not.toContain(secret);
    expect((Object.assign({}, token) as { refresh_token?: unknown }).refresh_token).toBeUndefined();
    expect(({ ...token } as { refresh_token?: unknown }).refresh_token).toBeUndefined();
  });
});

describe("an echo in HTML character references is redacted", () => {
  it("a 401 whose message quotes the password HTML-escaped (named and numeric references) shows none of it", async () => {
    const { everything, pieces } = await import("../helpers/secret-search.ts");
    const password = `Tr0ub<4d>or&3"xyz'Q-${Date.now()}`;
    const escaped = password.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
    server.login = (_req, res) => sendJson(res, 401, { error: { code: "UNAUTHORIZED", message: `Invalid password <b>${escaped}</b> for a@example.com` } });
    const error = await loginError(createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl }).login({ ...email, password }));
    expect(error.kind).toBe("unauthorized");
    const shown = everything(error);
    expect(pieces(shown, password)).toEqual([]);
    // the leak is in the escaped form: no 8-character piece of it may show either
    expect(pieces(shown, escaped)).toEqual([]);
  });
});
