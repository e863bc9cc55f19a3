// The next round of hostile input (#16 §5): a browser worker without `document`, error bodies
// crafted to make redaction slow, echoes in another Unicode normalization form, retries nobody
// waits for, and a wall clock that steps back.
import { execFile } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as browserEntry from "../../src/browser.ts";
import { createLoginClient, type LoginError, type LoginClientOptions } from "../../src/index.ts";
import { formsBudget, redactServerText, tokenCaps } from "../../src/redact.ts";
import { customerToken, delay, errorBody, sendJson, type LoginServer, useLoginServer } from "../helpers/login-server.ts";
import { everything, pieces } from "../helpers/secret-search.ts";

const accountId = "T12345678";
const email = { type: "customer", email: "a@example.com", password: "fake-password-1" } as const;
const clientAuth = { clientId: "test-client-id", clientSecret: "fake-client-secret-for-tests" };

let server: LoginServer;
useLoginServer((s) => (server = s));
afterEach(() => {
  vi.restoreAllMocks();
});

const client = (options: Partial<LoginClientOptions> = {}) =>
  createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl, ...options });

/** The rejection of a login that must fail. */
const failed = (login: Promise<unknown>): Promise<LoginError> =>
  login.then(
    () => {
      throw new Error("expected the login to reject");
    },
    (e: unknown) => e as LoginError,
  );


describe("1. the browser build never hands page code a refresh_token, in a Web Worker (no document) too", () => {
  it("the browser entry removes refresh_token where no document exists (as in a Web Worker, or here)", async () => {
    expect(typeof (globalThis as { document?: unknown }).document).toBe("undefined");
    server.login = (_req, res) => sendJson(res, 200, customerToken({ refresh_token: "fake-refresh-token-1" }));
    const token = await browserEntry.createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl }).login(email);
    expect(token).not.toHaveProperty("refresh_token");
    const kept = await browserEntry
      .createLoginClient({ accountId, auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl, allowRefreshTokenInBrowser: true })
      .login(email);
    expect(kept.refresh_token).toBe("fake-refresh-token-1");
  });

  it("the default entry treats a worker's global scope (importScripts) as a browser: no secret, no refresh_token", async () => {
    const scope = globalThis as { importScripts?: unknown };
    scope.importScripts = () => undefined;
    try {
      server.login = (_req, res) => sendJson(res, 200, customerToken({ refresh_token: "fake-refresh-token-1" }));
      expect(await client().login(email)).not.toHaveProperty("refresh_token");
      expect(() => createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl })).toThrow(/client secret must not ship to a browser/);
    } finally {
      delete scope.importScripts;
    }
    expect(createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl })).toBeTruthy();
  });
});

describe("2. error bodies crafted against redaction (bench/, 8, measures the time)", () => {
  it("the token caps count UTF-8 bytes: 32 tokens of 700 '€' (64,000 characters would pass, 67,200 bytes do not) show no server text", async () => {
    const tokens = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`token${i}`, "€".repeat(700)]));
    expect(32 * 700).toBeLessThan(tokenCaps.totalBytes);
    server.login = (_req, res) => sendJson(res, 400, { error: { code: "bad", message: `echo ${"€".repeat(20)}` }, ...tokens });
    const error = await failed(client().login(email));
    expect(error).toMatchObject({ kind: "bad_request", message: "login was rejected as a bad request (400)" });
  });

  it("secrets whose forms exceed the budget redact the whole text instead of being searched", () => {
    const huge = "s".repeat(formsBudget / 2); // its Base64 forms alone are twice the budget
    expect(redactServerText("nothing secret here", 300, [huge])).toBe("[REDACTED]");
    expect(redactServerText("nothing secret here", 300, ["s".repeat(1000)])).toBe("nothing secret here");
    expect(redactServerText("nothing secret here", 300, ["a-bearer", "b".repeat(4 * formsBudget)])).toBe("[REDACTED]"); // refused before it is encoded
  });
});

describe("3. an echo in another Unicode normalization form is the same secret", () => {
  const nfc = "Pässwörd-Åse-ﬁne-secret".normalize("NFC");
  const fullwidth = "ｓｅｃｒｅｔ－Ｐäｓｓ－１２３４"; // NFKC: "secret-Päss-1234"
  const cases: [string, string, (pw: string) => string][] = [
    ["NFC password, NFD echo", nfc, (pw) => pw.normalize("NFD")],
    ["NFD password, NFC echo", nfc.normalize("NFD"), (pw) => pw.normalize("NFC")],
    ["a fullwidth password echoed in NFKC (SASLprep)", fullwidth, (pw) => pw.normalize("NFKC")],
    ["a fullwidth password echoed in NFKD, percent-encoded", fullwidth, (pw) => encodeURIComponent(pw.normalize("NFKD"))],
  ];
  for (const [name, password, echo] of cases) {
    it(name, async () => {
      server.login = (_req, res) => sendJson(res, 401, errorBody("UNAUTHORIZED", `wrong password ${echo(password)} for a@example.com`));
      const error = await failed(client().login({ ...email, password }));
      expect(error.kind).toBe("unauthorized");
      const text = everything(error);
      for (const form of ["NFC", "NFD", "NFKC", "NFKD"] as const) expect(pieces(text.normalize(form), password.normalize(form)), form).toEqual([]);
      expect(error.message).toContain("for a@example.com");
    });
  }
});

describe("4. token retries nobody waits for", () => {
  it("after the only caller aborts, the token request carries on under its own deadline and its bearer is cached: the next login sends none", async () => {
    server.token = async (_req, res) => {
      await delay(150);
      sendJson(res, 200, server.issueToken());
    };
    const c = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl });
    const controller = new AbortController();
    const pending = failed(c.login(email, { signal: controller.signal }));
    await delay(20);
    controller.abort();
    expect((await pending).kind).toBe("aborted");
    await vi.waitFor(() => expect(server.issued).toEqual(["cc-token-1"]));
    await vi.waitFor(() => expect(c.login(email)).resolves.toMatchObject({ token_type: "Bearer" }));
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.loginRequests().map((r) => r.headers.authorization)).toEqual(["Bearer cc-token-1"]);
  });

  it("one patient caller keeps the retries going for itself", async () => {
    let answers = 0;
    server.token = (_req, res) => (++answers < 3 ? sendJson(res, 503, errorBody("UNAVAILABLE", "later")) : sendJson(res, 200, server.issueToken()));
    const c = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl, tokenRetry: { baseDelayMs: 100 } });
    const impatient = failed(c.login(email, { signal: AbortSignal.timeout(50) }));
    const patient = c.login(email);
    expect((await impatient).kind).toBe("timeout");
    await expect(patient).resolves.toMatchObject({ token_type: "Bearer" });
    expect(server.tokenRequests()).toHaveLength(3);
  });

  it("a process whose only login was aborted exits at once, though the backoff would wait 5 s", async () => {
    const script = [
      `import { createServer } from "node:http";`,
      `import { createLoginClient } from "./src/index.ts";`,
      `let tokenRequests = 0;`,
      `const server = createServer((req, res) => { req.resume(); req.on("end", () => { tokenRequests++; res.writeHead(503, { "content-type": "application/json" }); res.end(JSON.stringify({ error: { message: "later" } })); }); });`,
      `await new Promise((r) => server.listen(0, "127.0.0.1", r));`,
      `const client = createLoginClient({ accountId: "T12345678", auth: { clientId: "id", clientSecret: "fake-secret" }, baseUrl: "http://127.0.0.1:" + server.address().port + "/v1", tokenRetry: { baseDelayMs: 5000 } });`,
      `const e = await client.login({ type: "customer", email: "a@example.com", password: "fake-password" }, { signal: AbortSignal.timeout(200) }).catch((err) => err);`,
      `server.close(); server.closeAllConnections();`,
      `process.on("exit", () => console.log(JSON.stringify({ kind: e.kind, tokenRequests, ms: Math.round(performance.now()) })));`,
    ].join("\n");
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: path.resolve(import.meta.dirname, "../.."), timeout: 4_500 }, (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(JSON.parse(out)).toMatchObject({ kind: "timeout", tokenRequests: 1 });
  });
});

describe("5. the bearer cache runs on a clock that neither steps back nor stands still", () => {
  it("a wall clock that steps back an hour does not make a bearer past its half-life look fresh", async () => {
    server.token = (_req, res) => sendJson(res, 200, server.issueToken(1)); // refreshed after 500 ms
    const [realNow, realMono] = [Date.now.bind(Date), performance.now.bind(performance)];
    let [wall, mono] = [0, 0];
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + wall);
    vi.spyOn(performance, "now").mockImplementation(() => realMono() + mono);
    const c = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl });
    await c.login(email);
    wall = -3_600_000;
    mono = 650;
    await c.login(email); // served the cached bearer, and its refresh started
    await vi.waitFor(() => expect(server.tokenRequests()).toHaveLength(2));
  });

  it("nor does a monotonic clock that stood still while the machine was suspended", async () => {
    server.token = (_req, res) => sendJson(res, 200, server.issueToken(1)); // refreshed after 500 ms
    const realNow = Date.now.bind(Date);
    let suspended = 0;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + suspended);
    const c = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl });
    await c.login(email);
    // An hour of suspend: the wall clock moved on an hour; CLOCK_MONOTONIC (performance.now) did not count it.
    suspended = 3_600_000;
    await c.login(email);
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("a wall clock that steps forward costs one early token request, then the cache holds", async () => {
    const realNow = Date.now.bind(Date);
    let step = 0;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + step);
    const c = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl });
    await c.login(email);
    step = 86_400_000;
    await c.login(email);
    await c.login(email);
    expect(server.tokenRequests()).toHaveLength(2);
  });
});
