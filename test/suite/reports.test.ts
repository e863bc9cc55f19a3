// The run's outputs as a person acts on them (#15 §1, §5), over real HTTP against local servers: --check
// overrides, the console's labels, report.html's order and grouping (checked in a real browser at
// 1280 px), curl commands that really reproduce each request without a secret in them, JUnit failures
// and advisories, and the checks table of docs/conformance.md against the checks' own metadata.
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, request as httpRequest, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CHECKS, SEVERITIES } from "../../contract-tests/checks.ts";
import { resolveConfig } from "../../contract-tests/config.ts";
import { summaryTable } from "../../contract-tests/console.ts";
import { groupFindings } from "../../contract-tests/reports/groups.ts";
import fc from "fast-check";
import { htmlReport, indentedStart } from "../../contract-tests/reports/html.ts";
import { jsonReport } from "../../contract-tests/reports/json.ts";
import { junitReport } from "../../contract-tests/reports/junit.ts";
import { curlCommand, shellQuote, VARIABLES } from "../../contract-tests/reproduce.ts";
import { runSuite, type RunResult } from "../../contract-tests/suite.ts";
import { browserTestPlan, findChromium, launchChromium } from "../helpers/chromium.ts";
import { contractEnv, startContractServer, type ContractServer, type ContractServerOptions } from "../helpers/contract-servers.ts";

const root = path.resolve(import.meta.dirname, "../..");
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function serve(opts: ContractServerOptions): Promise<ContractServer> {
  const server = await startContractServer(opts);
  closers.push(server.close);
  return server;
}

async function run(
  opts: ContractServerOptions,
  args: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<{ result: RunResult; lines: string[]; server: ContractServer }> {
  const server = await serve(opts);
  const lines: string[] = [];
  const result = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_TIMEOUT_MS: "300", CONTRACT_CASES: "4", ...env }), args), {
    log: (l) => lines.push(l),
  });
  return { result, lines, server };
}

const failing = (r: RunResult) => r.results.filter((x) => x.outcome === "fail" && SEVERITIES.indexOf(x.severity) <= SEVERITIES.indexOf(r.failOn));

describe("--check NAME=SEVERITY and CONTRACT_CHECKS", () => {
  it("lowering: secret_reflection=advisory lets an echoing server pass, and each finding says who set its severity", async () => {
    const { result } = await run({ break: "echoes_password" }, { CONTRACT_CHECKS: "secret_reflection=advisory" });
    expect(result.exitCode).toBe(0);
    const found = result.results.filter((r) => r.check === "secret_reflection" && r.outcome === "fail");
    expect(found.length).toBeGreaterThan(0);
    for (const f of found.flatMap((r) => r.findings)) {
      expect(f.severity).toBe("advisory");
      expect(f.severityReason).toMatch(/^set to advisory by --check secret_reflection=advisory \(the check gives it standard: /);
    }
    expect(result.checkOverrides).toEqual([{ check: "secret_reflection", severity: "advisory", from: "--check" }]);
  });

  it("off: the check does not run, and every report says so", async () => {
    const { result } = await run({ break: "crash_on_non_ascii" }, {}, { CONTRACT_CHECKS: "not_a_server_error=off" });
    expect(result.exitCode).toBe(0);
    expect(result.results.some((r) => r.check === "not_a_server_error")).toBe(false);
    expect(summaryTable(result)).toMatch(/not_a_server_error +off .* off \(CONTRACT_CHECKS\)/);
    expect(junitReport(result)).toContain(
      '<testcase classname="contract.not_a_server_error" name="(check off)" time="0.000">\n      <skipped message="turned off by CONTRACT_CHECKS"/>',
    );
    expect(JSON.parse(jsonReport(result)).checks.find((c: { name: string }) => c.name === "not_a_server_error")).toMatchObject({
      severity: "off",
      setBy: "CONTRACT_CHECKS",
      ownSeverity: "standard",
    });
    expect(htmlReport(result)).toContain("<code>not_a_server_error=off</code> (CONTRACT_CHECKS)");
  });

  it("raising: allow_header=contract fails a 405 without Allow even at --fail-on contract", async () => {
    const { result } = await run({ break: "method_405_without_allow" }, { CONTRACT_CHECKS: "allow_header=contract", CONTRACT_FAIL_ON: "contract" });
    expect(result.exitCode).toBe(1);
    expect(failing(result).map((r) => r.check)).toEqual(expect.arrayContaining(["allow_header"]));
    expect(new Set(failing(result).map((r) => r.check))).toEqual(new Set(["allow_header"]));
  });

  it("--check wins over CONTRACT_CHECKS, and both are recorded in the order given", async () => {
    const { result } = await run(
      { break: "echoes_password" },
      { CONTRACT_CHECKS: "secret_reflection=standard" },
      { CONTRACT_CHECKS: "secret_reflection=off,allow_header=advisory" },
    );
    expect(result.exitCode).toBe(1);
    expect(result.checkOverrides.map((o) => `${o.check}=${o.severity} ${o.from}`)).toEqual([
      "secret_reflection=off CONTRACT_CHECKS",
      "allow_header=advisory CONTRACT_CHECKS",
      "secret_reflection=standard --check",
    ]);
    expect(failing(result).some((r) => r.check === "secret_reflection")).toBe(true);
  });

  it("a correct server passes with every check raised to contract: no check finds anything on it", async () => {
    const { result } = await run({}, { CONTRACT_CHECKS: CHECKS.map((c) => `${c.name}=contract`).join(","), CONTRACT_FAIL_ON: "contract" });
    expect(result.results.filter((r) => r.outcome === "fail")).toEqual([]);
    expect(result.exitCode).toBe(0);
  });
});

describe("console", () => {
  it("labels findings that do not fail the run by their severity, never FAIL", async () => {
    const { result, lines } = await run({ vary: "unknown_identity_404" });
    expect(result.exitCode).toBe(0);
    const flagged = lines.filter((l) => /^ {2}\[\d+\/\d+\] (?!ok|n\/a)/.test(l));
    expect(flagged.length).toBeGreaterThan(3);
    expect(flagged.every((l) => /\] advisory /.test(l))).toBe(true);
    const table = summaryTable(result);
    expect(table).not.toMatch(/\bFAIL\b/);
    expect(table).toMatch(/^status_code_conformance +contract .* ADVISORY$/m);
    expect(table).toMatch(/^ {2}ADVISORY status_code_conformance \[advisory\] \d+ cases: status 404 is not documented/m);
  });

  it("labels FAIL only what fails the run, and names the advisory findings of the same exchange as such", async () => {
    // every body starts with a BOM (encoding: standard); an unknown identity gets 404, which a wrong password does not
    const { result, lines } = await run({ break: "bom_json", vary: "unknown_identity_404" });
    expect(result.exitCode).toBe(1);
    expect(lines).toContainEqual(expect.stringMatching(/\] FAIL login\.credentials\.wrong_password → 403 \(encoding\)$/));
    expect(lines).toContainEqual(
      expect.stringMatching(
        /\] FAIL login\.credentials\.unknown_identity → 404 \(status_code_conformance: advisory, wrong_credentials: advisory, encoding, account_enumeration: advisory\)$/,
      ),
    );
    const table = summaryTable(result);
    expect(table).toMatch(/^encoding +standard .* FAIL$/m);
    expect(table).toMatch(/^account_enumeration +advisory .* ADVISORY$/m);
    expect(table.indexOf("Findings that fail the run")).toBeLessThan(table.indexOf("Findings that do not fail the run"));
  });
});

describe("report.html", () => {
  it("puts the summary and the failing findings first, and groups findings of one check and cause in one card", async () => {
    const { result, server } = await run({ break: "echoes_password", vary: "unknown_identity_404" });
    const html = htmlReport(result);
    const at = (s: string) => html.indexOf(s);
    expect(at('<h2 id="summary">')).toBeGreaterThan(0);
    expect(at('<h2 id="summary">')).toBeLessThan(at('<h2 id="failing">'));
    expect(at('<h2 id="failing">')).toBeLessThan(at('<section class="finding fails'));
    expect(at('<section class="finding fails')).toBeLessThan(at('<h2 id="reported">'));
    expect(at('<h2 id="reported">')).toBeLessThan(at('<section class="finding reported'));
    expect(at('<section class="finding reported')).toBeLessThan(at('<h2 id="checks">'));
    // one card per cause: far fewer cards than findings, and the status card lists every case it stands for
    const findings = result.results.filter((r) => r.outcome === "fail").flatMap((r) => r.findings).length;
    const cards = html.match(/<section class="finding /g)!.length;
    expect(cards).toBe(groupFindings(result).length);
    expect(cards * 4).toBeLessThan(findings);
    const status = result.results.filter((r) => r.check === "status_code_conformance" && r.outcome === "fail");
    expect(status.length).toBeGreaterThan(10);
    const card = html.slice(at("<code>status_code_conformance</code>"), html.indexOf("</section>", at("<code>status_code_conformance</code>")));
    expect(card).toContain(`· ${status.length} cases</h3>`);
    expect(card).toContain(`<code>404</code> ×${status.length}`);
    for (const r of status) expect(card).toContain(`<code>${r.caseId}</code>`);
    // every card gives a curl command, and no secret is in the page
    expect(html.match(/<h4>Reproduce /g)!.length).toBe(cards);
    for (const secret of [server.options.password, server.options.identPassword, server.options.clientSecret, ...server.issuedTokens])
      expect(html).not.toContain(secret);
  });

  it("fits a 1280 px window without horizontal scrolling, every detail open, with the first failing finding above the fold", async (ctx) => {
    const plan = browserTestPlan(findChromium());
    if (!plan.run) {
      if ("failure" in plan) throw new Error(plan.failure);
      ctx.skip(plan.skipLine);
      return;
    }
    const { result } = await run({ break: "echoes_password", vary: "unknown_identity_404" });
    const dir = path.join(root, "reports");
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, "report-1280.html");
    await writeFile(file, htmlReport(result));
    const browser = await launchChromium(plan.executable);
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`file://${file}`);
      const width = () => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(await width()).toEqual({ scroll: 1280, client: 1280 });
      const firstFailure = await page.evaluate(() => document.querySelector("section.finding.fails")!.getBoundingClientRect().top);
      expect(firstFailure).toBeLessThan(900);
      await page.screenshot({ path: path.join(dir, "report-1280.png") });
      await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
      expect(await width()).toEqual({ scroll: 1280, client: 1280 });
      // no element pokes out of the page either (overflow that a clipped container would hide)
      const widest = await page.evaluate(() => Math.max(...[...document.querySelectorAll("body *")].map((e) => e.getBoundingClientRect().right)));
      expect(widest).toBeLessThanOrEqual(1280);
    } finally {
      await browser.close();
    }
  });
});

describe("report.html bodies", () => {
  it("are indented as JSON.stringify(body, null, 2) would, up to the page's cut, without indenting the rest", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 400 }), (value, limit) => {
        const whole = JSON.stringify(value, null, 2);
        const start = indentedStart(value, limit);
        expect(start.slice(0, limit)).toBe(whole.slice(0, limit));
        expect(start.length > limit).toBe(whole.length > limit);
      }),
      { numRuns: 2000, seed: 22 },
    );
    const parsed = JSON.parse('{"__proto__":{"a":1},"1":2,"b":[],"c":{},"d":-0,"e":"\\u2028"}');
    expect(indentedStart(parsed, Infinity)).toBe(JSON.stringify(parsed, null, 2));
    // a body nested 3,000 deep is written only as far as the page shows it
    expect(indentedStart(JSON.parse(`${"[".repeat(3000)}${"]".repeat(3000)}`), 100).length).toBeLessThan(400);
  });
});

/** A loopback server that records each request's method, path, headers and body bytes, and forwards it to
 * `target` when given (answering 200 {} otherwise). */
async function recorder(target?: string) {
  const seen: Array<{ method: string; path: string; headers: IncomingHttpHeaders; body: Buffer }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      if (!target) return res.writeHead(200, { "content-type": "application/json" }).end("{}");
      const url = new URL(req.url!, target);
      const forward = httpRequest(url, { method: req.method, headers: { ...req.headers, host: url.host } }, (answer) => {
        res.writeHead(answer.statusCode!, answer.rawHeaders);
        answer.pipe(res);
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe("curl commands", () => {
  it("reproduce every request of a run, byte for byte in what matters, with every secret a shell variable", async () => {
    const server = await serve({ break: "echoes_password" });
    const proxy = await recorder(new URL(server.baseUrl).origin);
    const result = await runSuite(
      resolveConfig(contractEnv(server, { DINTERO_BASE_URL: `${proxy.url}/v1`, CONTRACT_TIMEOUT_MS: "1000", CONTRACT_CASES: "6" }), {}),
    );
    expect(proxy.seen.length).toBe(result.exchanges.length);
    const o = server.options;
    const secrets = [o.password, o.identPassword, o.clientSecret, o.otherClientSecret, o.mfaPassword, ...server.issuedTokens];
    for (const ex of result.exchanges) for (const s of secrets) expect(ex.curl, ex.caseId).not.toContain(s);
    // The same requests again, through the commands, to a second recorder: the variables hold what the
    // person sets (the configured secrets; for made-up ones, the values this run made up).
    const replay = await recorder();
    const script: string[] = ["set -u"];
    const replayedIndex: number[] = [];
    result.exchanges.forEach((ex, i) => {
      const original = proxy.seen[i]!;
      const bearer = /^Bearer (.+)$/.exec(String(original.headers.authorization ?? ""))?.[1];
      const basic = /^Basic (.+)$/.exec(String(original.headers.authorization ?? ""))?.[1];
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(original.body.toString("utf8")) as Record<string, unknown>;
      } catch {}
      const values: Record<string, string | undefined> = {
        DINTERO_BASE_URL: `${replay.url}/v1`,
        DINTERO_CLIENT_ID: o.clientId,
        DINTERO_CLIENT_SECRET: o.clientSecret,
        DINTERO_LOGIN_PASSWORD: o.password,
        DINTERO_LOGIN_IDENT_PASSWORD: o.identPassword,
        CLIENT_BEARER: bearer,
        CUSTOMER_TOKEN: bearer,
        MADE_UP_BEARER: bearer,
        DINTERO_OTHER_CLIENT_SECRET: o.otherClientSecret,
        DINTERO_MFA_LOGIN_PASSWORD: o.mfaPassword,
        OTHER_CLIENT_BEARER: bearer,
        REFRESH_TOKEN: [body?.refresh_token, body?.token].find((v) => typeof v === "string") as string | undefined,
        MFA_TOKEN: body?.mfa_token as string | undefined,
        OOB_CODE: body?.oob_code as string | undefined,
        BINDING_CODE: body?.binding_code as string | undefined,
        DERIVED_SECRET:
          typeof body?.password === "string" ? body.password : basic ? Buffer.from(basic, "base64").toString().split(":").slice(1).join(":") : undefined,
      };
      const used = Object.keys(VARIABLES).filter((v) => ex.curl.includes(`$${v}`));
      for (const v of used) expect(values[v], `${ex.caseId}: ${v}`).toBeDefined();
      // A shell variable cannot hold NUL: such a made-up password can only be described, not set.
      if (used.some((v) => values[v]!.includes("\u0000"))) return;
      replayedIndex.push(i);
      script.push(
        `( ${used.map((v) => `export ${v}=${shellQuote(values[v]!)}`).join("; ")}${used.length ? "; " : ""}${ex.curl} > /dev/null ) || echo "failed: ${ex.caseId}" >&2`,
      );
    });
    // Asynchronously: the recorders answer from this process's event loop.
    // on stdin: one argument of over 128 KiB is refused (E2BIG)
    const stderr = await new Promise<string>((resolve) =>
      execFile("bash", ["-s"], { timeout: 60_000, maxBuffer: 1 << 24 }, (_err, _out, err) => resolve(err)).stdin!.end(script.join("\n")),
    );
    expect(stderr).toBe("");
    expect(result.exchanges.length - replayedIndex.length).toBeLessThan(3);
    expect(replay.seen.length).toBe(replayedIndex.length);
    replayedIndex.forEach((i, k) => {
      const ex = result.exchanges[i]!;
      const original = proxy.seen[i]!;
      const again = replay.seen[k]!;
      expect(again.method, ex.caseId).toBe(original.method);
      expect(again.path, ex.caseId).toBe(original.path);
      for (const h of ["authorization", "content-type", "accept"]) expect(again.headers[h], `${ex.caseId} ${h}`).toBe(original.headers[h]);
      let parsed: unknown;
      try {
        parsed = JSON.parse(original.body.toString("utf8"));
      } catch {
        return void expect(again.body.equals(original.body), `${ex.caseId} body`).toBe(true);
      }
      // jq may escape a character JSON.stringify leaves as it is (DEL): the same JSON value is sent
      expect(JSON.parse(again.body.toString("utf8")), `${ex.caseId} body`).toEqual(parsed);
    });
  });

  it("carry any secret through the shell and jq intact: quotes, $, backticks, newlines, emoji, and a secret inside a longer string", async () => {
    const replay = await recorder();
    const password = `it's "$HOME" \`id\` \\n\n😀 %41 ${"x".repeat(20)}`;
    const headerSecret = `s3cr3t'"$\`\\-${"y".repeat(12)}`; // a header cannot carry a newline
    const secrets = [
      { value: password, name: "DINTERO_LOGIN_PASSWORD" },
      { value: headerSecret, name: "DINTERO_CLIENT_SECRET" },
    ];
    const requests: Array<{ method: string; url: string; headers: Record<string, string>; body: string }> = [
      {
        method: "POST",
        url: `${replay.url}/v1/login`,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password, note: `before ${password} after`, list: [password, 1, null] }),
      },
      { method: "PUT", url: `${replay.url}/v1/raw`, headers: { "content-type": "text/plain", "x-echo": `h:${headerSecret}:t` }, body: `raw ${password} end` },
    ];
    const commands = requests.map((r) => curlCommand(r, secrets, { baseUrl: `${replay.url}/v1`, secretProps: new Set(["password"]) }));
    for (const c of commands) for (const secret of [password, headerSecret, "x".repeat(20), "y".repeat(12)]) expect(c).not.toContain(secret);
    const script = `export DINTERO_BASE_URL=${shellQuote(`${replay.url}/v1`)} DINTERO_LOGIN_PASSWORD=${shellQuote(password)} DINTERO_CLIENT_SECRET=${shellQuote(headerSecret)}\n${commands.map((c) => `${c} > /dev/null`).join("\n")}`;
    const stderr = await new Promise<string>((resolve) => execFile("bash", ["-c", script], { timeout: 20_000 }, (_e, _o, err) => resolve(err)));
    expect(stderr).toBe("");
    expect(replay.seen.map((r) => [r.method, r.path])).toEqual([
      ["POST", "/v1/login"],
      ["PUT", "/v1/raw"],
    ]);
    expect(JSON.parse(replay.seen[0]!.body.toString("utf8"))).toEqual(JSON.parse(requests[0]!.body));
    expect(replay.seen[1]!.body.toString("utf8")).toBe(requests[1]!.body);
    expect(replay.seen[1]!.headers["x-echo"]).toBe(requests[1]!.headers["x-echo"]);
  });

  it("use $DINTERO_LOGIN_PASSWORD for the known password, jq --arg for it in a JSON body, and -u for client credentials", async () => {
    const { result } = await run({});
    const curl = (id: string) => result.exchanges.find((e) => e.caseId === id)!.curl;
    expect(curl("login.email.known_good")).toContain(`--data-raw "$(jq -cn --arg dintero_login_password "$DINTERO_LOGIN_PASSWORD" '{"audience":`);
    expect(curl("login.email.known_good")).toContain(`"password":$dintero_login_password}')"`);
    expect(curl("login.email.known_good")).toContain(`-H "Authorization: Bearer $CLIENT_BEARER"`);
    expect(curl("token.known_good")).toContain(`-u "$DINTERO_CLIENT_ID:$DINTERO_CLIENT_SECRET"`);
    // made-up credentials are no secrets: printed as the run sent them
    expect(curl("token.auth.wrong_secret")).toMatch(/-u "\$DINTERO_CLIENT_ID:wrong-[0-9a-f]{12}"/);
    expect(curl("login.credentials.wrong_password")).toMatch(/"password":"wrong-[0-9a-f]{16}"/);
    expect(result.exchanges.map((e) => e.curl).join("\n")).not.toContain("MADE_UP_PASSWORD");
    expect(curl("login.auth.forged_jwt")).toContain(`-H "Authorization: Bearer $MADE_UP_BEARER"`);
    expect(curl("login.negative.not_json")).toMatch(/--data-raw '\{"audience":"https:\/…not json'$/);
  });
});

describe("secret lengths", () => {
  it("a response that held a secret or a token shows its Content-Length redacted; one that did not keeps it", async () => {
    const { result, server } = await run({ break: "echoes_password" });
    const length = (id: string) => result.exchanges.find((e) => e.caseId === id)!.response!.rawHeaders.find(([k]) => k.toLowerCase() === "content-length")?.[1];
    expect(length("login.credentials.wrong_password")).toBe("[REDACTED] (the body held a secret or a token)");
    expect(length("token.known_good")).toBe("[REDACTED] (the body held a secret or a token)");
    expect(length("login.email.negative.missing.audience")).toMatch(/^\d+$/);
    const json = jsonReport(result);
    for (const token of server.issuedTokens) expect(json).not.toContain(`"content-length": "${token.length}"`);
    expect(json).not.toMatch(/\d+ chars\)/);
  });
});

describe("junit.xml", () => {
  it("makes failing findings failures, and advisories visible as skipped without failing", async () => {
    const { result } = await run({ break: "echoes_password", vary: "unknown_identity_404" });
    const xml = junitReport(result);
    const failures = [...xml.matchAll(/<failure message="([^"]*)" type="([a-z_]+)">/g)];
    expect(failures.length).toBe(failing(result).length);
    expect(new Set(failures.map((m) => m[2]))).toEqual(new Set(["secret_reflection"]));
    expect(xml).toMatch(new RegExp(`<testsuites [^>]*failures="${failing(result).length}"`));
    const advisories = result.results.filter((r) => r.outcome === "fail" && r.severity === "advisory");
    expect(advisories.length).toBeGreaterThan(3);
    expect(xml.match(/<skipped message="ADVISORY \(does not fail the run; --fail-on advisory makes advisory findings fail the run\): /g)!.length).toBe(
      advisories.length,
    );
    expect(xml).toMatch(
      /<skipped message="ADVISORY [^"]*"\/>\n {6}<system-out>\[advisory\] status 404 is not documented[\s\S]*?reproduce:\n {4}curl -sS -i -X POST/,
    );
    expect(xml).toMatch(
      /<testsuite name="secret_reflection \(standard\)"[^>]*>\n {4}<properties>\n {6}<property name="severity" value="standard"\/>\n {6}<property name="severity_reason" value="an echoed password/,
    );
  });
});

describe("docs/conformance.md", () => {
  it("its checks table gives every check's severity, the reason for it and the source, as the checks declare them", async () => {
    const doc = await readFile(path.join(root, "docs", "conformance.md"), "utf8");
    expect(doc).toContain("| check | severity | why this severity | source | fails when |");
    for (const c of CHECKS) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${c.name}\` |`));
      expect(row, c.name).toBeDefined();
      const [, , severity, why, source] = row!.split("|").map((x) => x.trim());
      expect(severity, c.name).toBe(c.severity);
      expect(why, c.name).toBe(c.severityReason);
      expect(source!.length, c.name).toBeGreaterThan(5);
    }
  });
});
