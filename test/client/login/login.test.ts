// The happy paths of createLoginClient over real HTTP: both ways to authenticate, what is sent.
import { vi, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLoginClient, LoginError } from "../../../src/index.ts";
import { customerToken, sendJson, sendRaw, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const auth = { clientId: "test-client-id", clientSecret: "fake-client-secret-for-tests" };

let server: LoginServer;
beforeEach(async () => {
  server = await startLoginServer();
});
afterEach(async () => {
  await server.close();
});

describe("login with client credentials", () => {
  it("gets the bearer with HTTP Basic, then logs the customer in with it", async () => {
    const client = createLoginClient({ accountId, auth, baseUrl: server.baseUrl });
    const token = await client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" });

    expect(token).toEqual(customerToken());
    const [tokenRequest, loginRequest] = server.requests;
    expect(server.requests).toHaveLength(2);
    expect(tokenRequest?.method).toBe("POST");
    expect(tokenRequest?.path).toBe("/v1/accounts/T12345678/auth/token");
    const expectedBasic = Buffer.from("test-client-id:fake-client-secret-for-tests").toString("base64");
    expect(tokenRequest?.headers.authorization).toBe(`Basic ${expectedBasic}`);
    expect(tokenRequest?.json).toEqual({
      grant_type: "client_credentials",
      audience: "https://api.dintero.com/v1/accounts/T12345678",
    });
    expect(loginRequest?.path).toBe("/v1/accounts/T12345678/customers/login");
    expect(loginRequest?.headers.authorization).toBe("Bearer cc-token-1");
    expect(loginRequest?.headers["content-type"]).toMatch(/^application\/json/);
    expect(loginRequest?.json).toEqual({
      type: "customer",
      email: "a@example.com",
      password: "fake-password-1",
      audience: "https://api.dintero.com/v1/accounts/T12345678",
    });
  });

  it("encodes non-ASCII client credentials as UTF-8 before base64", async () => {
    const client = createLoginClient({ accountId, auth: { clientId: "klient-ø", clientSecret: "hemmelig-æå-🔑" }, baseUrl: server.baseUrl });
    await client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" });
    const expected = Buffer.from("klient-ø:hemmelig-æå-🔑", "utf8").toString("base64");
    expect(server.tokenRequests()[0]?.headers.authorization).toBe(`Basic ${expected}`);
  });

  it("logs in with ident_type + ident, and a custom audience for token and login", async () => {
    const audience = "https://api.dintero.com/v1/accounts/T12345678/custom";
    const client = createLoginClient({ accountId, auth, baseUrl: server.baseUrl, audience });
    await client.login({ type: "company", ident_type: "phone_number", ident: "+4799999999", password: "1234" });
    expect((server.tokenRequests()[0]?.json as { audience: string } | undefined)?.audience).toBe(audience);
    expect(server.loginRequests()[0]?.json).toEqual({
      type: "company",
      ident_type: "phone_number",
      ident: "+4799999999",
      password: "1234",
      audience,
    });
  });

  it("keeps an audience given in the login body", async () => {
    const client = createLoginClient({ accountId, auth, baseUrl: server.baseUrl });
    await client.login({ type: "customer", email: "a@example.com", password: "fake-password-1", audience: "https://example.test/aud" });
    expect((server.loginRequests()[0]?.json as { audience: string } | undefined)?.audience).toBe("https://example.test/aud");
  });

  it("reuses the bearer for later logins", async () => {
    const client = createLoginClient({ accountId, auth, baseUrl: server.baseUrl });
    for (let i = 0; i < 3; i++) await client.login({ type: "customer", email: `u${i}@example.com`, password: "fake-password-1" });
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.loginRequests()).toHaveLength(3);
  });

  it("accepts a trailing slash on baseUrl and localhost as a loopback host", async () => {
    const client = createLoginClient({ accountId, auth, baseUrl: `${server.baseUrl.replace("127.0.0.1", "localhost")}/` });
    await expect(client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" })).resolves.toEqual(customerToken());
  });
});

describe("custom fetch", () => {
  it("sends the token request and the login through the fetch given in the options", async () => {
    const seen: string[] = [];
    const bodies: unknown[] = [];
    const recordingFetch = async (request: Request) => {
      seen.push(`${request.method} ${new URL(request.url).pathname}`);
      expect(request).toBeInstanceOf(Request);
      bodies.push(await request.clone().json());
      return globalThis.fetch(request);
    };
    const client = createLoginClient({ accountId, auth, baseUrl: server.baseUrl, fetch: recordingFetch });
    await client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" });
    expect(seen).toEqual(["POST /v1/accounts/T12345678/auth/token", "POST /v1/accounts/T12345678/customers/login"]);
    // The custom fetch gets a full Request, body included (the string-body shortcut is only for the platform fetch).
    expect(bodies[1]).toMatchObject({ type: "customer", email: "a@example.com" });
    expect(server.loginRequests()[0]?.headers["content-type"]).toBe("application/json");
  });
});

describe("login with a provided bearer", () => {
  it("sends a string bearer and never asks for a token", async () => {
    const client = createLoginClient({ accountId, auth: { accessToken: "provided-bearer-1" }, baseUrl: server.baseUrl });
    await client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" });
    expect(server.tokenRequests()).toHaveLength(0);
    expect(server.loginRequests()[0]?.headers.authorization).toBe("Bearer provided-bearer-1");
  });

  it("calls a bearer function (sync or async) before every login", async () => {
    let calls = 0;
    const client = createLoginClient({
      accountId,
      auth: { accessToken: async () => `provided-bearer-${++calls}` },
      baseUrl: server.baseUrl,
    });
    await client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" });
    await client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" });
    expect(server.loginRequests().map((r) => r.headers.authorization)).toEqual(["Bearer provided-bearer-1", "Bearer provided-bearer-2"]);
  });

  it("rejects with client_token_failed when the bearer function throws or returns nothing", async () => {
    const throwing = createLoginClient({
      accountId,
      auth: {
        accessToken: () => {
          throw new Error("vault down");
        },
      },
      baseUrl: server.baseUrl,
    });
    await expect(throwing.login({ type: "customer", email: "a@example.com", password: "fake-password-1" })).rejects.toMatchObject({
      kind: "client_token_failed",
    });
    const empty = createLoginClient({ accountId, auth: { accessToken: () => "" }, baseUrl: server.baseUrl });
    const error = await empty.login({ type: "customer", email: "a@example.com", password: "fake-password-1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginError);
    expect((error as LoginError).kind).toBe("client_token_failed");
    expect(((error as LoginError).cause as LoginError).kind).toBe("invalid_request");
    expect(server.requests).toHaveLength(0);
  });
});

describe("responses", () => {
  it("treats application/json; charset=utf-8 as JSON and keeps extra properties (open objects)", async () => {
    server.login = (_req, res) => sendJson(res, 200, customerToken({ scope: "read:accounts" }), { "content-type": "application/json; charset=UTF-8" });
    const client = createLoginClient({ accountId, auth: { accessToken: "provided-x" }, baseUrl: server.baseUrl });
    await expect(client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" })).resolves.toEqual(
      customerToken({ scope: "read:accounts" }),
    );
  });

  it("returns refresh_token outside a browser", async () => {
    server.login = (_req, res) => sendJson(res, 200, customerToken({ refresh_token: "fake-refresh-token-1" }));
    const client = createLoginClient({ accountId, auth: { accessToken: "provided-x" }, baseUrl: server.baseUrl });
    const token = await client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" });
    expect(token.refresh_token).toBe("fake-refresh-token-1");
  });

  it("with validateResponses: false, returns a body that breaks the schema as it is, if the token is usable", async () => {
    server.login = (_req, res) => sendJson(res, 200, { access_token: "x", token_type: "mac", expires_in: 1, extra: [1] });
    const client = createLoginClient({ accountId, auth: { accessToken: "provided-x" }, baseUrl: server.baseUrl, validateResponses: false });
    await expect(client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" })).resolves.toEqual({
      access_token: "x",
      token_type: "mac",
      expires_in: 1,
      extra: [1],
    });
  });

  it("with validateResponses: false, still maps a status to its kind when the error body is HTML", async () => {
    server.login = (_req, res) => sendRaw(res, 400, "<html>bad</html>", { "content-type": "text/html" });
    const client = createLoginClient({ accountId, auth: { accessToken: "provided-x" }, baseUrl: server.baseUrl, validateResponses: false });
    await expect(client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" })).rejects.toMatchObject({
      kind: "bad_request",
      status: 400,
    });
  });
});

describe("client.raw", () => {
  it("is openapi-fetch with the auth middleware: it fetches, caches and sends the bearer", async () => {
    const client = createLoginClient({ accountId, auth, baseUrl: server.baseUrl });
    const { data, response } = await client.raw.POST("/accounts/{aid}/customers/login", {
      params: { path: { aid: accountId } },
      body: { audience: "https://api.dintero.com/v1/accounts/T12345678", type: "customer", email: "a@example.com", password: "fake-password-1" },
    });
    expect(response.status).toBe(200);
    expect(data?.access_token).toBe("customer-access-token-0001");
    expect(server.loginRequests()[0]?.headers.authorization).toBe("Bearer cc-token-1");
    await client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" });
    expect(server.tokenRequests()).toHaveLength(1);
  });

  it("refreshes the cached bearer after a first 401 through raw as well", async () => {
    const client = createLoginClient({ accountId, auth, baseUrl: server.baseUrl });
    await client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" });
    server.revokeAll();
    const { response } = await client.raw.POST("/accounts/{aid}/customers/login", {
      params: { path: { aid: accountId } },
      body: { audience: "a", type: "customer", email: "a@example.com", password: "fake-password-1" },
    });
    expect(response.status).toBe(401);
    await vi.waitFor(() => expect(server.tokenRequests()).toHaveLength(2));
    await vi.waitFor(() =>
      expect(client.login({ type: "customer", email: "a@example.com", password: "fake-password-1" })).resolves.toMatchObject({ token_type: "Bearer" }),
    );
    expect(server.tokenRequests()).toHaveLength(2);
  });
});
