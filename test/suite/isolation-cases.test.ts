// The account-isolation cases across environments: the twin of an account (the same number, T test or P
// production) is derived from the spec's account id schema, and sent on the login and the token path.
import { describe, expect, it } from "vitest";
import { fixedCases } from "../../contract-tests/cases.ts";
import { resolveConfig } from "../../contract-tests/config.ts";
import { deriveTwinAccountId } from "../../contract-tests/semantic-cases.ts";
import { loadSpec } from "../../contract-tests/spec.ts";

const spec = loadSpec();
const env = {
  DINTERO_BASE_URL: "http://127.0.0.1:1/v1",
  DINTERO_ACCOUNT_ID: "T12345678",
  DINTERO_CLIENT_ID: "client",
  DINTERO_CLIENT_SECRET: "client-secret-value",
  DINTERO_LOGIN_EMAIL: "a@example.com",
  DINTERO_LOGIN_PASSWORD: "pass-word",
};
const aidSchema = spec.operations.login.pathParams.get("aid")!.schema;

describe("deriveTwinAccountId", () => {
  it("swaps the prefix for another the spec's aid pattern accepts: T <-> P", () => {
    const valid = spec.validator(aidSchema);
    expect(deriveTwinAccountId("T12345678", valid)).toBe("P12345678");
    expect(deriveTwinAccountId("P00000001", valid)).toBe("T00000001");
  });

  it("follows the pattern it is given, not a letter pair of its own, and never takes the same letter in another case", () => {
    const pattern = (re: RegExp) => (v: unknown) => typeof v === "string" && re.test(v);
    expect(deriveTwinAccountId("T12345678", pattern(/^[TX]\d{8}$/))).toBe("X12345678");
    expect(deriveTwinAccountId("T12345678", pattern(/^[Tt]\d{8}$/i))).toBeUndefined();
    expect(deriveTwinAccountId("T12345678", pattern(/^T\d{8}$/))).toBeUndefined();
    expect(deriveTwinAccountId("12345678", pattern(/^\d{8}$/))).toBeUndefined();
  });
});

describe("the other-environment cases", () => {
  const byId = (config: ReturnType<typeof resolveConfig>) => new Map(fixedCases(spec, config).map((c) => [c.id, c]));

  it("send the client bearer to the twin's login path and the client credentials to its token path, each with the twin's audience", () => {
    const cases = byId(resolveConfig(env, {}));
    const login = cases.get("login.isolation.other_environment")!;
    const token = cases.get("token.isolation.other_environment")!;
    for (const c of [login, token]) {
      expect(c.notApplicable).toBeUndefined();
      expect(c.aid).toBe("P12345678");
      expect(c.expect.kind).toBe("isolation_rejection");
      expect((c.body as { audience: string }).audience).toBe("https://api.dintero.com/v1/accounts/P12345678");
    }
    expect([login.auth, token.auth]).toEqual(["bearer", "basic"]);
  });

  it("are not applicable, with the reason, when DINTERO_OTHER_ACCOUNT_ID is the twin already (the other-account cases send it)", () => {
    const cases = byId(resolveConfig({ ...env, DINTERO_OTHER_ACCOUNT_ID: "P12345678" }, {}));
    expect(cases.get("login.isolation.other_environment")!.notApplicable).toMatch(/DINTERO_OTHER_ACCOUNT_ID is P12345678, this account's twin/);
    expect(cases.get("token.isolation.other_environment")!.notApplicable).toMatch(/this account's twin/);
    expect(cases.get("login.isolation.other_account_path")!.aid).toBe("P12345678");
  });
});
