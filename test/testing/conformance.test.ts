// The fake is faithful: the conformance suite, at its strictest (--fail-on advisory, --strict), judges
// startFakeDintero() as a live target and finds nothing, with every check judged and no case left
// not applicable. Any rule the fake broke would fail here, naming the check.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECKS, SEVERITIES } from "../../contract-tests/checks.ts";
import { OPTIONS, resolveConfig } from "../../contract-tests/config.ts";
import { runSuite, type RunResult } from "../../contract-tests/suite.ts";
import { startFakeDintero, type RunningFakeDintero } from "../../testing/index.ts";
import { fakeDefaultsEnv } from "../helpers/contract-servers.ts";

/** The strictest settings the suite offers: its lowest level fails the run (so every finding does), and
 * undocumented response properties are findings too. */
const STRICTEST = { CONTRACT_FAIL_ON: SEVERITIES[SEVERITIES.length - 1]!, CONTRACT_STRICT: "1" };

const clientSecret = `suite-secret-${randomBytes(8).toString("hex")}`;
const password = `suite-password-${randomBytes(8).toString("hex")}`;
const pin = "8642";
const otherSecret = `other-secret-${randomBytes(8).toString("hex")}`;
const mfaPassword = `mfa-password-${randomBytes(8).toString("hex")}`;
/** The fake's clock, moved on by the suite's control (the mfa_token's expiry). */
let clockOffsetMs = 0;

let fake: RunningFakeDintero;
let result: RunResult;

beforeAll(async () => {
  // The session after login too: a client with the refresh scope (refresh tokens, revoke), another client
  // of the account, and a user with MFA, with the fake's code and clock as the run's control.
  fake = await startFakeDintero({
    clients: [
      {
        clientId: "conformance-suite",
        clientSecret,
        scopes: ["write:accounts:/auth/users", "write:accounts:/auth/mfa", "create:accounts:auth:refresh_token"],
      },
      { clientId: "conformance-other", clientSecret: otherSecret },
    ],
    users: [
      { type: "customer", email: "suite@example.com", password },
      { type: "customer", phone: "+4791111111", password: pin },
      { type: "customer", email: "suite-mfa@example.com", password: mfaPassword, mfa: true },
    ],
    now: () => Date.now() + clockOffsetMs,
  });
  const env = {
    DINTERO_BASE_URL: fake.url,
    DINTERO_ACCOUNT_ID: fake.accountId,
    DINTERO_CLIENT_ID: "conformance-suite",
    DINTERO_CLIENT_SECRET: clientSecret,
    DINTERO_LOGIN_EMAIL: "suite@example.com",
    DINTERO_LOGIN_PASSWORD: password,
    DINTERO_LOGIN_IDENT_TYPE: "phone_number",
    DINTERO_LOGIN_IDENT: "+4791111111",
    DINTERO_LOGIN_IDENT_PASSWORD: pin,
    DINTERO_OTHER_CLIENT_ID: "conformance-other",
    DINTERO_OTHER_CLIENT_SECRET: otherSecret,
    DINTERO_MFA_LOGIN_EMAIL: "suite-mfa@example.com",
    DINTERO_MFA_LOGIN_PASSWORD: mfaPassword,
  };
  result = await runSuite(resolveConfig(env, STRICTEST), {
    control: {
      mfaCode: (identity) => fake.mfaCode(identity),
      advanceClock: (seconds) => {
        clockOffsetMs += seconds * 1000;
      },
    },
  });
}, 120_000);

afterAll(async () => {
  await fake?.close();
});

describe("the conformance suite against startFakeDintero()", () => {
  it("runs at the strictest level the suite has", () => {
    // --fail-on at the lowest level: every finding of every level fails the run.
    expect(SEVERITIES[SEVERITIES.length - 1]).toBe("advisory");
    expect(result.failOn).toBe("advisory");
    // The options that make the suite stricter are the ones used here; a new one must be added above.
    expect(OPTIONS.map((o) => o.flag).filter((f) => ["--strict", "--fail-on"].includes(f))).toEqual(["--strict", "--fail-on"]);
    expect(result.strict).toBe(true);
    expect(result.target.kind).toBe("live");
  });

  it("finds nothing: exit 0, no failing result at any level, nothing aborted", () => {
    const failures = result.results.filter((r) => r.outcome === "fail").map((r) => `${r.check} ${r.caseId}: ${r.findings.map((f) => f.message).join("; ")}`);
    expect(failures).toEqual([]);
    expect(result.aborted).toBeUndefined();
    expect(result.exitCode).toBe(0);
  });

  it("judges every case and every check: nothing is not applicable", () => {
    const notApplicable = result.results.filter((r) => r.outcome === "not_applicable").map((r) => `${r.check} ${r.caseId}: ${r.reason}`);
    expect(notApplicable).toEqual([]);
    expect(result.caseList.filter((c) => c.notApplicable)).toEqual([]);
    const passed = new Set(result.results.filter((r) => r.outcome === "pass").map((r) => r.check));
    expect(CHECKS.map((c) => c.name).filter((name) => !passed.has(name))).toEqual([]);
    // every case was sent and answered
    const answered = new Set(result.exchanges.filter((e) => e.response).map((e) => e.caseId));
    expect(result.caseList.map((c) => c.id).filter((id) => !answered.has(id))).toEqual([]);
  });

  it("the fake's record matches what the suite sent, and holds none of its secrets", () => {
    expect(fake.exchanges).toHaveLength(result.requestsSent);
    const statuses = (ex: readonly { status: number | null }[]) => ex.map((e) => e.status);
    expect(statuses(fake.exchanges)).toEqual(statuses(result.exchanges.map((e) => ({ status: e.response?.status ?? null }))));
    const text = JSON.stringify(fake.exchanges);
    for (const secret of [clientSecret, password, otherSecret, mfaPassword]) expect(text).not.toContain(secret);
  });
});

describe("the conformance suite against startFakeDintero() with its documented defaults", () => {
  it("passes as strictly, every check judged; only the session's cases that need what the defaults lack are not applicable", async () => {
    const defaults = await startFakeDintero();
    try {
      const env = fakeDefaultsEnv(defaults.url);
      const run = await runSuite(resolveConfig(env, STRICTEST));
      // The default client has no refresh scope (no refresh token to refresh or revoke), and no second
      // client or MFA user is configured: those cases say so, and the run is complete without them.
      const notApplicable = run.results.filter((r) => r.outcome === "not_applicable");
      for (const r of notApplicable) expect(r.reason, `${r.check} ${r.caseId}`).toMatch(/needs refreshToken|DINTERO_OTHER_CLIENT_ID|DINTERO_MFA_LOGIN_EMAIL/);
      expect(notApplicable.length).toBeGreaterThan(0);
      expect(run.results.filter((r) => r.outcome === "fail").map((r) => `${r.check} ${r.caseId}`)).toEqual([]);
      expect(run.aborted).toBeUndefined();
      expect(new Set(run.results.map((r) => r.check)).size).toBe(CHECKS.length);
      expect(run.exitCode).toBe(0);
    } finally {
      await defaults.close();
    }
  });
});

describe("this test can fail", () => {
  it("a fake whose known-good login does not succeed (left in the mfa_required scenario) stops the same run", async () => {
    const broken = await startFakeDintero({
      clients: [{ clientId: "conformance-suite", clientSecret }],
      users: [{ type: "customer", email: "suite@example.com", password }],
    });
    try {
      broken.scenario("mfa_required");
      const env = {
        DINTERO_BASE_URL: broken.url,
        DINTERO_ACCOUNT_ID: broken.accountId,
        DINTERO_CLIENT_ID: "conformance-suite",
        DINTERO_CLIENT_SECRET: clientSecret,
        DINTERO_LOGIN_EMAIL: "suite@example.com",
        DINTERO_LOGIN_PASSWORD: password,
        CONTRACT_CASES: "0",
      };
      const run = await runSuite(resolveConfig(env, STRICTEST));
      // the known-good login is refused (403 mfa_required): the run stops there, as it would on staging
      expect(run.exitCode).toBe(2);
      expect(run.aborted?.reason).toBe("known_good_refused");
      expect(run.results.filter((r) => r.outcome === "fail").map((r) => `${r.check} ${r.caseId}`)).toContain("positive_data_acceptance login.email.known_good");
    } finally {
      await broken.close();
    }
  });
});
