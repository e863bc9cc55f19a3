// `--har`: recordings of the project's fake and of servers that each break one rule, judged from the
// recording alone; the CLI's exit codes, reports, summary and secrecy as a live run's.
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CHECKS, type Severity } from "../../contract-tests/checks.ts";
import { main } from "../../contract-tests/cli.ts";
import { NEEDS_CONTROLLED_INPUT } from "../../contract-tests/passive/applicability.ts";
import { PROGRESS_EVERY } from "../../contract-tests/passive/run.ts";
import { startFakeDintero } from "../../testing/index.ts";
import { BREAKAGES, contractEnv, fakeDefaultsEnv, startContractServer, type Breakage } from "../helpers/contract-servers.ts";
import { consumerJourney, writeHar, type Har } from "./recorder.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "passive-har-"));
});

async function runCli(argv: string[], env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const reportDir = await mkdtemp(path.join(dir, "reports-"));
  const code = await main([...argv, "--report-dir", reportDir], env, { out: (t) => (out += t), err: (t) => (err += t) });
  const reports = await Promise.all((await readdir(reportDir)).map((f) => readFile(path.join(reportDir, f), "utf8")));
  const json = reports.length
    ? (JSON.parse(await readFile(path.join(reportDir, "report.json"), "utf8")) as {
        violations: Array<{ check: string; severity: Severity; failsRun: boolean; curl: string | null; message: string }>;
        passive: { judged: number; entries: number; skipped: Record<string, number>; unjudged: Array<{ reason: string; count: number }> };
        notApplicable: Array<{ check: string; reason: string }>;
      })
    : undefined;
  return { code, out, err, reports: reports.join("\n"), json };
}

/** A consumer's journey against startFakeDintero(), recorded as HAR in `name`. */
async function recordFake(name: string): Promise<string> {
  const fake = await startFakeDintero();
  try {
    const env = fakeDefaultsEnv(fake.url);
    return await writeHar(path.join(dir, name), await consumerJourney(env));
  } finally {
    await fake.close();
  }
}

async function recordBroken(breakage: Breakage): Promise<{ file: string; env: Record<string, string> }> {
  const server = await startContractServer({ break: breakage });
  try {
    const env = contractEnv(server);
    return { file: await writeHar(path.join(dir, `${breakage}.har`), await consumerJourney(env)), env };
  } finally {
    await server.close();
  }
}

/** Each breakage whose catching check judges a single exchange, with that check and its severity. */
const CAUGHT_FROM_RECORDING: Partial<Record<Breakage, [string, Severity]>> = {
  expires_in_as_string: ["response_schema_conformance", "contract"],
  token_expires_in_zero: ["token_semantics", "standard"],
  token_201_created: ["status_code_conformance", "contract"],
  content_type_text_plain: ["content_type_conformance", "contract"],
  truncated_json_errors: ["content_type_conformance", "contract"],
  crash_on_non_ascii: ["not_a_server_error", "standard"],
  exp_mismatch: ["token_semantics", "standard"],
  echoes_password: ["secret_reflection", "standard"],
  echoes_password_encoded: ["secret_reflection", "standard"],
  echoes_basic_header: ["secret_reflection", "standard"],
  jwt_carries_password: ["secret_reflection", "standard"],
  echoes_bearer: ["secret_reflection", "standard"],
  issues_unsigned_tokens: ["token_semantics", "standard"],
  token_on_wrong_password: ["token_on_refusal", "standard"],
  identity_in_errors: ["identity_disclosure", "standard"],
  bom_json: ["encoding", "standard"],
  latin1_error_body: ["encoding", "standard"],
  refresh_token_on_login: ["refresh_token_without_scope", "contract"],
  serves_any_method: ["unsupported_methods", "standard"],
  retry_after_not_a_number: ["response_headers", "standard"],
  token_retry_after_not_a_number: ["response_headers", "contract"],
  conflicting_json_members: ["duplicate_json_members", "standard"],
  stack_in_errors: ["error_disclosure", "advisory"],
  no_www_authenticate: ["www_authenticate", "advisory"],
  cdn_cacheable_token: ["token_caching", "advisory"],
  token_cacheable: ["token_caching", "advisory"],
  method_405_without_allow: ["allow_header", "advisory"],
  refresh_token_on_client_credentials: ["refresh_token_on_client_credentials", "advisory"],
  duplicate_json_members: ["duplicate_json_members", "advisory"],
  echoes_credentials_base64: ["secret_reflection", "standard"],
  token_in_plain_cookie: ["token_cookie", "standard"],
};

/** Single-exchange breakages this fetch-made recording cannot show, and why (never silently left out). */
const NOT_FROM_THIS_RECORDING: Partial<Record<Breakage, string>> = {
  never_answers: "a recording holds no response of a request that got none: it is counted not judgeable (tested below)",
  login_always_429: "rate limited throughout is a rule over a whole active run, whose known-good login must succeed",
  duplicate_content_type: "fetch joins repeated header lines: the Playwright recording (browser-har.test.ts) keeps them",
  validation_422: "caught by negative_data_rejection on a body the suite broke; a recording's 422 is only an advisory status finding",
};

describe("a recording of the correct fake passes", () => {
  it("startFakeDintero(): every entry judged, exit 0, no finding", async () => {
    const file = await recordFake("fake.har");
    const run = await runCli(["--har", file, "--fail-on", "advisory"]);
    expect(run.json!.violations.map((v) => `${v.check}: ${v.message}`)).toEqual([]);
    expect(run.json!.passive.judged).toBe(run.json!.passive.entries);
    expect(run.code).toBe(0);
    expect(run.out).toContain("RESULT: PASS");
  });

  it("reports the spec coverage of the traffic, and --min-coverage fails a recording below it", async () => {
    const file = await recordFake("fake-coverage.har");
    const run = await runCli(["--har", file, "--fail-on", "advisory"]);
    const coverage = (run.json as unknown as { coverage: { statuses: Array<{ operation: string; observed: number[] }>; percent: { total: number } } }).coverage;
    // The journey logs in and fetches a bearer: both operations' 200 are observed from the recording alone.
    for (const op of ["login", "token"]) expect(coverage.statuses.find((s) => s.operation === op)?.observed).toContain(200);
    expect(coverage.percent.total).toBeGreaterThan(0);
    expect(coverage.percent.total).toBeLessThan(100);
    expect(run.out).toMatch(/coverage/i);
    const gated = await runCli(["--har", file, "--fail-on", "advisory", "--min-coverage", "100"]);
    expect(gated.code).toBe(1);
    expect(gated.out).toContain("COVERAGE BELOW --min-coverage");
  });

  it("the correct contract server, at --fail-on advisory", async () => {
    const server = await startContractServer();
    let file: string;
    try {
      file = await writeHar(path.join(dir, "correct.har"), await consumerJourney(contractEnv(server)));
    } finally {
      await server.close();
    }
    const run = await runCli(["--har", file, "--fail-on", "advisory"]);
    expect(run.json!.violations.map((v) => `${v.check}: ${v.message}`)).toEqual([]);
    expect(run.code).toBe(0);
  });
});

describe("each single-exchange check's breaking server is caught from its recording alone", () => {
  it("every breakage is either caught here or named with the reason it is not", () => {
    const singleExchange = new Set(CHECKS.map((c) => c.name).filter((n) => !(n in NEEDS_CONTROLLED_INPUT)));
    for (const [b, [check]] of Object.entries(CAUGHT_FROM_RECORDING)) expect(singleExchange.has(check), `${b}: ${check}`).toBe(true);
    // Every single-exchange check has at least one breakage caught from a recording.
    const caught = new Set(Object.values(CAUGHT_FROM_RECORDING).map(([c]) => c));
    expect([...singleExchange].filter((c) => !caught.has(c))).toEqual(["server_answers"]);
    for (const b of Object.keys(NOT_FROM_THIS_RECORDING)) expect(b in BREAKAGES).toBe(true);
  });

  for (const [breakage, [check, severity]] of Object.entries(CAUGHT_FROM_RECORDING) as Array<[Breakage, [string, Severity]]>) {
    it(`${breakage} → ${check} (${severity})`, async () => {
      const { file, env } = await recordBroken(breakage);
      const run = await runCli(["--har", file]);
      const found = run.json!.violations.filter((v) => v.check === check);
      expect(
        found.map((v) => v.severity),
        run.out,
      ).toContain(severity);
      expect(run.code).toBe(severity === "advisory" ? 0 : 1);
      // the recording's secrets appear nowhere, nor their lengths as a run of asterisks
      for (const secret of [
        env.DINTERO_LOGIN_PASSWORD!,
        env.DINTERO_CLIENT_SECRET!,
        env.DINTERO_LOGIN_IDENT_PASSWORD!,
        Buffer.from(`${env.DINTERO_CLIENT_ID}:${env.DINTERO_CLIENT_SECRET}`).toString("base64"),
      ]) {
        expect(run.reports.includes(secret) || run.out.includes(secret) || run.err.includes(secret)).toBe(false);
      }
    });
  }
});

describe("the command line, as a live run", () => {
  let file: string;
  beforeAll(async () => {
    file = (await recordBroken("echoes_password")).file;
  });

  it("--check sets a severity, --fail-on decides, and a curl command per finding holds variables, not secrets", async () => {
    const lowered = await runCli(["--har", file, "--check", "secret_reflection=advisory"]);
    expect(lowered.code).toBe(0);
    expect(lowered.json!.violations.find((v) => v.check === "secret_reflection")?.severity).toBe("advisory");
    const strict = await runCli(["--har", file, "--check", "secret_reflection=advisory", "--fail-on", "advisory"]);
    expect(strict.code).toBe(1);
    const curl = strict.json!.violations.find((v) => v.check === "secret_reflection")!.curl!;
    expect(curl).toMatch(/\$DINTERO_LOGIN_PASSWORD|\$made_up_password|\$dintero_login_password/);
    expect(curl).toContain("$DINTERO_BASE_URL");
    expect(curl).toMatch(/\$CLIENT_BEARER/);
  });

  it("the summary names what was judged and what was skipped; several files add up; the env twin reads them", async () => {
    const other = path.join(dir, "other-hosts.har");
    const har: Har = JSON.parse(await readFile(file, "utf8"));
    const entries = har.log.entries as Array<{ request: { url: string } }>;
    const moved = entries.slice(0, 3).map((e) => ({ ...e, request: { ...e.request, url: e.request.url.replace("/v1/", "/v2/") } }));
    await writeHar(other, { log: { ...har.log, entries: moved } });
    const run = await runCli(["--har", file, other]);
    expect(run.json!.passive.entries).toBe(entries.length + 3);
    expect(run.json!.passive.skipped.other_path).toBe(3);
    expect(run.out).toMatch(new RegExp(`recorded traffic: ${entries.length + 3} entries, ${entries.length} judged, 3 skipped \\(3 other path\\)`));
    const twin = await runCli([], { CONTRACT_HAR: `${file}${path.delimiter}${other}` });
    expect(twin.json!.passive.entries).toBe(entries.length + 3);
  });

  it("a long file shows a progress line every PROGRESS_EVERY entries", async () => {
    const har: Har = JSON.parse(await readFile(file, "utf8"));
    const long = path.join(dir, "long.har");
    await writeHar(long, { log: { ...har.log, entries: Array.from({ length: PROGRESS_EVERY + 5 }, (_, i) => har.log.entries[i % har.log.entries.length]) } });
    const run = await runCli(["--har", long]);
    expect(run.err).toMatch(new RegExp(`long\\.har: ${PROGRESS_EVERY}/${PROGRESS_EVERY + 5} entries, ${PROGRESS_EVERY} judged, \\d+ failing finding\\(s\\)`));
    expect(run.err).toMatch(new RegExp(`long\\.har: ${PROGRESS_EVERY + 5}/${PROGRESS_EVERY + 5} entries`));
  });

  it("DINTERO_BASE_URL limits the judged entries to its origin and base path", async () => {
    const run = await runCli(["--har", file], { DINTERO_BASE_URL: "https://api.example.invalid/v1" });
    expect(run.json!.passive.judged).toBe(0);
    expect(run.json!.passive.skipped.other_host).toBe(run.json!.passive.entries);
    expect(run.code).toBe(2);
    expect(run.out).toMatch(/nothing was judged.*check the recording and DINTERO_BASE_URL/);
  });

  it("checks that need controlled input are reported not applicable to recorded traffic, with the reason", async () => {
    const run = await runCli(["--har", file]);
    const na = run.json!.notApplicable.filter((n) => n.reason.startsWith("not applicable to recorded traffic"));
    expect(na.map((n) => n.check).sort()).toEqual(Object.keys(NEEDS_CONTROLLED_INPUT).sort());
  });
});

describe("across exchanges", () => {
  type E = {
    request: { headers: Array<{ name: string; value: string }> };
    response: { status: number; headers: Array<{ name: string; value: string }>; content: { text: string; size: number } };
  };
  const withBody = (e: E, status: number, body: unknown, headers = e.response.headers): E => {
    const text = JSON.stringify(body);
    return { ...e, response: { ...e.response, status, headers, content: { ...e.response.content, text, size: Buffer.byteLength(text) } } };
  };
  async function correctSession(): Promise<Har> {
    const server = await startContractServer();
    try {
      return await consumerJourney(contractEnv(server));
    } finally {
      await server.close();
    }
  }

  it("a bearer refused with invalid_token and then accepted fails the run; without the error it is advisory", async () => {
    const har = await correctSession();
    const good = har.log.entries[1] as E;
    const json = { name: "Content-Type", value: "application/json" };
    const refused = (challenge: string) =>
      withBody(good, 401, { error: { code: "unauthorized", message: "the bearer is not valid" } }, [json, { name: "WWW-Authenticate", value: challenge }]);
    const severities = async (challenge: string) => {
      const file = await writeHar(path.join(dir, "bearer-flip.har"), { log: { ...har.log, entries: [refused(challenge), good] } });
      const run = await runCli(["--har", file]);
      return { found: run.json!.violations.filter((v) => v.check === "bearer_refused_then_accepted").map((v) => v.severity), code: run.code };
    };
    expect(await severities('Bearer error="invalid_token"')).toEqual({ found: ["standard"], code: 1 });
    expect(await severities("Bearer")).toEqual({ found: ["advisory"], code: 0 });
  });

  it("a refresh_token answered to an opaque bearer whose token response stated a scope without the refresh scope", async () => {
    const har = await correctSession();
    const [token, login] = har.log.entries as E[];
    const opaque = "opaque-bearer-5d1c9e0b7a3f";
    const issue = (scope: string) => withBody(token!, 200, { ...JSON.parse(token!.response.content.text), access_token: opaque, scope });
    const withRefresh = withBody(
      {
        ...login!,
        request: {
          ...login!.request,
          headers: [...login!.request.headers.filter((h) => h.name.toLowerCase() !== "authorization"), { name: "Authorization", value: `Bearer ${opaque}` }],
        },
      },
      200,
      { ...JSON.parse(login!.response.content.text), refresh_token: "refresh-9a8b7c6d5e4f" },
    );
    const found = async (scope: string) => {
      const file = await writeHar(path.join(dir, "refresh.har"), { log: { ...har.log, entries: [issue(scope), withRefresh] } });
      const run = await runCli(["--har", file]);
      expect(run.reports).not.toContain("refresh-9a8b7c6d5e4f");
      return run.json!.violations.filter((v) => v.check === "refresh_token_without_scope").map((v) => `${v.severity}: ${v.message}`);
    };
    expect(await found("write:accounts:/auth/users")).toEqual([
      expect.stringMatching(/^contract: .*lacks create:accounts:auth:refresh_token \(its scope as the token response of .*#1 stated it\)/),
    ]);
    expect(await found("write:accounts:/auth/users create:accounts:auth:refresh_token")).toEqual([]);
  });

  it("a credentials answer that flips is found; flipped back, it fails the run", async () => {
    const server = await startContractServer();
    try {
      const env = contractEnv(server);
      const har = await consumerJourney(env);
      const entries = har.log.entries as Array<{ response: { status: number; content: { text: string; size: number } } }>;
      // the known-good login (entry 2) repeated, with its answer edited into a 401 in between
      const good = entries[1]!;
      const text = '{"error":{"code":"unauthorized"}}';
      const refused = { ...good, response: { ...good.response, status: 401, content: { ...good.response.content, text, size: Buffer.byteLength(text) } } };
      const file = await writeHar(path.join(dir, "flip.har"), { log: { ...har.log, entries: [good, refused, good] } });
      const run = await runCli(["--har", file]);
      const found = run.json!.violations.filter((v) => v.check === "credentials_answered_both").map((v) => v.severity);
      expect(found).toEqual(["advisory", "standard"]);
      expect(run.code).toBe(1);
      expect(
        (await runCli(["--har", file, "--check", "credentials_answered_both=off"])).json!.violations.filter((v) => v.check === "credentials_answered_both"),
      ).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("secrets of the recording appear in no output, not even their length", () => {
  it("passwords, client secret, Basic, bearer, issued tokens and cookies, also where another exchange echoes them", async () => {
    const server = await startContractServer();
    let har: Har;
    const env = contractEnv(server);
    try {
      har = await consumerJourney(env);
    } finally {
      await server.close();
    }
    type E = {
      request: { headers: Array<{ name: string; value: string }> };
      response: { status: number; headers: Array<{ name: string; value: string }>; content: { text: string; size: number } };
    };
    const entries = har.log.entries as E[];
    const cookie = "sess-7f3a9c1e5b2d4f60";
    const token = (JSON.parse(entries[0]!.response.content.text) as { access_token: string }).access_token;
    const password = env.DINTERO_LOGIN_PASSWORD!;
    // the browser's cookies on the login, a Set-Cookie answer, and a later answer echoing the first login's secrets
    entries[1]!.request.headers.push({ name: "Cookie", value: `session=${cookie}; theme=dark` });
    entries[1]!.response.headers.push({ name: "Set-Cookie", value: `session=${cookie}; HttpOnly; Secure` });
    const echo = JSON.stringify({ error: { message: `debug: ${password} ${cookie} ${token}` } });
    const last = entries.at(-1)!;
    last.response = {
      ...last.response,
      status: 400,
      headers: [
        { name: "Content-Type", value: "application/json" },
        { name: "Content-Length", value: String(Buffer.byteLength(echo)) },
      ],
      content: { ...last.response.content, text: echo, size: Buffer.byteLength(echo) },
    };
    const file = await writeHar(path.join(dir, "secrets.har"), har);
    const run = await runCli(["--har", file, "--fail-on", "advisory"]);
    const everything = `${run.out}\n${run.err}\n${run.reports}`;
    const secrets = [
      password,
      env.DINTERO_CLIENT_SECRET!,
      env.DINTERO_LOGIN_IDENT_PASSWORD!,
      cookie,
      token,
      Buffer.from(`${env.DINTERO_CLIENT_ID}:${env.DINTERO_CLIENT_SECRET}`).toString("base64"),
    ];
    for (const secret of secrets) expect(everything.includes(secret), `a secret of length ${secret.length} leaked`).toBe(false);
    // the echoing answer is shown with the secrets replaced, and without the Content-Length that would tell their length
    expect(run.reports).toContain("debug: [REDACTED] [REDACTED]");
    expect(run.reports).toMatch(/"content-length",\s*"\d+"/i); // other answers show theirs
    expect(run.reports).not.toMatch(new RegExp(`"content-length",\\s*"${Buffer.byteLength(echo)}"`, "i"));
    expect(run.reports).toMatch(/the body held a secret or a token/);
    expect(run.reports).toContain("session=[REDACTED]");
  });
});

describe("docs/conformance.md states the limits the code enforces", () => {
  it("the HAR size limit, the body limit, the evidence kept and the progress interval", async () => {
    const { MAX_HAR_BYTES } = await import("../../contract-tests/passive/har.ts");
    const { MAX_KEPT_EXCHANGES } = await import("../../contract-tests/passive/judge.ts");
    const { MAX_BODY_BYTES } = await import("../../contract-tests/http.ts");
    const docs = await readFile(path.resolve(import.meta.dirname, "../../docs/conformance.md"), "utf8");
    const section = docs.slice(docs.indexOf("## Judge recorded traffic"), docs.indexOf("## Reports"));
    expect(section).toContain(`limited to ${MAX_HAR_BYTES / 2 ** 20} MiB`);
    expect(section).toContain(`over the ${MAX_BODY_BYTES / 2 ** 20} MiB limit`);
    expect(section).toContain(`first ${MAX_KEPT_EXCHANGES} exchanges without findings`);
    expect(section).toContain(`more than ${PROGRESS_EVERY} entries prints a progress line every ${PROGRESS_EVERY}`);
    for (const name of Object.keys(NEEDS_CONTROLLED_INPUT)) expect(section).toContain(`\`${name}\``);
  });
});
