// The checks' registry and house rules: one module per check, each declaring the case kinds it judges;
// every finding carries its check; each pattern of a check has an input that matches only it; no import
// cycle (the very flags `npm run lint:cycles` runs with fail on one); no control byte in the sources.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { Case, CaseKind } from "../../contract-tests/case-types.ts";
import { judgesCase, type CheckContext } from "../../contract-tests/checks/check.ts";
import { DISCLOSURES, errorDisclosure } from "../../contract-tests/checks/error_disclosure.ts";
import { CHECKS } from "../../contract-tests/checks/index.ts";
import { CHECK_NAMES } from "../../contract-tests/checks/names.ts";
import type { Exchange } from "../../contract-tests/http.ts";
import { loadSpec } from "../../contract-tests/spec.ts";

const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/** A bare answer to a login, as the transport records it. */
function answer(status: number, bodyText: string, type = "text/plain"): Exchange {
  const headers = { "content-type": type };
  return {
    id: 1,
    caseId: "x",
    request: { method: "POST", url: "http://127.0.0.1/v1/accounts/T1/customers/login", headers: {} },
    response: { status, headers, rawHeaders: Object.entries(headers), bodyText, bodyBytes: Buffer.from(bodyText), receivedAt: 0 },
    durationMs: 1,
    rateLimited: [],
  } as Exchange;
}

describe("the registry", () => {
  it("lists every check once, in the order of checks/names.ts", () => {
    expect(CHECKS.map((c) => c.name)).toEqual([...CHECK_NAMES]);
    expect(new Set(CHECK_NAMES).size).toBe(CHECK_NAMES.length);
  });

  it("has one module per check, named after it", async () => {
    const files = (await readdir(path.join(root, "contract-tests", "checks"))).filter((f) => f.endsWith(".ts"));
    const modules = files.filter((f) => !["check.ts", "index.ts", "names.ts"].includes(f)).map((f) => f.replace(/\.ts$/, ""));
    expect(modules.sort()).toEqual(CHECK_NAMES.slice().sort());
  });

  it("derives which checks give a case's verdict from what each check declares it judges", () => {
    const kase = (expect: Case["expect"]) => ({ expect }) as Case;
    const judgedBy = (c: Case) => CHECKS.filter((check) => judgesCase(check, c)).map((check) => check.name);
    const byKind: Record<CaseKind, Case["expect"]> = {
      success: { kind: "success" },
      valid_input: { kind: "valid_input" },
      well_formed: { kind: "well_formed" },
      rejection: { kind: "rejection", status: "validation", rule: "r", pointer: "" },
      auth_rejection: { kind: "auth_rejection", rule: "r" },
      credentials_rejection: { kind: "credentials_rejection", rule: "r" },
      scope_rejection: { kind: "scope_rejection", rule: "r" },
      isolation_rejection: { kind: "isolation_rejection", rule: "r" },
      identity_rejection: { kind: "identity_rejection", rule: "r" },
      method_rejection: { kind: "method_rejection", rule: "r" },
      mfa_required: { kind: "mfa_required" },
      refresh_binding_rejection: { kind: "refresh_binding_rejection", rule: "r" },
      revoked_token_rejection: { kind: "revoked_token_rejection", rule: "r" },
      revoke_answer: { kind: "revoke_answer", rule: "r", sameAnswerAs: "revoke.known_good" },
      mfa_token_rejection: { kind: "mfa_token_rejection", rule: "r" },
      binding_code_rejection: { kind: "binding_code_rejection", rule: "r" },
    };
    const verdicts = Object.fromEntries(Object.entries(byKind).map(([k, e]) => [k, judgedBy(kase(e))]));
    expect(verdicts).toEqual({
      success: ["positive_data_acceptance"],
      valid_input: ["positive_data_acceptance"],
      well_formed: ["response_schema_conformance"],
      rejection: ["negative_data_rejection"],
      auth_rejection: ["ignored_auth"],
      credentials_rejection: ["wrong_credentials"],
      scope_rejection: ["token_scope"],
      isolation_rejection: ["account_isolation"],
      identity_rejection: ["identity_binding"],
      method_rejection: ["unsupported_methods"],
      // the MFA login's answer only starts the flow: every check judges it as an answer, none owns its verdict
      mfa_required: [],
      refresh_binding_rejection: ["refresh_token_binding"],
      revoked_token_rejection: ["revoked_refresh_token"],
      revoke_answer: ["revoke_enumeration"],
      mfa_token_rejection: ["mfa_token_reuse"],
      binding_code_rejection: ["mfa_binding_code"],
    });
    // account_enumeration judges only the credentials cases compared with another case's answer
    expect(judgedBy(kase({ kind: "credentials_rejection", rule: "r", sameAnswerAs: "login.credentials.wrong_password" }))).toEqual([
      "wrong_credentials",
      "account_enumeration",
    ]);
  });
});

describe("error_disclosure: each pattern has an input that matches only it", () => {
  const ctx = {} as CheckContext;
  // One input per pattern, in DISCLOSURES' order.
  const inputs: Array<[string, string]> = [
    ["a stack frame", "ValidationError: invalid body\n    at validate (/srv/auth-svc/src/login.js:42:11)"],
    ["a stack frame", "Traceback (most recent call last):"],
    ["a stack frame", "com.example.auth.LoginException\n\tat com.example.auth.Login.check(Login.java:42)"],
    ["a stack frame", 'File "/app/auth/login.py", line 42, in check'],
    ["a database URL", "upstream postgres://auth-db:5432/users refused"],
    ["an internal host name", "upstream auth-db.internal refused"],
    ["a private IP address", "upstream 10.0.3.17 refused"],
    ["SQL", 'syntax error at or near "FROM"'],
  ];
  const patterns = DISCLOSURES.flatMap(([what, res]) => res.map((re) => [what, re] as const));

  it("has an input for every pattern", () => {
    expect(inputs.map(([what]) => what)).toEqual(patterns.map(([what]) => what));
  });

  it.each(inputs.map(([what, text], i) => [i, what, text] as const))("pattern %i (%s) alone matches its input, and the check finds it", (i, what, text) => {
    expect(patterns.map(([, re]) => re.test(text))).toEqual(patterns.map((_, j) => j === i));
    // as a plain-text error body, as a framework's default error page sends it
    expect(errorDisclosure.run(answer(500, text), ctx)).toEqual([expect.objectContaining({ check: "error_disclosure", actual: what })]);
  });

  it.each(inputs.map(([what, text], i) => [i, what, text] as const))("pattern %i (%s) is found inside a JSON error body too", (_, what, text) => {
    const body = JSON.stringify({ error: { code: "INVALID_REQUEST", message: text } });
    expect(errorDisclosure.run(answer(400, body, "application/json"), ctx)).toEqual([expect.objectContaining({ actual: what })]);
  });

  it("finds nothing in an ordinary error body, whose words only contain 'at'", () => {
    const body = JSON.stringify({ error: { code: "INVALID_REQUEST", message: 'email must match format "email" (see the format notes, rule:1:2)' } });
    expect(errorDisclosure.run(answer(400, body, "application/json"), ctx)).toEqual([]);
  });
});

describe("house rules", () => {
  it("no source holds a control byte (a raw backspace where \\b was meant never matches)", async () => {
    const found: string[] = [];
    for (const dir of ["src", "contract-tests", "testing", "scripts", "lib", "test"]) {
      const entries = await readdir(path.join(root, dir), { recursive: true }).catch(() => [] as string[]);
      for (const rel of entries.filter((f) => /\.(ts|mts|mjs|js)$/.test(f))) {
        const text = await readFile(path.join(root, dir, rel), "utf8");
        text.split("\n").forEach((line, i) => {
          // biome-ignore lint/suspicious/noControlCharactersInRegex: escaped ranges: the raw control bytes this test looks for
          if (/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(line)) found.push(`${dir}/${rel}:${i + 1}`);
        });
      }
    }
    expect(found).toEqual([]);
  });

  it("the checks, cases, configuration and runner keep lines within 160 characters", async () => {
    const dir = path.join(root, "contract-tests");
    const files = [
      ...(await readdir(path.join(dir, "checks"), { recursive: true })).filter((f) => f.endsWith(".ts")).map((f) => `checks/${f}`),
      ...["checks.ts", "severity.ts", "cases.ts", "case-types.ts", "case-bodies.ts", "mutations.ts", "forged-tokens.ts", "semantic-cases.ts"],
      ...["config.ts", "types.ts", "generated-cases.ts", "shaped-like.ts", "request-fields.ts", "suite.ts"],
      ...["exchange-redaction.ts", "request-building.ts", "known-good-refusal.ts", "schema-keywords.ts", "keyword-cases.ts", "coverage.ts"],
      ...["lifecycle-cases.ts"],
    ];
    const long: string[] = [];
    for (const f of files) {
      (await readFile(path.join(dir, f), "utf8")).split("\n").forEach((line, i) => {
        if (line.length > 160) long.push(`contract-tests/${f}:${i + 1} (${line.length})`);
      });
    }
    expect(long).toEqual([]);
  });
});

describe("npm run lint:cycles", () => {
  /** The command's flags as package.json gives them, run over a folder of our own. */
  async function cyclesIn(files: Record<string, string>): Promise<{ code: number; out: string }> {
    const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const [bin, ...args] = pkg.scripts["lint:cycles"]!.split(" ");
    expect(bin).toBe("dpdm");
    const flags = args.filter((a) => !a.startsWith('"'));
    expect(flags).toContain("circular:1");
    const dir = await mkdtemp(path.join(tmpdir(), "cycles-"));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    try {
      const { stdout } = await run(path.join(root, "node_modules", ".bin", "dpdm"), [...flags, "**/*.ts"], { cwd: dir });
      return { code: 0, out: stdout };
    } catch (err) {
      const e = err as { code: number; stdout: string };
      return { code: e.code, out: e.stdout };
    }
  }

  it("fails on a cycle of .ts import paths, naming its modules, and passes once it is broken", async () => {
    const cycle = await cyclesIn({
      "a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n',
      "b.ts": 'import { a } from "./a.ts";\nexport const b = () => a;\n',
    });
    expect(cycle.code).toBe(1);
    expect(cycle.out).toMatch(/a\.ts -> b\.ts|b\.ts -> a\.ts/);
    const none = await cyclesIn({ "a.ts": 'import { b } from "./b.ts";\nexport const a = () => b;\n', "b.ts": "export const b = () => 1;\n" });
    expect(none.code).toBe(0);
  }, 60_000);
});

describe("refresh tokens by grant: the grant's credentials (x-grant-security) decide which check judges a token answer", () => {
  const spec = loadSpec();
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const bearer = (scope: string) => `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: "c@clients", scope })}.c2ln`;
  const tokenAnswer = (body: Record<string, unknown>, authorization: string): Exchange => {
    const text = JSON.stringify({ access_token: bearer("read:accounts:/customers"), token_type: "Bearer", expires_in: 60, refresh_token: "rt_new" });
    return {
      ...answer(200, text, "application/json"),
      request: { method: "POST", url: "http://127.0.0.1/v1/accounts/T1/auth/token", headers: { authorization }, body: JSON.stringify(body) },
    };
  };
  const ctx = { spec, op: spec.operations.token, kase: { expect: { kind: "success" } } } as unknown as CheckContext;
  const without = CHECKS.find((c) => c.name === "refresh_token_without_scope")!;
  const onClientCredentials = CHECKS.find((c) => c.name === "refresh_token_on_client_credentials")!;
  const judged = (ex: Exchange) =>
    [without, onClientCredentials].filter((c) => c.appliesTo(ex, ctx)).map((c) => [c.name, (c.run(ex, ctx) as unknown[]).length] as const);

  it("the refresh and MFA grants (a bearer): a refresh_token to a bearer without create:accounts:auth:refresh_token is a finding", () => {
    for (const body of [
      { grant_type: "refresh_token", refresh_token: "rt_old" },
      { grant_type: "mfa-oob", mfa_token: "m", oob_code: "o", binding_code: "1" },
    ]) {
      expect(judged(tokenAnswer(body, `Bearer ${bearer("write:accounts:/auth/users")}`)), body.grant_type).toEqual([["refresh_token_without_scope", 1]]);
      expect(judged(tokenAnswer(body, `Bearer ${bearer("write:accounts:/auth/users create:accounts:auth:refresh_token")}`)), body.grant_type).toEqual([
        ["refresh_token_without_scope", 0],
      ]);
    }
  });

  it("the client-credentials grant (Basic): judged by refresh_token_on_client_credentials only", () => {
    const ex = tokenAnswer({ grant_type: "client_credentials", audience: "a" }, `Basic ${Buffer.from("id:secret").toString("base64")}`);
    expect(judged(ex)).toEqual([["refresh_token_on_client_credentials", 1]]);
  });
});
