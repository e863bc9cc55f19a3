// Input is checked before anything is sent: bad credentials and bad options give invalid_request
// and the server sees nothing. Also the https-only and browser rules.
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { createLoginClient, LoginError, type LoginClientOptions, type LoginCredentials } from "../../../src/index.ts";
import { startFakeDintero, type RunningFakeDintero } from "../../../testing/index.ts";
import { customerToken, sendJson, startLoginServer } from "../../helpers/login-server.ts";

const accountId = "T12345678";
const auth = { clientId: "test-client-id", clientSecret: "fake-client-secret-for-tests" };
const password = "fake-password-1";

// A correct Dintero (the fake): what it accepts, it accepts under the spec's rules, and its record
// shows whether anything was sent.
let server: RunningFakeDintero;
beforeAll(async () => {
  server = await startFakeDintero({
    accountId,
    clients: [auth],
    users: [
      { type: "customer", email: "a@example.com", password },
      { type: "customer", phone: "+4799999999", password: "1234" },
      { type: "customer", email: "long@example.com", password: "p".repeat(255) },
    ],
  });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
});

const base = { type: "customer", password } as const;

/** Each breaks one rule of the spec's LoginCredentials (or is not an object at all). */
const invalidCredentials: { name: string; input: unknown; pointer: string; rule: string }[] = [
  { name: "null", input: null, pointer: "", rule: "type" },
  { name: "undefined", input: undefined, pointer: "", rule: "type" },
  { name: "a string", input: "a@example.com:fake-password-1", pointer: "", rule: "type" },
  { name: "an array", input: [base], pointer: "", rule: "type" },
  { name: "a number", input: 42, pointer: "", rule: "type" },
  { name: "an empty object", input: {}, pointer: "/type", rule: "required" },
  { name: "neither email nor ident", input: { ...base }, pointer: "", rule: "anyOf" },
  { name: "ident_type without ident", input: { ...base, ident_type: "phone_number" }, pointer: "", rule: "anyOf" },
  { name: "ident without ident_type", input: { ...base, ident: "+4799999999" }, pointer: "", rule: "anyOf" },
  { name: "ident_type outside the enum", input: { ...base, ident_type: "username", ident: "bob" }, pointer: "/ident_type", rule: "enum" },
  { name: "type missing", input: { email: "a@example.com", password }, pointer: "/type", rule: "required" },
  { name: "type outside the enum", input: { ...base, type: "admin", email: "a@example.com" }, pointer: "/type", rule: "enum" },
  { name: "type a number", input: { ...base, type: 1, email: "a@example.com" }, pointer: "/type", rule: "type" },
  { name: "type null", input: { ...base, type: null, email: "a@example.com" }, pointer: "/type", rule: "type" },
  { name: "password missing", input: { type: "customer", email: "a@example.com" }, pointer: "/password", rule: "required" },
  { name: "password of 3 characters", input: { ...base, password: "123", email: "a@example.com" }, pointer: "/password", rule: "minLength" },
  {
    name: "password of 3 emoji (3 characters, 6 UTF-16 units)",
    input: { ...base, password: "🔑🔑🔑", email: "a@example.com" },
    pointer: "/password",
    rule: "minLength",
  },
  { name: "password of 256 characters", input: { ...base, password: "p".repeat(256), email: "a@example.com" }, pointer: "/password", rule: "maxLength" },
  { name: "password a number", input: { ...base, password: 12345678, email: "a@example.com" }, pointer: "/password", rule: "type" },
  { name: "email a number", input: { ...base, email: 7 }, pointer: "/email", rule: "type" },
  { name: "email null", input: { ...base, email: null }, pointer: "/email", rule: "type" },
  { name: "ident a number", input: { ...base, ident_type: "phone_number", ident: 4799999999 }, pointer: "/ident", rule: "type" },
  { name: "audience a number", input: { ...base, email: "a@example.com", audience: 1 }, pointer: "/audience", rule: "type" },
  { name: "audience null", input: { ...base, email: "a@example.com", audience: null }, pointer: "/audience", rule: "type" },
  {
    name: "PIN of 2 digits with ident",
    input: { type: "customer", ident_type: "phone_number", ident: "+4799999999", password: "12" },
    pointer: "/password",
    rule: "minLength",
  },
];

describe("invalid credentials: invalid_request, and nothing is sent", () => {
  it("has at least 20 cases", () => {
    expect(invalidCredentials.length).toBeGreaterThanOrEqual(20);
  });

  for (const c of invalidCredentials) {
    it(`rejects ${c.name}`, async () => {
      const client = createLoginClient({ accountId, auth, baseUrl: server.url });
      const error = await client.login(c.input as LoginCredentials).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoginError);
      const loginError = error as LoginError;
      expect(loginError.kind).toBe("invalid_request");
      expect(loginError.details).toContainEqual(expect.objectContaining({ pointer: c.pointer, rule: c.rule }));
      expect(server.exchanges).toHaveLength(0);
    });
  }

  it("names the either/or rule in words", async () => {
    const client = createLoginClient({ accountId, auth, baseUrl: server.url });
    const error = (await client.login({ ...base } as unknown as LoginCredentials).catch((e: unknown) => e)) as LoginError;
    expect(error.message).toBe("login: the credentials are not valid: must have `email`, or `ident_type` and `ident`");
  });

  it("accepts the boundaries: a 4-character PIN and a 255-character password", async () => {
    const client = createLoginClient({ accountId, auth, baseUrl: server.url });
    await expect(client.login({ type: "customer", ident_type: "phone_number", ident: "+4799999999", password: "1234" })).resolves.toBeTruthy();
    await expect(client.login({ type: "customer", email: "long@example.com", password: "p".repeat(255) })).resolves.toBeTruthy();
    expect(server.exchanges.map((e) => [e.operation, e.status])).toEqual([
      ["token", 200],
      ["login", 200],
      ["login", 200],
    ]);
  });
});

describe("invalid options: createLoginClient throws invalid_request", () => {
  const cases: { name: string; options: Partial<LoginClientOptions> & Record<string, unknown>; pointer: string }[] = [
    { name: "a lowercase account id", options: { accountId: "t12345678" }, pointer: "/accountId" },
    { name: "a 7-digit account id", options: { accountId: "T1234567" }, pointer: "/accountId" },
    { name: "an account id with an X", options: { accountId: "X12345678" }, pointer: "/accountId" },
    { name: "a missing account id", options: { accountId: undefined as unknown as string }, pointer: "/accountId" },
    { name: "plain http to a remote host", options: { baseUrl: "http://api.dintero.com/v1" }, pointer: "/baseUrl" },
    { name: "plain http to a host that only starts like localhost", options: { baseUrl: "http://localhost.example.com/v1" }, pointer: "/baseUrl" },
    { name: "plain http to 128.0.0.1", options: { baseUrl: "http://128.0.0.1/v1" }, pointer: "/baseUrl" },
    { name: "an ftp URL", options: { baseUrl: "ftp://api.dintero.com/v1" }, pointer: "/baseUrl" },
    { name: "a relative URL", options: { baseUrl: "/v1" }, pointer: "/baseUrl" },
    { name: "no auth", options: { auth: undefined as unknown as LoginClientOptions["auth"] }, pointer: "/auth" },
    { name: "an empty client secret", options: { auth: { clientId: "id", clientSecret: "" } }, pointer: "/auth/clientSecret" },
    { name: "an empty access token", options: { auth: { accessToken: "" } }, pointer: "/auth/accessToken" },
    { name: "a zero timeout", options: { timeoutMs: 0 }, pointer: "/timeoutMs" },
    { name: "a NaN timeout", options: { timeoutMs: Number.NaN }, pointer: "/timeoutMs" },
    { name: "an audience that is not a string", options: { audience: 5 as unknown as string }, pointer: "/audience" },
    { name: "4 token attempts", options: { tokenRetry: { maxAttempts: 4 } }, pointer: "/tokenRetry/maxAttempts" },
  ];
  for (const c of cases) {
    it(`refuses ${c.name}`, () => {
      let thrown: unknown;
      try {
        createLoginClient({ accountId, auth, baseUrl: server.url, ...c.options });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(LoginError);
      expect((thrown as LoginError).kind).toBe("invalid_request");
      expect((thrown as LoginError).details?.map((d) => d.pointer)).toContain(c.pointer);
      expect(server.exchanges).toHaveLength(0);
    });
  }

  it("allows https anywhere, and http to localhost, 127.0.0.0/8 and ::1", () => {
    for (const baseUrl of [
      "https://api.dintero.com/v1",
      "https://example.test",
      "http://localhost:3000/v1",
      "http://127.0.0.1:3000",
      "http://127.255.0.9/v1",
      "http://[::1]:8080/v1",
    ]) {
      expect(() => createLoginClient({ accountId, auth, baseUrl })).not.toThrow();
    }
  });

  it("accepts P (production) account ids", () => {
    expect(() => createLoginClient({ accountId: "P00000001", auth })).not.toThrow();
  });
});

describe("in a browser (a document exists)", () => {
  const g = globalThis as { document?: unknown };
  afterEach(() => {
    delete g.document;
  });

  it("refuses clientSecret auth with a clear invalid_request", () => {
    g.document = {};
    let thrown: unknown;
    try {
      createLoginClient({ accountId, auth, baseUrl: server.url });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LoginError);
    expect((thrown as LoginError).kind).toBe("invalid_request");
    expect((thrown as LoginError).message).toMatch(/client secret must not ship to a browser/);
    expect((thrown as LoginError).message).not.toContain(auth.clientSecret);
  });

  it("removes refresh_token from the result, unless allowRefreshTokenInBrowser", async () => {
    // The fake never issues a refresh token (the client-credentials caller has no refresh scope): a server that does.
    const server = await startLoginServer();
    onTestFinished(() => server.close());
    server.login = (_req, res) => sendJson(res, 200, customerToken({ refresh_token: "fake-refresh-token-1" }));
    g.document = {};
    const spa = createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl });
    const token = await spa.login({ type: "customer", email: "a@example.com", password });
    expect(token).toEqual(customerToken());
    expect("refresh_token" in token).toBe(false);

    const allowed = createLoginClient({
      accountId,
      auth: { accessToken: "provided-bearer" },
      baseUrl: server.baseUrl,
      allowRefreshTokenInBrowser: true,
    });
    expect((await allowed.login({ type: "customer", email: "a@example.com", password })).refresh_token).toBe("fake-refresh-token-1");
  });
});
