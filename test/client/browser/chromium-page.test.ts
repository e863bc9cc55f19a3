// `npm run test:browser`: the browser bundle (bench/size.ts measures the same one) in real headless Chromium,
// under `default-src 'none'; script-src 'self'; connect-src <mock> <refused port>`, against the Prism mock.
import { build, type Plugin } from "esbuild";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, startPrism, type PrismTarget } from "../../../contract-tests/targets/prism.ts";
import { buildBrowserBundle } from "../../../scripts/browser-bundle.ts";
import { browserTestPlan, findChromium, launchChromium } from "../../helpers/chromium.ts";
import { html, javascript, startPageServer, type PageServer } from "./page-server.ts";
import type { PageResults } from "./page/scenarios.ts";
import { pageSecrets } from "./page/secrets.ts";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const reportDir = path.join(root, "reports", "browser");
const plan = browserTestPlan(findChromium());
if ("skipLine" in plan) console.warn(plan.skipLine);

// The page scripts import the client by its package name; it is served as its own file, the measured bundle.
const clientAsSeparateFile: Plugin = {
  name: "client-as-separate-file",
  setup(b) {
    b.onResolve({ filter: /^dintero-login-kit$/ }, () => ({ path: "/login-kit.js", external: true }));
  },
};

async function pageScript(file: string): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(file, import.meta.url))],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    plugins: [clientAsSeparateFile],
    logLevel: "warning",
  });
  return result.outputFiles[0]!.text;
}

/**
 * Listeners registered before navigating: a page error fails at once; CSP violations are collected as
 * Chromium reports them to DevTools (an eval violation reaches neither the console nor a page that
 * has not loaded its listener yet).
 */
async function watch(page: Page) {
  const pageErrors: Error[] = [];
  const cspViolations: string[] = [];
  const cdp = await page.context().newCDPSession(page);
  cdp.on("Audits.issueAdded", ({ issue }) => {
    const csp = issue.details.contentSecurityPolicyIssueDetails;
    if (csp) cspViolations.push(`${csp.violatedDirective} ${csp.contentSecurityPolicyViolationType} ${csp.blockedURL ?? csp.sourceCodeLocation?.url ?? ""}`);
  });
  await cdp.send("Audits.enable");
  const consoleErrors: string[] = [];
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => {}); // observed through Promise.race only
  page.on("pageerror", (error) => {
    pageErrors.push(error);
    fail(new Error(`the page threw: ${error.name}: ${error.message}`));
  });
  page.on("console", (message) => {
    const text = message.text();
    if (/Content Security Policy/i.test(text)) cspViolations.push(`console: ${text}`);
    else if (message.type() === "error") consoleErrors.push(text);
  });
  return { pageErrors, cspViolations, consoleErrors, failed };
}

if ("failure" in plan) {
  it("finds Chromium (CI is set: the browser test may not be skipped)", () => {
    throw new Error(plan.failure);
  });
}

const describeBrowser = plan.run ? describe : describe.skip;

describeBrowser("the client in headless Chromium under a strict CSP", () => {
  let prism: PrismTarget | undefined;
  let server: PageServer | undefined;
  let browser: Browser | undefined;
  let refusedOrigin: string;
  let bundleBytes: number;

  beforeAll(async () => {
    if (!plan.run) return; // unreachable: the block is skipped
    const [bundle, scenarios, control, worker] = await Promise.all([
      buildBrowserBundle(),
      pageScript("./page/scenarios.ts"),
      pageScript("./page/control.ts"),
      pageScript("./page/worker.ts"),
    ]);
    bundleBytes = bundle.code.length;
    prism = await startPrism();
    // A loopback port nobody listens on; allowed by connect-src so that fetch fails on the connection.
    refusedOrigin = `http://127.0.0.1:${await freePort()}`;
    server = await startPageServer(
      {
        "/index.html": await html(new URL("./page/index.html", import.meta.url)),
        "/control.html": await html(new URL("./page/control.html", import.meta.url)),
        "/login-kit.js": javascript(bundle.code),
        "/scenarios.js": javascript(scenarios),
        "/control.js": javascript(control),
        "/worker.js": javascript(worker),
      },
      [prism.baseUrl, refusedOrigin],
    );
    browser = await launchChromium(plan.executable);
    console.log(`browser test: ${path.basename(plan.executable)} ${browser.version()} (${plan.executable}), client bundle ${bundleBytes} bytes minified`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await prism?.stop();
  });

  it("runs every login scenario with no CSP violation, and writes a screenshot", async () => {
    const started = performance.now();
    const page = await browser!.newPage();
    const seen = await watch(page);
    const requests: string[] = [];
    page.on("request", (request) => requests.push(`${request.method()} ${request.url()}`));

    const query = new URLSearchParams({ mock: prism!.baseUrl, refused: refusedOrigin });
    await page.goto(`${server!.origin}/?${query}`);
    const handle = await Promise.race([page.waitForFunction(() => window.__loginKit, undefined, { timeout: 30_000 }), seen.failed]).catch((error: Error) => {
      // What the page said helps more than "timed out": console errors and CSP violations so far.
      throw new Error(`${error.message}\nconsole errors: ${JSON.stringify(seen.consoleErrors)}\nCSP: ${JSON.stringify(seen.cspViolations)}`);
    });
    const results = (await handle.jsonValue()) as PageResults;
    await mkdir(reportDir, { recursive: true });
    const screenshot = path.join(reportDir, "results.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText (the rendered text a person sees), not the DOM property
    const pageText = await page.locator("body").innerText();
    await page.close();
    console.log(
      `browser test: ${results.scenarios.length} scenarios in ${Math.round(performance.now() - started)} ms; screenshot ${path.relative(root, screenshot)}`,
    );

    const byName = (name: string) => {
      const found = results.scenarios.find((s) => s.name === name);
      expect(found, name).toBeDefined();
      return found!.observed;
    };
    expect(seen.pageErrors).toEqual([]);
    expect(seen.cspViolations).toEqual([]);
    expect(results.violations).toEqual([]);
    expect(results.userAgent).toMatch(/HeadlessChrome|Chrome/);

    const spec = JSON.parse(await readFile(path.join(root, "generated", "openapi.json"), "utf8"));
    const headers = spec.components.headers;

    expect(byName("login with { accessToken }")).toMatchObject({ resolved: true, accessTokenIsString: true, tokenType: "Bearer", requests: 1 });
    expect(byName("refresh_token in a browser")).toMatchObject({ resolved: true, hasRefreshToken: false });
    expect(byName("refresh_token with allowRefreshTokenInBrowser")).toMatchObject({ resolved: true, hasRefreshToken: true });
    expect(byName("{ clientId, clientSecret } in a browser")).toMatchObject({ kind: "invalid_request", leakedSecrets: [], requests: 0 });
    expect(byName("{ clientId, clientSecret } in a browser").detailRules).toContain("/auth/clientSecret browser");
    expect(byName("invalid login body")).toMatchObject({ kind: "invalid_request", leakedSecrets: [], requests: 0 });
    // Read cross-origin through Prism's Access-Control-Expose-Headers: the spec's example values.
    expect(byName("429 Too Many Requests")).toMatchObject({
      kind: "rate_limited",
      status: 429,
      retryAfterSeconds: headers.RetryAfter.example,
      requestId: headers.RequestId.example,
      leakedSecrets: [],
    });
    expect(byName("aborted signal")).toMatchObject({ kind: "aborted", requests: 0 });
    expect(byName("refresh_token in a Web Worker")).toEqual({ hasDocument: false, resolved: true, hasRefreshToken: false, clientSecret: "invalid_request" });
    expect(byName("refused connection")).toMatchObject({ kind: "network", leakedSecrets: [] });

    // The page's own verdicts agree with the assertions above (they are what the screenshot shows).
    expect(results.scenarios.filter((s) => !s.pass).map((s) => s.name)).toEqual([]);
    // Seen from the browser's side: nothing left the page for the refused scenarios, and every
    // request went to the page's server, the mock or the refused port (no other connection).
    for (const account of ["T10000004", "T10000005", "T10000007", "T10000010"]) {
      expect(requests.filter((r) => r.includes(`/accounts/${account}/`))).toEqual([]);
    }
    expect(requests.filter((r) => r.includes("/accounts/T10000001/customers/login"))).toContain(`POST ${prism!.baseUrl}/accounts/T10000001/customers/login`);
    const origins = new Set(requests.map((r) => new URL(r.split(" ")[1]!).origin));
    expect([...origins].filter((o) => ![server!.origin, prism!.baseUrl, refusedOrigin].includes(o))).toEqual([]);
    // No secret in anything the page published or shows.
    for (const secret of Object.values(pageSecrets)) {
      expect(JSON.stringify(results)).not.toContain(secret);
      expect(pageText).not.toContain(secret);
    }
    expect((await readFile(screenshot)).subarray(1, 4).toString()).toBe("PNG");
  }, 60_000);

  it("control: code that needs eval fails under the same CSP, and the harness sees it", async () => {
    const page = await browser!.newPage();
    const seen = await watch(page);
    await page.goto(`${server!.origin}/control.html`);
    // The page error rejects `failed` at once; it is what this control expects.
    await expect(seen.failed).rejects.toThrow(/EvalError/);
    // Seen both by the browser (a DevTools CSP issue) and by the page's own listener.
    await expect.poll(() => seen.cspViolations).toEqual([expect.stringMatching(/^script-src kEvalViolation .*\/control\.js$/)]);
    // biome-ignore lint/performance/useDomNodeTextContent: Playwright's Locator.innerText, not the DOM property
    await expect.poll(() => page.locator("#status").innerText()).toMatch(/CSP violation: script-src/);
    expect(seen.pageErrors[0]?.message).toMatch(/unsafe-eval/);
    await page.close();
  }, 30_000);
});
