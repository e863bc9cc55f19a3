// Token retries nobody waits for: the shared token request carries on under its own deadline and its bearer
// is cached; a process whose only login was aborted exits at once (#16 §5).
import { execFile } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLoginClient } from "../../../src/index.ts";
import { delay, errorBody, sendJson, type LoginServer, useLoginServer } from "../../helpers/login-server.ts";
import { accountId, clientAuth, email } from "../../helpers/client-fixture.ts";
import { loginError } from "../../helpers/login-error.ts";

let server: LoginServer;
useLoginServer((s) => (server = s));
afterEach(() => {
  vi.restoreAllMocks();
});

describe("4. token retries nobody waits for", () => {
  it("after the only caller aborts, the token request carries on under its own deadline and its bearer is cached: the next login sends none", async () => {
    server.token = async (_req, res) => {
      await delay(150);
      sendJson(res, 200, server.issueToken());
    };
    const c = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl });
    const controller = new AbortController();
    const pending = loginError(c.login(email, { signal: controller.signal }));
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
    const impatient = loginError(c.login(email, { signal: AbortSignal.timeout(50) }));
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
      execFile(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", script],
        { cwd: path.resolve(import.meta.dirname, "../../.."), timeout: 4_500 },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
    expect(JSON.parse(out)).toMatchObject({ kind: "timeout", tokenRequests: 1 });
  });
});
