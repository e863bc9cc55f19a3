// The README's route, run as written (extracted from README.md, as test/docs/docs.test.ts extracts
// snippets), in its own process against the fake Dintero, and sent malformed and hostile requests:
// it answers each with the documented status and never crashes.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDintero, type RunningFakeDintero } from "../../testing/index.ts";
import { parseDoc } from "../helpers/doc-check.ts";

const root = path.resolve(import.meta.dirname, "../..");
const user = { type: "customer" as const, email: "ada@example.com", password: "correct-horse" };
/** A password whose UTF-8 holds two-byte characters (ø is C3 B8). */
const nordic = { type: "customer" as const, email: "bjorn@example.com", password: "kørrekt-hæst" };
const fakeOptions = { accountId: "T12345678", clients: [{ clientId: "my-backend", clientSecret: "my-backend-secret" }], users: [user, nordic] };

/** The README's route: the TypeScript snippet that starts an HTTP server and logs customers in. */
function readmeRoute(): string {
  const readme = parseDoc("README.md", readFileSync(path.join(root, "README.md"), "utf8"));
  const snippet = readme.snippets.find((s) => s.lang === "ts" && s.code.includes("createServer(") && s.code.includes(".login("));
  if (!snippet) throw new Error("README.md has no route snippet (a ts block with createServer( and .login()");
  // The one line a reader implements: the session. Everything else runs as written.
  const declared = /^declare function startSession\(.*$/m;
  expect(snippet.code).toMatch(declared);
  return snippet.code.replace(declared, 'async function startSession(_token: unknown): Promise<string> { return "session=opaque; HttpOnly"; }');
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

let fake: RunningFakeDintero;
let app: ChildProcess;
let base: string;
let exited: number | null | undefined;
const file = path.join(root, `.readme-route-${process.pid}.ts`); // inside the package: "dintero-login-kit" resolves to its build

beforeAll(async () => {
  fake = await startFakeDintero(fakeOptions);
  writeFileSync(file, readmeRoute());
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = spawn(process.execPath, ["--import", "tsx", file], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DINTERO_ACCOUNT_ID: fake.accountId,
      DINTERO_CLIENT_ID: "my-backend",
      DINTERO_CLIENT_SECRET: "my-backend-secret",
      DINTERO_BASE_URL: fake.url,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  app.on("exit", (code) => (exited = code));
  for (let i = 0; ; i++) {
    try {
      await fetch(`${base}/`);
      break;
    } catch {
      if (i > 200 || exited !== undefined) throw new Error("the README's route did not start");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});
afterAll(async () => {
  app?.kill();
  rmSync(file, { force: true });
  await fake?.close();
});

const post = (body: string, type = "application/json") => fetch(`${base}/login`, { method: "POST", headers: { "content-type": type }, body });
const login = (fields: Record<string, unknown>) => post(JSON.stringify(fields));

describe("the README's route, run as written", () => {
  it("answers malformed and hostile bodies 400 (or 413 when too large) and keeps running", async () => {
    for (const body of ['{"email":', "", "null", "[]", '"a"', "5", '{"email":5,"password":"x"}', '{"__proto__":{"email":"a"}}']) {
      expect([body, (await post(body)).status]).toEqual([body, 400]);
    }
    expect((await post(`{"email":"${"a".repeat(20_000)}"}`)).status).toBe(413);
    expect(exited).toBeUndefined();
  });

  it("answers 415 to anything but application/json (a cross-site form's text/plain or form data: login CSRF), parameters and case aside", async () => {
    const body = JSON.stringify({ email: user.email, password: user.password });
    for (const type of [
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/jsonx",
      "",
    ]) {
      expect([type, (await post(body, type)).status]).toEqual([type, 415]);
    }
    expect((await post(body, "Application/JSON; charset=utf-8")).status).toBe(204);
    expect(fake.exchanges.filter((e) => e.operation === "login")).toHaveLength(1);
    expect(exited).toBeUndefined();
  });

  it("decodes a body whose multi-byte character is split across TCP chunks (a raw socket): the right password logs in", async () => {
    const body = Buffer.from(JSON.stringify({ email: nordic.email, password: nordic.password }));
    const split = body.indexOf(Buffer.from("ø")) + 1; // between the two bytes of ø
    const { port } = new URL(base);
    const socket = connect(Number(port), "127.0.0.1");
    socket.setNoDelay(true);
    await new Promise((resolve) => socket.once("connect", resolve));
    const answer = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk.toString("latin1");
        if (text.includes("\r\n\r\n")) resolve(text);
      });
      socket.on("close", () => resolve(text));
    });
    socket.write(`POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
    socket.write(body.subarray(0, split));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the route reads the first part before the rest arrives
    socket.write(body.subarray(split));
    const status = (await answer).split("\r\n")[0];
    socket.destroy();
    expect(status).toBe("HTTP/1.1 204 No Content");
  });

  it("maps the documented outcomes: 204 with a session, 400 for input the spec refuses, 401, 403 for MFA, 429 with Retry-After, 503 for our side", async () => {
    const ok = await login({ email: user.email, password: user.password });
    expect([ok.status, ok.headers.get("set-cookie")]).toEqual([204, "session=opaque; HttpOnly"]);
    expect((await login({ email: user.email, password: "abc" })).status).toBe(400); // 3 characters: invalid_request, nothing sent
    expect((await login({ email: user.email, password: "wrong-horse" })).status).toBe(401);
    fake.scenario("mfa_required", { times: 1 });
    expect((await login({ email: user.email, password: user.password })).status).toBe(403);
    fake.scenario("rate_limited", { retryAfterSeconds: 20, times: 1 });
    const limited = await login({ email: user.email, password: user.password });
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "20"]);
    fake.scenario("login_server_error", { times: 1 });
    expect((await login({ email: user.email, password: user.password })).status).toBe(503);
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect(exited).toBeUndefined();
  });
});
