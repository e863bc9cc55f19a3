// src/browser.ts (package.json's "browser" export) is the same client as src/index.ts over the same core:
// the same exports, options refused with the same details, logins alike; only `{ clientId, clientSecret }`
// is refused everywhere (no token provider ships to a browser), with the message the default entry gives in a browser.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import * as browserEntry from "../../../src/browser.ts";
import * as defaultEntry from "../../../src/index.ts";
import { LoginError, type LoginClientOptions } from "../../../src/index.ts";
import { customerToken, sendJson, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const clientSecret = "fake-client-secret-browser-9Qz";
const password = "fake-password-browser-1";

let server: LoginServer;
beforeAll(async () => {
  server = await startLoginServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.requests.length = 0;
  delete (globalThis as { document?: unknown }).document;
});

/** What createLoginClient threw, as JSON (kind, message, details), or "no error". */
function refusal(create: (options: LoginClientOptions) => unknown, options: unknown): unknown {
  try {
    create(options as LoginClientOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(LoginError);
    return (error as LoginError).toJSON();
  }
  return "no error";
}

describe("the browser entry", () => {
  it("exports the same names as the default entry", () => {
    expect(Object.keys(browserEntry).sort()).toEqual(Object.keys(defaultEntry).sort());
    expect(browserEntry.LoginError).toBe(defaultEntry.LoginError);
    expect(browserEntry.defaultBaseUrl).toBe(defaultEntry.defaultBaseUrl);
  });

  it("refuses { clientId, clientSecret } without a document too, as the default entry does in a browser, and sends nothing", () => {
    const options = { accountId, auth: { clientId: "test-client-id", clientSecret }, baseUrl: server.baseUrl };
    const refused = refusal(browserEntry.createLoginClient, options);
    expect(refused).toMatchObject({ kind: "invalid_request" });
    expect((refused as { details: unknown[] }).details).toEqual([
      { pointer: "/auth/clientSecret", rule: "browser", message: expect.stringMatching(/client secret must not ship to a browser/) },
    ]);
    expect(JSON.stringify(refused)).not.toContain(clientSecret);
    (globalThis as { document?: unknown }).document = {};
    expect(refused).toEqual(refusal(defaultEntry.createLoginClient, options));
    expect(server.requests).toEqual([]);
  });

  // Every option the core reads, broken one at a time (and some together): both entries say the same.
  const bad: Record<string, unknown>[] = [
    { accountId: "X1" },
    { accountId: 12345678 },
    { baseUrl: "http://example.com/v1" },
    { baseUrl: "https://user:pw@example.com/v1" },
    { baseUrl: "https://example.com/v1?x=1" },
    { baseUrl: "not a url" },
    { audience: 5 },
    { audience: { href: "https://api.dintero.com/v1/accounts/T12345678" } },
    { auth: null },
    { auth: { accessToken: "has space" } },
    { auth: { clientId: "", clientSecret } },
    { auth: { clientId: "id" } },
    { fetch: "fetch" },
    { timeoutMs: 0 },
    { timeoutMs: 2 ** 31 },
    { maxResponseBytes: 1.5 },
    { accountId: "X1", audience: 5, timeoutMs: -1, auth: { accessToken: "" } },
  ];
  for (const change of bad) {
    it(`refuses ${JSON.stringify(change)} with the same error as the default entry`, () => {
      const options = { accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl, ...change };
      const refused = refusal(browserEntry.createLoginClient, options);
      expect(refused).toMatchObject({ kind: "invalid_request" });
      expect(refused).toEqual(refusal(defaultEntry.createLoginClient, options));
    });
  }

  it("refuses options that are not an object, or whose getters throw, as the default entry does", () => {
    const throwing = {
      accountId,
      get auth(): never {
        throw new Error(`boom ${clientSecret}`);
      },
    };
    for (const options of [null, "T12345678", throwing]) {
      const refused = refusal(browserEntry.createLoginClient, options);
      expect(refused).toMatchObject({ kind: "invalid_request" });
      expect(refused).toEqual(refusal(defaultEntry.createLoginClient, options));
      expect(JSON.stringify(refused)).not.toContain(clientSecret);
    }
  });

  it("ignores tokenRetry, which only the token provider reads (the default entry checks it)", () => {
    const options = { accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl, tokenRetry: { maxAttempts: 9 } };
    expect(refusal(browserEntry.createLoginClient, options)).toBe("no error");
    expect(refusal(defaultEntry.createLoginClient, options)).toMatchObject({ kind: "invalid_request", details: [{ pointer: "/tokenRetry/maxAttempts" }] });
  });

  it("logs in with { accessToken } and checks the body and the response as the default entry does", async () => {
    server.login = (request, response) =>
      request.headers.authorization === "Bearer provided-bearer"
        ? sendJson(response, 200, customerToken({ refresh_token: "fake-refresh-token-b" }))
        : sendJson(response, 401, { error: { code: "unauthorized", message: "no" } });
    const client = browserEntry.createLoginClient({ accountId, auth: { accessToken: () => "provided-bearer" }, baseUrl: server.baseUrl });
    // The browser build removes refresh_token wherever it runs (a Web Worker has no document either).
    expect(await client.login({ type: "customer", email: "a@example.com", password })).toEqual(customerToken());
    expect(server.loginRequests().map((r) => r.json)).toEqual([
      { type: "customer", email: "a@example.com", password, audience: `https://api.dintero.com/v1/accounts/${accountId}` },
    ]);
    const invalid = await client.login({ type: "customer", password } as never).catch((error: unknown) => error);
    expect(invalid).toMatchObject({ kind: "invalid_request", details: [{ rule: "anyOf" }] });
    server.login = (_request, response) => sendJson(response, 200, { access_token: 1 });
    const broken = await client.login({ type: "customer", email: "a@example.com", password }).catch((error: unknown) => error);
    expect(broken).toMatchObject({ kind: "contract_violation", status: 200 });
    expect(server.loginRequests()).toHaveLength(2);
    expect(typeof client.raw.POST).toBe("function");
  });
});
