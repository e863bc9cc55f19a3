// The evidence the suite keeps and the parsers it judges with: Retry-After by RFC 9110's grammar, UTF-8
// and Content-Type as a Fetch client would see them, duplicate JSON members, input descriptions that
// never show the value; and, over real HTTP, report.json keeping what the server sent, every 429 judged
// as an exchange, and dependent cases reported not applicable with the reason.
import { afterEach, describe, expect, it } from "vitest";
import { CHECKS, decodeJwt, fetchMediaType, firstInvalidUtf8, type CheckContext } from "../../contract-tests/checks.ts";
import { deriveOtherAccountId, resolveConfig } from "../../contract-tests/config.ts";
import { describeInput, describeString } from "../../contract-tests/describe-input.ts";
import { fetchView } from "../../contract-tests/http.ts";
import { duplicateMembers, stringMembers } from "../../contract-tests/json-members.ts";
import { createRedactor, REDACTED } from "../../contract-tests/redact.ts";
import { jsonReport } from "../../contract-tests/reports/json.ts";
import { parseRetryAfter, retryDelaySeconds } from "../../contract-tests/retry-after.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { runSuite, type RunResult } from "../../contract-tests/suite.ts";
import { contractEnv, startContractServer, type Breakage, type ContractServer } from "../helpers/contract-servers.ts";

let server: ContractServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("Retry-After (RFC 9110 §10.2.3)", () => {
  it("reads delay-seconds and the three HTTP-date forms", () => {
    expect(parseRetryAfter("120")).toEqual({ kind: "seconds", seconds: 120 });
    expect(parseRetryAfter(" 0 ")).toEqual({ kind: "seconds", seconds: 0 });
    const date = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT")).toEqual({ kind: "date", epochMs: date });
    expect(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", Date.UTC(2026, 0, 1))).toEqual({ kind: "date", epochMs: date });
    expect(parseRetryAfter("Sun Nov  6 08:49:37 1994")).toEqual({ kind: "date", epochMs: date });
  });

  it.each([
    "1.5",
    "5, 7",
    "-1",
    "",
    "soon",
    "1e3",
    "Sun, 31 Feb 1994 08:49:37 GMT",
    "Sun, 06 Nov 1994 08:49:37 UTC",
    "2026-01-01T00:00:00Z",
    "Sun, 06 Nov 1994 25:00:00 GMT",
  ])("%j is neither delay-seconds nor an HTTP-date (Date.parse would read some of these as dates)", (value) => {
    expect(parseRetryAfter(value).kind).toBe("invalid");
    // never a wait of 0: the fallback
    expect(retryDelaySeconds(value, 1)).toBe(1);
  });

  it("waits until an HTTP-date, and the fallback when the header is missing", () => {
    const now = Date.UTC(2026, 0, 1, 0, 0, 0);
    expect(retryDelaySeconds("Thu, 01 Jan 2026 00:00:30 GMT", 1, now)).toBe(30);
    expect(retryDelaySeconds("Thu, 01 Jan 2025 00:00:30 GMT", 1, now)).toBe(0);
    expect(retryDelaySeconds(undefined, 1, now)).toBe(1);
  });
});

describe("a JWT in either compact form (RFC 7519 §1)", () => {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  it("reads a JWS's claims, takes a JWE's structure only, and says why anything else is not a JWT", () => {
    expect(decodeJwt(`${b64({ alg: "HS256" })}.${b64({ exp: 1 })}.c2ln`)).toEqual({ header: { alg: "HS256" }, payload: { exp: 1 } });
    expect(decodeJwt(`${b64({ alg: "dir", enc: "A256GCM" })}..aXY.Y2lwaGVy.dGFn`)).toEqual({ header: { alg: "dir", enc: "A256GCM" }, encrypted: true });
    expect(decodeJwt(`${b64({ alg: "dir" })}..aXY.Y2lwaGVy.dGFn`)).toMatch(/no enc/);
    expect(decodeJwt(`${b64({ alg: "dir", enc: "A256GCM" })}..aXY..dGFn`)).toMatch(/ciphertext/);
    expect(decodeJwt("a.b")).toMatch(/2 dot-separated parts/);
    expect(decodeJwt("opaque-token")).toMatch(/1 dot-separated parts/);
    expect(decodeJwt(`${b64({ alg: "HS256" })}.${b64([1])}.c2ln`)).toMatch(/not a JSON object/);
  });
});

describe("what a Fetch client would see", () => {
  it("joins repeated header lines, and reads the last media type of a combined Content-Type", () => {
    const view = fetchView([
      ["Content-Type", "application/json"],
      ["X-A", "1"],
      ["content-type", "text/plain"],
    ]);
    expect(view).toEqual({ "content-type": "application/json, text/plain", "x-a": "1" });
    expect(fetchMediaType(view["content-type"]!)).toBe("text/plain");
    expect(fetchMediaType("application/json; charset=utf-8")).toBe("application/json");
  });

  it("finds the first byte that is not UTF-8", () => {
    expect(firstInvalidUtf8(new TextEncoder().encode('{"a":"ø😀"}'))).toBe(-1);
    expect(firstInvalidUtf8(Buffer.from('{"a":"ø"}', "latin1"))).toBe(6);
    expect(firstInvalidUtf8(Buffer.from([0x7b, 0xf0, 0x9f]))).toBe(1); // a truncated 4-byte sequence
  });
});

describe("secret_reflection (standard: it fails the default run, so it must not find echoes by chance)", () => {
  const spec = loadSpec();
  const check = CHECKS.find((c) => c.name === "secret_reflection")!;
  const judge = (password: string, message: string) => {
    const bodyText = JSON.stringify({ error: { code: "FORBIDDEN", message } });
    const ex = {
      id: 1,
      caseId: "x",
      request: { method: "POST", url: "http://127.0.0.1/v1/x", headers: {} },
      response: {
        status: 403,
        headers: { "content-type": "application/json" },
        rawHeaders: [["content-type", "application/json"]] as Array<[string, string]>,
        bodyText,
        bodyBytes: Buffer.from(bodyText),
        receivedAt: 0,
      },
      durationMs: 1,
      rateLimited: [],
    };
    const ctx = { spec, config: {}, kase: { body: { password } }, op: spec.operations.login, secrets: [], earlier: () => undefined } as unknown as CheckContext;
    return check.run(ex, ctx);
  };
  it("finds a password echoed inside a message", () => {
    expect(judge("Wr0ng-Pass", "Wrong password Wr0ng-Pass")).toEqual([expect.objectContaining({ check: "secret_reflection", pointer: "/error/message" })]);
  });
  it("does not find a repetitive made-up password inside other text, only as a whole value", () => {
    expect(judge("      ", "Invalid      request")).toEqual([]);
    expect(judge("000000", "request 1000000 refused")).toEqual([]);
    expect(judge("000000", "000000")).toEqual([expect.objectContaining({ check: "secret_reflection" })]);
  });
});

describe("duplicate JSON members (RFC 8259 §4)", () => {
  it("finds every repeated name with its object's pointer, whether its values differ, and every string of a token member", () => {
    const text = '{"access_token":"first","a":{"b":1,"b":2},"access_token":"second","list":[{"x":1,"x":1,"x":1}],"o":{"p":{"q":[1]},"p":{"q":[1]}}}';
    expect(duplicateMembers(text)).toEqual([
      { pointer: "", name: "access_token", count: 2, sameValue: false },
      { pointer: "/a", name: "b", count: 2, sameValue: false },
      { pointer: "/list/0", name: "x", count: 3, sameValue: true },
      { pointer: "/o", name: "p", count: 2, sameValue: true },
    ]);
    expect(JSON.parse(text).access_token).toBe("second"); // what JSON.parse alone would learn
    expect(stringMembers(text, new Set(["access_token"]))).toEqual(["first", "second"]);
    expect(duplicateMembers("not json")).toEqual([]);
  });
});

describe("input descriptions", () => {
  it("say what is unusual about a value, never the value", () => {
    const password = "😀".repeat(3) + "é".repeat(252);
    const line = describeString("password", password);
    expect(line).toBe("password: 255 code points, 258 UTF-16 units, 516 UTF-8 bytes, non-ASCII, characters outside the BMP");
    expect(line).not.toContain("é");
    const body = { audience: "https://api.dintero.com/v1/accounts/T12345678", type: "customer", ident: "a\u200bb\u0000", password: "abcd" };
    const text = describeInput(body, new Set(["password"]));
    expect(text).toBe("ident: 4 code points, 6 UTF-8 bytes, non-ASCII, NUL, zero-width characters; password: 4 code points");
    expect(describeInput([body])).toBe("body: a JSON array of 1");
  });
});

describe("configuration of the other account", () => {
  it("derives another id of the same kind, or takes DINTERO_OTHER_ACCOUNT_ID when it is valid", () => {
    const valid = (v: unknown) => typeof v === "string" && /^[PT]\d{8}$/.test(v);
    expect(deriveOtherAccountId("T12345678", valid)).toBe("T12345679");
    expect(deriveOtherAccountId("P99999999", valid)).toBe("P00000000");
    const env = {
      DINTERO_BASE_URL: "http://127.0.0.1:1/v1",
      DINTERO_ACCOUNT_ID: "T12345678",
      DINTERO_ACCESS_TOKEN: "x".repeat(40),
      DINTERO_LOGIN_EMAIL: "a@example.com",
      DINTERO_LOGIN_PASSWORD: "pass-word",
    };
    expect(resolveConfig(env, {}).otherAccountId).toBe("T12345679");
    expect(resolveConfig({ ...env, DINTERO_OTHER_ACCOUNT_ID: "T00000001" }, {}).otherAccountId).toBe("T00000001");
    expect(() => resolveConfig({ ...env, DINTERO_OTHER_ACCOUNT_ID: "X1" }, {})).toThrow(/DINTERO_OTHER_ACCOUNT_ID/);
    expect(() => resolveConfig({ ...env, DINTERO_OTHER_ACCOUNT_ID: "T12345678" }, {})).toThrow(/must differ/);
    expect(() => resolveConfig(env, { CONTRACT_FAIL_ON: "warning" })).toThrow(/CONTRACT_FAIL_ON/);
  });
});

describe("redaction of bytes", () => {
  it("replaces a secret inside a body that is not UTF-8", () => {
    const r = createRedactor(["secret-pass-1"]);
    const bytes = Buffer.concat([Buffer.from([0xf8]), Buffer.from("x secret-pass-1 y")]);
    const out = Buffer.from(r.bytes(bytes));
    expect(out.includes(Buffer.from("secret-pass-1"))).toBe(false);
    expect(out.includes(Buffer.from(REDACTED))).toBe(true);
    expect(out[0]).toBe(0xf8);
  });
});

describe("over real HTTP", () => {
  async function run(breakage?: Breakage): Promise<RunResult> {
    server = await startContractServer(breakage ? { break: breakage } : {});
    return runSuite(resolveConfig(contractEnv(server, { CONTRACT_TIMEOUT_MS: "1000", CONTRACT_CASES: "2" }), {}));
  }
  type ReportExchange = {
    caseId: string;
    response?: { headers: Array<[string, string]>; body: { encoding: string; text?: string; base64?: string }; fetchView: { headers: Record<string, string> } };
  };

  it("report.json keeps a body that is not UTF-8 as its bytes, in base64", async () => {
    const result = await run("latin1_error_body");
    const report = JSON.parse(jsonReport(result)) as { exchanges: ReportExchange[] };
    const ex = report.exchanges.find((e) => e.caseId === "login.auth.none")!;
    expect(ex.response!.body.encoding).toBe("base64");
    const bytes = Buffer.from(ex.response!.body.base64!, "base64");
    expect(bytes.includes(Buffer.from("forespørsel", "latin1"))).toBe(true);
    const ok = report.exchanges.find((e) => e.caseId === "login.email.known_good")!;
    expect(ok.response!.body.encoding).toBe("utf-8");
    expect(JSON.parse(ok.response!.body.text!)).toHaveProperty("token_type", "Bearer");
  });

  it("report.json keeps repeated header lines as repeated, and what a Fetch client sees apart", async () => {
    const result = await run("duplicate_content_type");
    const report = JSON.parse(jsonReport(result)) as {
      exchanges: ReportExchange[];
      violations: Array<{ check: string; severity: string; source: { ref: string } }>;
    };
    const ex = report.exchanges.find((e) => e.caseId === "login.email.known_good")!;
    expect(ex.response!.headers.filter(([k]) => k.toLowerCase() === "content-type").map(([, v]) => v)).toEqual([
      "application/json; charset=utf-8",
      "text/plain",
    ]);
    expect(ex.response!.fetchView.headers["content-type"]).toBe("application/json; charset=utf-8, text/plain");
    const v = report.violations.find((x) => x.check === "encoding")!;
    // a Fetch client reads text/plain, not the first line's JSON: it harms a correct consumer (standard)
    expect(v.severity).toBe("standard");
    expect(v.source.ref).toMatch(/RFC 9110 §5\.3/);
  });

  it("a run's exchanges, each redacted when first read, show no secret however they are read (one alone, the property, a spread, JSON)", async () => {
    const result = await run("echoes_password");
    const o = server!.options;
    const secrets = [o.password, o.identPassword, o.clientSecret, ...server!.issuedTokens];
    expect(server!.issuedTokens.length).toBeGreaterThan(2);
    // the server echoed the password: the raw exchange held it
    expect(result.results.some((r) => r.check === "secret_reflection" && r.outcome === "fail")).toBe(true);
    // read alone first (each exchange is redacted when it is read): the exchange whose answer echoed the password
    const echoed = result.results.find((r) => r.check === "secret_reflection" && r.outcome === "fail")!.exchangeId;
    const alone = JSON.stringify(result.exchanges.find((e) => e.id === echoed));
    expect(alone).toContain("[REDACTED]");
    const ways = { alone, json: JSON.stringify(result), spread: JSON.stringify({ ...result }.exchanges), property: JSON.stringify(result.exchanges) };
    for (const [way, text] of Object.entries(ways)) for (const secret of secrets) expect(text.includes(secret), `a secret in ${way}`).toBe(false);
    expect(ways.property).toContain("[REDACTED]");
    // read twice, the same redacted exchanges; every exchange is there
    expect(result.exchanges).toBe(result.exchanges);
    expect(result.exchanges.length).toBe(result.requestsSent);
  });

  it("a 429 that was waited out is an exchange of its own, judged by every check", async () => {
    const result = await run("rate_limits_once");
    expect(result.exitCode).toBe(0);
    const limited = result.exchanges.find((e) => e.response?.status === 429)!;
    expect(limited).toBeDefined();
    const retried = result.exchanges.find((e) => e.rateLimited.length === 1)!;
    expect(retried.rateLimited[0]).toMatchObject({ exchangeId: limited.id, status: 429, retryAfter: "0", waitedS: 0 });
    const judged = result.results.filter((r) => r.exchangeId === limited.id).map((r) => r.check);
    for (const check of ["status_code_conformance", "content_type_conformance", "response_schema_conformance", "response_headers", "encoding"])
      expect(judged).toContain(check);
    expect(result.requestsSent).toBe(result.exchanges.length);
  });

  it("a case whose input did not come back is not applicable, with the reason", async () => {
    // The first login is answered 429 with a Retry-After longer than the suite waits, and no other
    // identity form is configured: no customer token. The case is reported, and the run is incomplete.
    server = await startContractServer({ vary: "login_429_long_once" });
    const {
      DINTERO_LOGIN_IDENT_TYPE: _t,
      DINTERO_LOGIN_IDENT: _i,
      DINTERO_LOGIN_IDENT_PASSWORD: _p,
      ...emailOnly
    } = contractEnv(server, { CONTRACT_TIMEOUT_MS: "1000", CONTRACT_CASES: "2" });
    const result = await runSuite(resolveConfig(emailOnly, {}));
    expect(result.aborted?.reason).toBe("incomplete");
    expect(result.exitCode).toBe(1);
    const na = result.results.find((r) => r.caseId === "login.scope.customer_token_as_bearer")!;
    expect(na.outcome).toBe("not_applicable");
    expect(na.check).toBe("token_scope");
    expect(na.reason).toBe("needs customerToken (login.email.known_good was answered 429)");
    expect(result.exchanges.some((e) => e.caseId === "login.scope.customer_token_as_bearer")).toBe(false);
  });

  it("a failing generated case says what was unusual about its input, never the value", async () => {
    const result = await run("rejects_max_length_password");
    const failure = result.results.find((r) => r.check === "positive_data_acceptance" && r.outcome === "fail" && r.caseId.includes("generated"))!;
    expect(failure.findings[0]!.input).toMatch(/password: 255 code points/);
    const body = JSON.parse(result.exchanges.find((e) => e.id === failure.exchangeId)!.request.body!) as { password: string };
    expect(body.password).toMatch(/^\[REDACTED\]/);
  });
});

describe("schema provenance", () => {
  it("a schema finding names the violated node and the x-source / x-curated of its nearest annotated ancestor", async () => {
    server = await startContractServer({ break: "expires_in_as_string" });
    const result = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_TIMEOUT_MS: "1000", CONTRACT_CASES: "0" }), {}));
    const finding = result.results.find((r) => r.check === "response_schema_conformance" && r.outcome === "fail")!.findings[0]!;
    expect(finding.source!.ref).toMatch(
      /\/responses\/200\/content\/application~1json\/schema\/properties\/expires_in\/type \(rule at #\/components\/schemas\/AccessToken\/properties\/expires_in; documented by Dintero: https:\/\/docs\.dintero\.com\//,
    );
    expect(finding.source!.url).toMatch(/^https:\/\/docs\.dintero\.com\//);
  });
});

describe("hostile responses", () => {
  it("a body without end is cut at the cap and recorded as a broken answer, not read into memory", async () => {
    const { createServer } = await import("node:http");
    const { createTransport, MAX_BODY_BYTES } = await import("../../contract-tests/http.ts");
    const server = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on("drain", pump);
      pump();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const { port } = server.address() as { port: number };
      const transport = createTransport({ timeoutMs: 5000, rate: 0, budget: 10, deadlineAt: Date.now() + 10_000 });
      const ex = await transport.send("c", { method: "POST", url: `http://127.0.0.1:${port}/`, headers: {}, body: "{}" });
      expect(ex.response).toBeUndefined();
      expect(ex.error).toEqual({ kind: "network", message: `the response body exceeds ${MAX_BODY_BYTES} bytes: not read further` });
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("JSON nested far deeper than any login answer does not crash the duplicate-member scan: it says it could not scan", () => {
    const deep = "[".repeat(200_000) + "]".repeat(200_000);
    expect(duplicateMembers(deep)).toBeUndefined();
    expect(duplicateMembers('{"a":'.repeat(50) + '{"x":1,"x":2}' + "}".repeat(50))).toEqual([
      { pointer: "/a".repeat(50), name: "x", count: 2, sameValue: false },
    ]);
    expect(stringMembers(deep, new Set(["access_token"]))).toEqual([]);
  });
});
