// The wrong variants of a real secret (a prefix of the client secret, the password in another case, …) reveal
// the real one: they are sent, judged like wrong credentials, and appear in no output, neither as values nor
// in a curl command, where they are variables.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_SECRET_VARIANTS, PASSWORD_VARIANTS, secretVariants } from "../../contract-tests/case-bodies.ts";
import { fixedCases } from "../../contract-tests/cases.ts";
import { resolveConfig } from "../../contract-tests/config.ts";
import { summaryTable } from "../../contract-tests/console.ts";
import { htmlReport } from "../../contract-tests/reports/html.ts";
import { jsonReport } from "../../contract-tests/reports/json.ts";
import { junitReport } from "../../contract-tests/reports/junit.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { runSuite, type RunResult } from "../../contract-tests/suite.ts";
import { contractEnv, startContractServer, type ContractServer } from "../helpers/contract-servers.ts";

let server: ContractServer;
let result: RunResult;
beforeAll(async () => {
  server = await startContractServer({ break: "client_secret_prefix_match" });
  result = await runSuite(resolveConfig(contractEnv(server, { CONTRACT_CASES: "1" }), {}));
}, 60_000);
afterAll(() => server?.close());

describe("secret variants", () => {
  it("derives each variant from the real secret, never equal to it", () => {
    const variants = secretVariants("Secret-value-1", [...CLIENT_SECRET_VARIANTS, ...PASSWORD_VARIANTS]);
    expect(variants.map((v) => [v.id, v.value])).toEqual([
      ["empty", ""],
      ["prefix", "Secret-"],
      ["last_changed", "Secret-value-x"],
      ["other_case", "secret-value-1"],
      ["prefix", "Secret-"],
      ["last_changed", "Secret-value-x"],
      ["other_case", "secret-value-1"],
      ["trailing_space", "Secret-value-1 "],
    ]);
    expect(secretVariants("1234", PASSWORD_VARIANTS).map((v) => v.id)).toEqual(["prefix", "last_changed", "trailing_space"]); // a PIN has no case
  });

  it("sends one request per variant, judged by wrong_credentials, and prints none of them", () => {
    const o = server.options;
    const ids = result.caseList.map((c) => c.id);
    for (const id of ["empty", "prefix", "last_changed", "other_case"]) expect(ids).toContain(`token.credentials.wrong_secret.${id}`);
    for (const form of ["email", "ident"]) for (const id of PASSWORD_VARIANTS) expect(ids).toContain(`login.credentials.${form}.wrong_password.${id}`);
    // the breakage takes a prefix of the secret: caught, at that case only
    const caught = result.results.filter((r) => r.check === "wrong_credentials" && r.outcome === "fail").map((r) => r.caseId);
    expect(caught).toEqual(["token.credentials.wrong_secret.prefix"]);
    const outputs = [summaryTable(result), jsonReport(result), htmlReport(result), junitReport(result)];
    const variants = [
      ...secretVariants(o.clientSecret, CLIENT_SECRET_VARIANTS),
      ...secretVariants(o.password, PASSWORD_VARIANTS),
      ...secretVariants(o.identPassword, PASSWORD_VARIANTS),
    ].filter((v) => v.value.length >= 4);
    for (const v of variants) for (const text of outputs) expect(text.includes(v.value.trim()), v.id).toBe(false);
    const curls = result.exchanges.filter((e) => e.caseId.startsWith("token.credentials.wrong_secret.")).map((e) => e.curl);
    expect(curls.length).toBe(4);
    // A variant derived from the real secret would tell part of it: withheld as $DERIVED_SECRET. The empty
    // one tells nothing and is printed as sent, so the command reproduces it as it stands.
    const curlOf = (variant: string) => result.exchanges.find((e) => e.caseId === `token.credentials.wrong_secret.${variant}`)?.curl;
    expect(curlOf("empty")).toContain('-u "$DINTERO_CLIENT_ID:"');
    for (const v of ["prefix", "last_changed", "other_case"]) expect(curlOf(v), v).toContain(":$DERIVED_SECRET");
    const passwordCurls = result.exchanges.filter((e) => /wrong_password\.(prefix|last_changed|other_case|trailing_space)$/.test(e.caseId)).map((e) => e.curl);
    expect(passwordCurls.length).toBe(8); // both forms' passwords have letters and are long enough to halve
    for (const c of passwordCurls) expect(c).toContain("$DERIVED_SECRET");
  });
});

describe("wrong passwords per form (docs/conformance.md, Safety on live targets; docs/security.md)", () => {
  const wrongPasswordsOf = (identPassword: string) => {
    const config = resolveConfig(contractEnv(server, { DINTERO_LOGIN_IDENT_PASSWORD: identPassword }), {});
    const cases = fixedCases(loadSpec(), config).filter((c) => c.group === "credentials" && c.operation === "login" && !c.madeUpIdentity);
    return (label: string) =>
      cases.filter((c) =>
        c.id === "login.credentials.wrong_password" ? config.identities[0]!.label === label : c.id.startsWith(`login.credentials.${label}.wrong_password`),
      );
  };

  it("at most five per form: made up, half, last character changed, other case, trailing space", () => {
    const of = wrongPasswordsOf("ident-Password-1");
    expect(of("email").map((c) => c.id.split(".").at(-1))).toEqual(["wrong_password", "prefix", "last_changed", "other_case", "trailing_space"]);
    expect(of("ident")).toHaveLength(5);
  });

  it("a 6-digit PIN three times: no case variant, and half of it breaks the schema's minLength", () => {
    expect(wrongPasswordsOf("482915")("ident").map((c) => c.id.split(".").at(-1))).toEqual(["wrong_password", "last_changed", "trailing_space"]);
  });
});
