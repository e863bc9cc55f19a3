// `npm run contract` as a user runs it: a child process, real exit codes, real output and report files (help and
// configuration errors, which end before any request, call the CLI's main() in this process).
// Against the Prism mock it passes; missing configuration and unreachable targets exit 2 without a
// request; no secret reaches the console or any report; Ctrl-C stops the mock.
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { CHECKS } from "../../contract-tests/checks.ts";
import { main } from "../../contract-tests/cli.ts";
import { LIVE_VARIABLES, OPTIONS } from "../../contract-tests/config.ts";
import { TOKEN_PREFIX_LENGTH } from "../../contract-tests/redact.ts";
import { freePort } from "../../contract-tests/targets/prism.ts";
import { contractEnv, startContractServer, type Breakage } from "../helpers/contract-servers.ts";
import { canonicalize } from "../../src/redact.ts";

const root = path.resolve(import.meta.dirname, "../..");
// tsx as a loader in the CLI's own process (tsx's command line would start a second node process for each run,
// twice the start-up, and relay signals to it): the child that runs the CLI is the one Ctrl-C reaches.
const tsx = pathToFileURL(path.join(root, "node_modules", "tsx", "dist", "loader.mjs")).href;
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  reportDir: string;
}

/** Only the variables given: nothing of the developer's own DINTERO_* environment leaks in. */
function baseEnv(): Record<string, string> {
  const keep = ["PATH", "HOME", "TMPDIR", "LANG"];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]));
}

async function cli(args: string[], env: Record<string, string> = {}, onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<CliRun> {
  const reportDir = await mkdtemp(path.join(tmpdir(), "contract-cli-"));
  dirs.push(reportDir);
  const child = spawn(process.execPath, ["--import", tsx, "contract-tests/cli.ts", ...args], {
    cwd: root,
    env: { ...baseEnv(), CONTRACT_REPORT_DIR: reportDir, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
    onStderr?.(stderr, child);
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", (c) => resolve(c)));
  return { code, stdout, stderr, reportDir };
}

/** The CLI's main() in this process, with the same environment a child would get: for what ends before any
 * request (help, configuration errors), where a process adds nothing but its start-up. The wiring of main()'s
 * code to the process's exit code is shown by this file's runs that spawn the CLI (exit 0, 1 and 2). */
async function cliInProcess(args: string[], env: Record<string, string> = {}): Promise<Omit<CliRun, "reportDir">> {
  let stdout = "";
  let stderr = "";
  const code = await main(
    args,
    { ...baseEnv(), CONTRACT_REPORT_DIR: path.join(tmpdir(), "contract-cli-unused"), ...env },
    {
      out: (t) => (stdout += t),
      err: (t) => (stderr += t),
    },
  );
  return { code, stdout, stderr };
}

async function reportFiles(dir: string): Promise<Record<string, string>> {
  const names = await readdir(dir);
  return Object.fromEntries(await Promise.all(names.map(async (n) => [n, await readFile(path.join(dir, n), "utf8")] as const)));
}

describe("npm run contract", () => {
  it("--help documents every option with its variable, every live variable, every check and the exit codes", async () => {
    const run = await cliInProcess(["--help"]);
    expect(run.code).toBe(0);
    for (const o of OPTIONS) {
      expect(run.stdout).toContain(o.flag);
      expect(run.stdout).toContain(o.env);
    }
    for (const v of LIVE_VARIABLES) expect(run.stdout).toContain(v.name);
    for (const c of CHECKS) expect(run.stdout).toContain(c.name);
    expect(run.stdout).toMatch(/Exit codes: 0 .*1 .*\n.*2 cannot run/);
  });

  it("passes against the Prism mock, shows progress and a summary, and reports what the mock cannot judge", async () => {
    const run = await cli(["--cases", "3"]);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.stderr).toMatch(/Prism is listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(run.stderr).toMatch(/\[\d+\/\d+\] ok {3}login\.email\.known_good → 200/);
    expect(run.stderr).toMatch(/seed 20260101/);
    expect(run.stdout).toContain("RESULT: PASS");
    for (const c of CHECKS) expect(run.stdout).toContain(c.name);
    const files = await reportFiles(run.reportDir);
    expect(Object.keys(files).sort()).toEqual(["junit.xml", "report.html", "report.json"]);
    // not applicable, with the reason, in the console and in every report
    for (const text of [run.stdout, files["junit.xml"]!, files["report.json"]!, files["report.html"]!]) {
      expect(text).toContain("wrong_credentials");
      expect(text).toContain("a mock has no user store");
      expect(text).toContain("login.auth.forged_jwt");
    }
    const report = JSON.parse(files["report.json"]!);
    expect(report.exitCode).toBe(0);
    expect(report.violations).toEqual([]);
    expect(report.exchanges.length).toBe(report.requestsSent);
    expect(files["junit.xml"]).toMatch(/<testcase classname="contract\.negative_data_rejection" name="login\.email\.negative\.minLength\.password"/);
    expect(files["report.html"]).not.toMatch(/<script|<link|src=/);
  });

  it.each(["DINTERO_ACCOUNT_ID", "DINTERO_LOGIN_EMAIL", "DINTERO_LOGIN_PASSWORD", "DINTERO_CLIENT_SECRET", "DINTERO_LOGIN_IDENT_PASSWORD"])(
    "without %s: a message naming it, exit 2, no request sent",
    async (missing) => {
      const server = await startContractServer();
      try {
        const env = contractEnv(server);
        delete env[missing];
        const run = await cliInProcess([], env);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(missing);
        expect(server.requestCount()).toBe(0);
      } finally {
        await server.close();
      }
    },
  );

  it("an unknown option, a bad number or a bad --fail-on severity is a configuration error (exit 2)", async () => {
    expect((await cliInProcess(["--frobnicate"])).code).toBe(2);
    const level = await cliInProcess(["--fail-on", "warning"]);
    expect(level.code).toBe(2);
    expect(level.stderr).toContain('CONTRACT_FAIL_ON / --fail-on must be one of contract, standard, advisory, got "warning"');
    expect((await cliInProcess(["--fail-on", "contrakt"])).stderr).toContain("did you mean contract?");
    const bad = await cliInProcess(["--timeout", "soon"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("CONTRACT_TIMEOUT_MS");
  });

  it("--check and CONTRACT_CHECKS: an unknown check or severity exits 2 naming the closest known one, before any request", async () => {
    const server = await startContractServer();
    try {
      const env = contractEnv(server);
      const name = await cliInProcess(["--check", "secret_reflecton=off"], env);
      expect(name.code).toBe(2);
      expect(name.stderr).toContain('--check "secret_reflecton=off": no check is named "secret_reflecton"; did you mean secret_reflection?');
      const severity = await cliInProcess(["--check=allow_header=advisroy"], env);
      expect(severity.code).toBe(2);
      expect(severity.stderr).toContain('"advisroy" is not a severity; did you mean advisory? (one of off, contract, standard, advisory)');
      const fromEnv = await cliInProcess([], { ...env, CONTRACT_CHECKS: "allow_header=off, token_cachng=advisory" });
      expect(fromEnv.code).toBe(2);
      expect(fromEnv.stderr).toContain('CONTRACT_CHECKS "token_cachng=advisory": no check is named "token_cachng"; did you mean token_caching?');
      const shape = await cliInProcess(["--check", "allow_header"], env);
      expect(shape.code).toBe(2);
      expect(shape.stderr).toContain("must be NAME=SEVERITY");
      expect(server.requestCount()).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("an advisory finding is reported everywhere with its severity and source, and fails the run only with --fail-on advisory", async () => {
    const server = await startContractServer({ break: "enumeration_leak" });
    try {
      const lenient = await cli(["--cases", "2"], contractEnv(server));
      expect(lenient.code, lenient.stdout).toBe(0);
      expect(lenient.stdout).toMatch(/account_enumeration +advisory .* ADVISORY/);
      expect(lenient.stdout).toContain("Findings that do not fail the run (--fail-on advisory makes advisory findings fail the run), by cause:");
      // one unknown identity per configured form (email and ident), each compared with its form's wrong password
      expect(lenient.stdout.match(/^ {2}ADVISORY account_enumeration \[advisory\] 1 case: /gm)).toHaveLength(2);
      expect(lenient.stdout).not.toMatch(/\bFAIL\b/);
      const files = await reportFiles(lenient.reportDir);
      const report = JSON.parse(files["report.json"]!);
      expect(report.failOn).toBe("standard");
      const enumeration = expect.objectContaining({
        check: "account_enumeration",
        severity: "advisory",
        failsRun: false,
        source: expect.objectContaining({ url: expect.stringMatching(/^https:\/\/cheatsheetseries\.owasp\.org\//) }),
      });
      expect(report.violations).toEqual([enumeration, enumeration]);
      expect(
        report.checks.every(
          (c: { severity: string; severityReason: string; source: { ref: string } }) =>
            ["contract", "standard", "advisory"].includes(c.severity) && c.severityReason.length > 0 && c.source.ref.length > 0,
        ),
      ).toBe(true);
      expect(files["report.html"]).toMatch(
        /<h2 id="reported">Findings that do not fail the run<\/h2>\n<section class="finding reported advisory"[^>]*>\n<h3><span class="label ADVISORY">ADVISORY<\/span> <code>account_enumeration<\/code>/,
      );
      expect(files["report.html"]).toContain('<a href="https://cheatsheetseries.owasp.org/');
      expect(files["junit.xml"]).toMatch(/<skipped message="ADVISORY \(does not fail the run; --fail-on advisory makes advisory findings fail the run\): /);
      expect(files["junit.xml"]).toMatch(/<system-out>\[advisory\] /);
      expect(files["junit.xml"]).toMatch(/<testsuites [^>]*failures="0"/);

      const strict = await cli(["--cases", "2", "--fail-on", "advisory"], contractEnv(server));
      expect(strict.code).toBe(1);
      expect(strict.stdout).toMatch(/account_enumeration +advisory .* FAIL/);
      const junit = (await reportFiles(strict.reportDir))["junit.xml"]!;
      expect(junit).toMatch(/<failure message="\[advisory\] /);
    } finally {
      await server.close();
    }
  });

  it("an unreachable target exits 2", async () => {
    const port = await freePort();
    const run = await cli([], {
      DINTERO_BASE_URL: `http://127.0.0.1:${port}/v1`,
      DINTERO_ACCOUNT_ID: "T12345678",
      DINTERO_ACCESS_TOKEN: "x".repeat(40),
      DINTERO_LOGIN_EMAIL: "a@example.com",
      DINTERO_LOGIN_PASSWORD: "pass-word",
    });
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/unreachable/);
    expect(run.stdout).toContain("COULD NOT RUN");
  });

  // secret_reflection is standard (an echoed secret is exposed, whoever's rule it is): the default run fails.
  it.each<[Breakage | undefined, number]>([
    [undefined, 0],
    ["echoes_password", 1],
    ["echoes_password_encoded", 1],
  ])("no secret in the console or any report (server %s, exit %i)", async (breakage, exitCode) => {
    const server = await startContractServer(breakage ? { break: breakage } : {});
    try {
      const run = await cli(["--cases", "3"], contractEnv(server));
      expect(run.code, run.stdout).toBe(exitCode);
      if (breakage) expect(run.stdout).toMatch(/secret_reflection +standard .* FAIL/);
      const files = await reportFiles(run.reportDir);
      const outputs = { stdout: run.stdout, stderr: run.stderr, ...files };
      const o = server.options;
      const secrets = [o.password, o.identPassword, o.clientSecret, ...server.issuedTokens];
      expect(server.issuedTokens.length).toBeGreaterThan(2);
      for (const [name, text] of Object.entries(outputs)) {
        // Decoded too: a percent-encoded or \u-escaped echo must not reach a report in that form either.
        for (const secret of secrets) expect(text.includes(secret) || canonicalize(text).includes(secret), `a secret in ${name}`).toBe(false);
        // nor its length (#15: "[REDACTED] (22 chars)" told it): no "N chars", and no secret's length in
        // the units the reports describe made-up inputs with
        expect(text, `a length in ${name}`).not.toMatch(/\d+ chars\)/);
        for (const secret of [o.password, o.identPassword, o.clientSecret])
          expect(text, `a secret's length in ${name}`).not.toMatch(new RegExp(`\\b${[...secret].length} (code points|UTF-16 units|UTF-8 bytes|characters)`));
      }
      // tokens are shown as a recognisable prefix, far shorter than the token
      const prefix = server.issuedTokens[0]!.slice(0, TOKEN_PREFIX_LENGTH);
      expect(files["report.json"]).toContain(`${prefix}…`);
      expect(TOKEN_PREFIX_LENGTH * 4).toBeLessThan(server.issuedTokens[0]!.length);
    } finally {
      await server.close();
    }
  });

  it("a server that never answers: each timeout fails its case, 3 in a row stop the run with exit 1", async () => {
    const server = await startContractServer({ break: "never_answers" });
    try {
      const run = await cli(["--timeout", "300"], contractEnv(server));
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/not answering/);
      expect(run.stdout).toMatch(/server_answers .* FAIL/);
    } finally {
      await server.close();
    }
  });

  it("Ctrl-C stops the run and the Prism mock, and still writes the reports", async () => {
    let port = 0;
    let sent = false;
    const run = await cli([], {}, (stderr, child) => {
      const m = /Prism is listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m && !sent) {
        sent = true;
        port = Number(m[1]);
        child.kill("SIGINT");
      }
    });
    expect(sent).toBe(true);
    expect(run.code).toBe(1);
    await expect(fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    expect(Object.keys(await reportFiles(run.reportDir))).toContain("report.json");
  });
});
