// Safe on staging (issue 15 §2): a typo or a missing variable is exit 2 before anything is sent, never a
// silent run against the mock; a refused known-good login stops the run before the test identity is sent
// again; and however the server answers, no real test identity is sent more often than its budget.
// Every count is taken at the server, through a recording proxy in front of the self-test server.
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../contract-tests/cli.ts";
import { checkEnvironment, ConfigError, resolveConfig } from "../../contract-tests/config.ts";
import { IDENTITY_BUDGET, IDENTITY_HEADROOM } from "../../contract-tests/http.ts";
import { runSuite } from "../../contract-tests/suite.ts";
import { contractEnv, minimalLiveEnv, startContractServer, type ContractServer } from "../helpers/contract-servers.ts";

let server: ContractServer | undefined;
let proxy: Server | undefined;
afterEach(async () => {
  await server?.close();
  proxy?.closeAllConnections();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  server = proxy = undefined;
});

interface Seen {
  method: string;
  url: string;
  body: string;
}

/** A proxy that records every request and forwards it to `target`, or answers login requests itself
 * with 429 and `Retry-After: 0` when `loginsRateLimited` (a server that is always "busy"). */
async function recordingProxy(
  target: ContractServer,
  loginsRateLimited: boolean | { after: number; retryAfter: string } = false,
  errorBody?: string,
): Promise<{ baseUrl: string; seen: Seen[] }> {
  let logins = 0;
  const seen: Seen[] = [];
  const upstream = new URL(target.baseUrl);
  proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, url: req.url!, body: body.toString("utf8") });
      const limit = loginsRateLimited === true ? { after: 0, retryAfter: "0" } : loginsRateLimited || undefined;
      if (limit && req.url!.endsWith("/customers/login") && ++logins > limit.after) {
        res.writeHead(429, { "content-type": "application/json; charset=utf-8", "retry-after": limit.retryAfter });
        return res.end(JSON.stringify({ error: { code: "TOO_MANY_REQUESTS", message: "slow down" } }));
      }
      const out = httpRequest({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        if (errorBody !== undefined && up.statusCode! >= 400) {
          up.resume();
          res.writeHead(up.statusCode!, { "content-type": "application/json; charset=utf-8" });
          return void res.end(errorBody);
        }
        res.writeHead(up.statusCode!, up.rawHeaders);
        up.pipe(res);
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy!.listen(0, "127.0.0.1", resolve));
  return { baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`, seen };
}

async function runCli(env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main([], env, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe("unknown and misplaced variables: exit 2 before any request", () => {
  it("a typo'd DINTERO_BASEURL beside the other live variables names DINTERO_BASE_URL and sends nothing", async () => {
    server = await startContractServer();
    const { DINTERO_BASE_URL, ...rest } = contractEnv(server);
    const { code, err } = await runCli({ ...rest, DINTERO_BASEURL: DINTERO_BASE_URL! });
    expect(code).toBe(2);
    expect(err).toMatch(/unknown variable DINTERO_BASEURL: did you mean DINTERO_BASE_URL\?/);
    expect(err).not.toMatch(/Prism|mock of/);
    expect(server.requestCount()).toBe(0);
  });

  it("names the closest known variable for CONTRACT_* typos too", () => {
    expect(() => checkEnvironment({ CONTRACT_CASE: "3" })).toThrow(/unknown variable CONTRACT_CASE: did you mean CONTRACT_CASES\?/);
    expect(() => checkEnvironment({ DINTERO_LOGIN_PASWORD: "x" })).toThrow(/did you mean DINTERO_LOGIN_PASSWORD\?/);
    expect(() => checkEnvironment({ CONTRACT_TIMEOUT: "5" })).toThrow(/did you mean CONTRACT_TIMEOUT_MS\?/);
    // other prefixes are not the suite's business
    expect(() => checkEnvironment({ DINTEROX: "1", PATH: "/bin", CI: "true" })).not.toThrow();
  });

  it("a live variable without DINTERO_BASE_URL is exit 2: the suite never falls back to the mock", async () => {
    const { code, err } = await runCli({ DINTERO_ACCOUNT_ID: "T12345678", DINTERO_LOGIN_PASSWORD: "x" });
    expect(code).toBe(2);
    expect(err).toMatch(/DINTERO_ACCOUNT_ID, DINTERO_LOGIN_PASSWORD are set but DINTERO_BASE_URL is not/);
    expect(err).not.toMatch(/starting Prism|judging/);
  });

  it("an empty DINTERO_BASE_URL (a CI secret that is not set) is exit 2, and so is an empty live variable without it", () => {
    expect(() => resolveConfig({ DINTERO_BASE_URL: "" }, {})).toThrow(ConfigError);
    expect(() => resolveConfig({ DINTERO_BASE_URL: "  " }, {})).toThrow(/set but empty/);
    expect(() => resolveConfig({ DINTERO_CLIENT_SECRET: "" }, {})).toThrow(/DINTERO_CLIENT_SECRET is set but DINTERO_BASE_URL is not/);
  });

  it("the session's optional variables come in pairs: one without the other is exit 2, naming the missing one; a misspelt one gets a hint", () => {
    const live = minimalLiveEnv();
    expect(() => resolveConfig({ ...live, DINTERO_OTHER_CLIENT_ID: "other" }, {})).toThrow(
      /DINTERO_OTHER_CLIENT_SECRET is required when DINTERO_OTHER_CLIENT_ID is set/,
    );
    expect(() => resolveConfig({ ...live, DINTERO_MFA_LOGIN_PASSWORD: "pw" }, {})).toThrow(
      /DINTERO_MFA_LOGIN_EMAIL is required when DINTERO_MFA_LOGIN_PASSWORD is set/,
    );
    expect(() => resolveConfig({ ...live, DINTERO_OTHER_CLIENT_ID: "id", DINTERO_OTHER_CLIENT_SECRET: "s" }, {})).toThrow(/must differ from DINTERO_CLIENT_ID/);
    expect(() => checkEnvironment({ DINTERO_MFA_LOGIN_EMAL: "a@example.com" })).toThrow(
      /unknown variable DINTERO_MFA_LOGIN_EMAL: did you mean DINTERO_MFA_LOGIN_EMAIL\?/,
    );
    const both = resolveConfig(
      {
        ...live,
        DINTERO_OTHER_CLIENT_ID: "other",
        DINTERO_OTHER_CLIENT_SECRET: "s2",
        DINTERO_MFA_LOGIN_EMAIL: "m@example.com",
        DINTERO_MFA_LOGIN_PASSWORD: "p2",
      },
      {},
    );
    expect(both.otherClient).toEqual({ clientId: "other", clientSecret: "s2" });
    expect(both.mfaUser).toEqual({ fields: { email: "m@example.com" }, password: "p2" });
    expect(resolveConfig(live, {})).not.toHaveProperty("mfaUser");
  });

  it("with no variable at all the mock is chosen, and the config says why", () => {
    const config = resolveConfig({ PATH: "/usr/bin" }, {});
    expect(config.target).toMatchObject({ kind: "mock", why: expect.stringMatching(/DINTERO_BASE_URL is not set/) });
  });

  it("the first console line says which target is judged and why", async () => {
    server = await startContractServer();
    const { code, err } = await runCli(
      contractEnv(server, { CONTRACT_CASES: "0", CONTRACT_REPORT_DIR: `${process.env.TMPDIR ?? "/tmp"}/staging-safety-${process.pid}` }),
    );
    expect(code).toBe(0);
    expect(err.split("\n")[0]).toBe(`judging the live target ${server.baseUrl}: DINTERO_BASE_URL is set`);
  });
});

describe("a refused known-good login stops the run", () => {
  const carries = (s: Seen, value: string) => s.body.includes(value);

  it("a wrong DINTERO_LOGIN_PASSWORD: exit 2 with a hint, and the email is never sent again after the refusal", async () => {
    server = await startContractServer();
    const { baseUrl, seen } = await recordingProxy(server);
    const email = server.options.email;
    const { code, out, err } = await runCli(
      contractEnv(server, {
        DINTERO_BASE_URL: baseUrl,
        DINTERO_LOGIN_PASSWORD: "a-wrong-password-1",
        CONTRACT_REPORT_DIR: `${process.env.TMPDIR ?? "/tmp"}/staging-safety-${process.pid}`,
      }),
    );
    expect(code).toBe(2);
    expect(out).toMatch(/RESULT: COULD NOT RUN/);
    expect(out).toMatch(/RUN STOPPED \(known_good_refused\): the known-good login, email form was refused with 403/);
    expect(err).toMatch(/Check DINTERO_LOGIN_EMAIL and DINTERO_LOGIN_PASSWORD, DINTERO_LOGIN_TYPE/);
    expect(out + err).not.toContain("a-wrong-password-1");
    const withEmail = seen.filter((s) => carries(s, email));
    expect(withEmail).toHaveLength(1); // the known-good login, and nothing after it
    expect(seen.at(-1)).toBe(withEmail[0]);
  });

  it("a wrong ident password stops the run at the ident form's known-good login", async () => {
    server = await startContractServer();
    const { baseUrl, seen } = await recordingProxy(server);
    const result = await runSuite(
      resolveConfig(contractEnv(server, { DINTERO_BASE_URL: baseUrl, DINTERO_LOGIN_IDENT_PASSWORD: "a-wrong-password-2", CONTRACT_CASES: "2" }), {}),
    );
    expect(result.exitCode).toBe(2);
    expect(result.aborted?.message).toMatch(/Check DINTERO_LOGIN_IDENT_TYPE, DINTERO_LOGIN_IDENT and DINTERO_LOGIN_IDENT_PASSWORD/);
    expect(seen.filter((s) => carries(s, server!.options.ident))).toHaveLength(1);
  });

  it("a wrong client secret stops the run at the token request: no login is sent", async () => {
    server = await startContractServer();
    const { baseUrl, seen } = await recordingProxy(server);
    const result = await runSuite(resolveConfig(contractEnv(server, { DINTERO_BASE_URL: baseUrl, DINTERO_CLIENT_SECRET: "not-the-secret" }), {}));
    expect(result.exitCode).toBe(2);
    expect(result.aborted?.message).toMatch(/known-good token request was refused with 401.*Check DINTERO_CLIENT_ID and DINTERO_CLIENT_SECRET/);
    expect(seen).toHaveLength(1);
  });

  it("a server fault found before the refusal (a token expired on arrival) makes it exit 1, not a configuration error", async () => {
    server = await startContractServer({ break: "token_expires_in_zero" });
    const result = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_CASES: "0" }), {}));
    expect(result.aborted?.reason).toBe("known_good_refused");
    expect(result.exitCode).toBe(1);
  });
});

describe("the per-identity budget", () => {
  it("a correct server: each identity is sent at most the budget less its headroom, and at most five wrong passwords per run (made up, half, last character changed, another case, a trailing space)", async () => {
    server = await startContractServer();
    const { baseUrl, seen } = await recordingProxy(server);
    const result = await runSuite(resolveConfig(contractEnv(server, { DINTERO_BASE_URL: baseUrl }), {}));
    expect(result.exitCode).toBe(0);
    const { email, password, ident, mfaEmail } = server.options;
    const emailBodies = seen.filter((s) => s.body.includes(email));
    const identBodies = seen.filter((s) => s.body.includes(ident));
    // the MFA test user is an identity of its own: each of its logins counts (one per MFA flow sent)
    const mfaBodies = seen.filter((s) => s.body.includes(mfaEmail));
    expect(mfaBodies.length).toBeGreaterThan(0);
    expect(result.identityRequests).toEqual({ email: emailBodies.length, ident: identBodies.length, mfa: mfaBodies.length });
    const { jsonReport } = await import("../../contract-tests/reports/json.ts");
    expect(JSON.parse(jsonReport(result))).toMatchObject({
      identityRequests: { email: emailBodies.length, ident: identBodies.length, mfa: mfaBodies.length },
      identityBudget: IDENTITY_BUDGET,
    });
    // the default run leaves the headroom for 429 retries and resends
    expect(emailBodies.length).toBeLessThanOrEqual(IDENTITY_BUDGET - IDENTITY_HEADROOM);
    expect(identBodies.length).toBeLessThanOrEqual(IDENTITY_BUDGET - IDENTITY_HEADROOM);
    // a login body carrying the real email with another password, that is not a wrong JSON type or absent
    const wrong = emailBodies.filter((s) => {
      try {
        const b = JSON.parse(s.body) as { password?: unknown };
        return typeof b.password === "string" && b.password !== password;
      } catch {
        return false;
      }
    });
    expect(wrong).toHaveLength(5);
    const sent = wrong.map((s) => (JSON.parse(s.body) as { password: string }).password);
    expect(sent.filter((p) => p.toLowerCase() === password.toLowerCase() || p.trim() === password)).toHaveLength(2);
    expect(sent.filter((p) => password.startsWith(p) || (p.length === password.length && p.slice(0, -1) === password.slice(0, -1)))).toHaveLength(2);
  });

  it("a server that answers every login 429 with Retry-After: 0 gets at most the budget per identity, then the run stops", async () => {
    server = await startContractServer();
    const { baseUrl, seen } = await recordingProxy(server, true);
    const result = await runSuite(resolveConfig(contractEnv(server, { DINTERO_BASE_URL: baseUrl, CONTRACT_CASES: "2" }), {}));
    const withEmail = seen.filter((s) => s.body.includes(server!.options.email)).length;
    expect(withEmail).toBe(IDENTITY_BUDGET);
    expect(result.aborted?.reason).toBe("identity_budget");
    expect(result.exitCode).toBe(1);
  });
});

describe("the client secret in its encoded forms", () => {
  it("a server echoing the Basic header: secret_reflection fails the run, and no report holds the base64 credentials", async () => {
    const { writeReports } = await import("../../contract-tests/reports/index.ts");
    const { mkdtemp, readdir, readFile, rm } = await import("node:fs/promises");
    const os = await import("node:os");
    const path = await import("node:path");
    server = await startContractServer({ break: "echoes_basic_header" });
    const result = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_CASES: "0" }), {}));
    expect(result.results.some((r) => r.check === "secret_reflection" && r.outcome === "fail")).toBe(true);
    expect(result.exitCode).toBe(1);
    const { clientId, clientSecret } = server.options;
    const forms = [
      clientSecret,
      Buffer.from(`${clientId}:${clientSecret}`).toString("base64").replace(/=+$/, ""),
      Buffer.from(`${clientId}:${clientSecret}`).toString("base64url"),
    ];
    const dir = await mkdtemp(path.join(os.tmpdir(), "basic-echo-"));
    try {
      await writeReports(result, dir);
      const texts = [JSON.stringify(result), ...(await Promise.all((await readdir(dir)).map((f) => readFile(path.join(dir, f), "utf8"))))];
      for (const text of texts) for (const form of forms) expect(text).not.toContain(form);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("a run that could not judge is not green", () => {
  it("a rate limiter that answers every login after the first two with Retry-After: 120 in front of a server accepting any password: exit 1, incomplete", async () => {
    server = await startContractServer({ break: "accepts_any_password" });
    const { baseUrl } = await recordingProxy(server, { after: 2, retryAfter: "120" });
    const result = await runSuite(resolveConfig(contractEnv(server, { DINTERO_BASE_URL: baseUrl, CONTRACT_CASES: "0" }), {}));
    expect(result.aborted?.reason).toBe("incomplete");
    expect(result.aborted?.message).toMatch(/never judged.*wrong_credentials \(login\.credentials\.wrong_password: answered 429/);
    expect(result.exitCode).toBe(1);
  });

  it("a correct server that rate limits the first login once still gets every check judged (the ident form yields the customer token)", async () => {
    server = await startContractServer({ vary: "login_429_long_once" });
    const result = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_CASES: "0" }), {}));
    expect(result.aborted).toBeUndefined();
    expect(result.results.find((r) => r.caseId === "login.scope.customer_token_as_bearer")?.outcome).toBe("pass");
    expect(result.exitCode).toBe(0);
  });
});

describe("hostile bodies do not blow up the evidence", () => {
  it("error bodies of JSON nested 3,000 deep: the run fails (schema), and report.html stays small", async () => {
    const { writeReports } = await import("../../contract-tests/reports/index.ts");
    const { mkdtemp, rm, stat } = await import("node:fs/promises");
    const os = await import("node:os");
    const path = await import("node:path");
    server = await startContractServer();
    const { baseUrl } = await recordingProxy(server, false, `${"[".repeat(3000)}${"]".repeat(3000)}`);
    const result = await runSuite(resolveConfig(contractEnv(server, { DINTERO_BASE_URL: baseUrl, CONTRACT_CASES: "0" }), {}));
    expect(result.exitCode).toBe(1);
    expect(result.results.some((r) => r.check === "response_schema_conformance" && r.outcome === "fail")).toBe(true);
    const dir = await mkdtemp(path.join(os.tmpdir(), "deep-json-"));
    try {
      await writeReports(result, dir);
      // indenting every body would have made it about 180 MB
      expect((await stat(path.join(dir, "report.html"))).size).toBeLessThan(4 * 1024 * 1024);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
