// A HAR recorded by Playwright's recordHar from headless Chromium: a small login page on loopback whose
// script gets a bearer and logs in, as a tester's browser session would. The page is served at the API's
// own origin (page.route), so its requests are same-origin and reach the server for real.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../contract-tests/cli.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { browserTestPlan, findChromium, launchChromium } from "../helpers/chromium.ts";
import { contractEnv, startContractServer, type Breakage } from "../helpers/contract-servers.ts";

const plan = browserTestPlan(findChromium());
if (!plan.run && "failure" in plan) throw new Error(plan.failure);
if (!plan.run) console.log(plan.skipLine);
const spec = loadSpec();

/** The login page: a token request, the known-good login, and a wrong password; paths from the spec. */
function loginPage(env: Record<string, string>): string {
  const path = (key: "login" | "token") => `/v1${spec.operations[key].pathTemplate.replace(/\{[^}]+\}/, env.DINTERO_ACCOUNT_ID!)}`;
  const audience = `https://api.dintero.com/v1/accounts/${env.DINTERO_ACCOUNT_ID}`;
  const script = `
    const basic = "Basic " + btoa(${JSON.stringify(`${env.DINTERO_CLIENT_ID}:${env.DINTERO_CLIENT_SECRET}`)});
    const json = { "content-type": "application/json" };
    const token = await fetch(${JSON.stringify(path("token"))}, { method: "POST", headers: { ...json, authorization: basic }, body: JSON.stringify({ grant_type: "client_credentials", audience: ${JSON.stringify(audience)} }) }).then((r) => r.json());
    const auth = { ...json, authorization: "Bearer " + token.access_token };
    const login = (password) => fetch(${JSON.stringify(path("login"))}, { method: "POST", headers: auth, body: JSON.stringify({ type: "customer", audience: ${JSON.stringify(audience)}, email: ${JSON.stringify(env.DINTERO_LOGIN_EMAIL)}, password }) }).then((r) => r.text());
    await login(${JSON.stringify(env.DINTERO_LOGIN_PASSWORD)});
    await login("wrong-password-in-browser");
    document.title = "done";`;
  return `<!doctype html><title>login</title><script type="module">${script}</script>`;
}

async function recordInChromium(breakage: Breakage | undefined, file: string): Promise<Record<string, string>> {
  const server = await startContractServer(breakage ? { break: breakage } : {});
  const env = contractEnv(server);
  const browser = await launchChromium((plan as { executable: string }).executable);
  try {
    const context = await browser.newContext({ recordHar: { path: file, content: "embed" } });
    const page = await context.newPage();
    const origin = new URL(server.baseUrl).origin;
    await page.route(`${origin}/app`, (route) => route.fulfill({ contentType: "text/html", body: loginPage(env) }));
    await page.goto(`${origin}/app`);
    await page.waitForFunction(() => document.title === "done", undefined, { timeout: 10_000 });
    await context.close();
  } finally {
    await browser.close();
    await server.close();
  }
  return env;
}

async function judge(file: string) {
  const reportDir = await mkdtemp(path.join(tmpdir(), "passive-browser-reports-"));
  let out = "";
  const code = await main(["--har", file, "--report-dir", reportDir], {}, { out: (t) => (out += t), err: () => {} });
  const report = JSON.parse(await readFile(path.join(reportDir, "report.json"), "utf8")) as {
    violations: Array<{ check: string; severity: string }>;
    passive: { judged: number; skipped: Record<string, number>; files: Array<{ creator: string }> };
  };
  return { code, out, report, text: (await readFile(path.join(reportDir, "report.json"), "utf8")) + out };
}

describe.runIf(plan.run)("a HAR recorded by Playwright (headless Chromium)", () => {
  it("a session with the correct server passes; the page itself is skipped as another path", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "passive-browser-"));
    const file = path.join(dir, "correct.har");
    const env = await recordInChromium(undefined, file);
    const { code, report, text } = await judge(file);
    expect(report.passive.files[0]!.creator).toMatch(/Playwright/);
    expect(report.passive.judged).toBe(3);
    expect(report.passive.skipped.other_path).toBeGreaterThanOrEqual(1);
    expect(report.violations).toEqual([]);
    expect(code).toBe(0);
    for (const secret of [env.DINTERO_LOGIN_PASSWORD!, env.DINTERO_CLIENT_SECRET!, "wrong-password-in-browser"]) expect(text).not.toContain(secret);
  });

  it("a server sending two Content-Type lines is caught from the browser's recording (it keeps repeated lines)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "passive-browser-"));
    const file = path.join(dir, "duplicate.har");
    await recordInChromium("duplicate_content_type", file);
    const { code, report } = await judge(file);
    expect(report.violations.map((v) => `${v.check} ${v.severity}`)).toContain("encoding standard");
    expect(code).toBe(1);
  });
});
