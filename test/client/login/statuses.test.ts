// The status-to-kind mapping comes from the spec's documented responses: every status the spec
// documents for an operation the client calls has a kind the code can infer, and a spec change
// documenting a new status gives a typed kind with no edit to src/.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentedResponses as generatedResponses } from "../../../generated/client-responses.js";
import { type CLIENT_ROLES, documentedResponses, generateAll, specPath } from "../../../scripts/generate-lib.ts";
import { loginSchemaValidators } from "../../../src/client.ts";
import { kindOfStatus, statusMeanings } from "../../../src/http.ts";
import { tokenSchemaValidators } from "../../../src/token-provider.ts";
import { sessionSchemaValidators } from "../../../src/session.ts";
import type { OperationsModel } from "../../../generated/operations.js";
import { errorBody, sendJson, startLoginServer, type LoginServer } from "../../helpers/login-server.ts";

type Spec = Parameters<typeof documentedResponses>[0];
const validatorsOf: Record<(typeof CLIENT_ROLES)[number], Record<string, unknown>> = {
  login: loginSchemaValidators,
  token: { ...tokenSchemaValidators, ...sessionSchemaValidators.token },
  revoke: sessionSchemaValidators.revoke,
  mfa_challenge: sessionSchemaValidators.mfa_challenge,
};
/** The roles whose success the client returns as the customer's or its own AccessToken (login, refresh, MFA). */
const tokenRoles = new Set(["login", "token"]);

/**
 * What the client cannot act on in a spec, one line per problem: a documented status whose meaning
 * it cannot infer (a range or `default` included), a success that is not an AccessToken, or a
 * schema it has no validator for.
 */
function unknownsIn(spec: Spec): string[] {
  const problems: string[] = [];
  for (const [role, table] of Object.entries(documentedResponses(spec))) {
    for (const [status, response] of Object.entries(table)) {
      const where = `${role} ${status}`;
      const code = /^\d{3}$/.test(status) ? Number(status) : undefined;
      if (code !== undefined && code >= 200 && code <= 299) {
        if (tokenRoles.has(role) && response.schema !== "AccessToken")
          problems.push(`${where}: a success the client reads must be an AccessToken, not ${response.schema ?? "an unnamed schema"}`);
        else if (response.schema === null || !(response.schema in validatorsOf[role as keyof typeof validatorsOf]))
          problems.push(`${where}: the client has no validator for the success schema ${response.schema ?? "(unnamed)"}`);
        continue;
      }
      if (status !== "5XX" && (code === undefined || !kindOfStatus(code))) {
        problems.push(`${where}: the client cannot infer what this status means (add it to statusMeanings in src/http.ts, with its RFC)`);
      }
      if (response.schema === null && response.mediaTypes.length > 0) problems.push(`${where}: its body has no named component schema to validate with`);
      if (response.schema !== null && !(response.schema in validatorsOf[role as keyof typeof validatorsOf])) {
        problems.push(`${where}: the client has no validator for schema ${response.schema}`);
      }
    }
  }
  return problems;
}

const spec = JSON.parse(await readFile(new URL("../../../generated/openapi.json", import.meta.url), "utf8")) as Spec;
const loginModel = (JSON.parse(await readFile(new URL("../../../generated/operations.json", import.meta.url), "utf8")) as OperationsModel).operations.login;
/** A copy of the bundled spec with `status` documented for the login, as `responseRef`. */
function withLoginStatus(status: string, responseRef: string): Spec {
  const copy = structuredClone(spec) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  const { pathTemplate, method } = loginModel;
  copy.paths[pathTemplate]![method.toLowerCase()]!.responses[status] = { $ref: `#/components/responses/${responseRef}` };
  return copy as unknown as Spec;
}

describe("the spec's documented statuses", () => {
  it("generated/client-responses.js is the spec's documented responses (npm run generate keeps it so)", () => {
    expect(generatedResponses).toEqual(documentedResponses(spec));
  });

  it("every status the spec documents for the operations the client calls (login, token, revoke, MFA challenge) has a kind the client infers", () => {
    expect(unknownsIn(spec)).toEqual([]);
  });

  it("fails, naming it, on a spec documenting a status whose meaning the code cannot infer", () => {
    expect(unknownsIn(withLoginStatus("409", "Forbidden"))).toEqual([
      "login 409: the client cannot infer what this status means (add it to statusMeanings in src/http.ts, with its RFC)",
    ]);
    expect(unknownsIn(withLoginStatus("4XX", "Forbidden"))).toHaveLength(1);
    expect(unknownsIn(withLoginStatus("default", "Forbidden"))).toHaveLength(1);
    expect(unknownsIn(withLoginStatus("201", "BadRequest"))).toEqual(["login 201: a success the client reads must be an AccessToken, not Error"]);
    expect(unknownsIn(withLoginStatus("422", "MfaChallengeSuccess"))).toEqual(["login 422: the client has no validator for schema MfaChallenge"]);
    expect(unknownsIn(withLoginStatus("422", "BadRequest"))).toEqual([]);
  });
});

// A status the client reads as a bad request that the login does not document today (422 while the spec
// documents only 400; else 413, 415, ...), from the generated model: the model's invalid-request codes first.
const model = JSON.parse(await readFile(new URL("../../../generated/operations.json", import.meta.url), "utf8")) as OperationsModel;
const badRequestCodes = [...model.meanings.invalid_request.codes, ...Object.keys(statusMeanings).map(Number)].filter(
  (code) => kindOfStatus(code) === "bad_request",
);
const undocumented = badRequestCodes.find((code) => !model.operations.login.responses.some((r) => r.code === code));
const needsUndocumented = () => {
  if (undocumented === undefined)
    throw new Error(
      "the login documents every status the client reads as a bad request: this test needs one it does not (update test/client/login/statuses.test.ts)",
    );
  return undocumented;
};

describe(`a spec change documenting ${undocumented ?? "a new invalid-request status"} gives a typed kind, with no edit to src/`, () => {
  let work: string;
  let server: LoginServer;
  /** src/index.ts bundled with the generated/client-responses.js of `specFile`. */
  async function clientFor(specFile: string): Promise<typeof import("../../../src/index.ts")> {
    const responsesJs = (await generateAll(specFile)).get("client-responses.js")!;
    const responsesFile = path.join(work, `client-responses-${Math.random().toString(36).slice(2)}.js`);
    await writeFile(responsesFile, responsesJs);
    const result = await build({
      entryPoints: [fileURLToPath(new URL("../../../src/index.ts", import.meta.url))],
      bundle: true,
      format: "esm",
      platform: "neutral",
      write: false,
      plugins: [{ name: "spec-copy", setup: (b) => b.onResolve({ filter: /generated\/client-responses\.js$/ }, () => ({ path: responsesFile })) }],
    });
    const file = path.join(work, `index-${Math.random().toString(36).slice(2)}.mjs`);
    await writeFile(file, result.outputFiles[0]!.contents);
    return (await import(pathToFileURL(file).href)) as typeof import("../../../src/index.ts");
  }

  beforeAll(async () => {
    work = await mkdtemp(path.join(tmpdir(), "login-kit-statuses-"));
    server = await startLoginServer();
    server.login = (_req, res) => sendJson(res, needsUndocumented(), errorBody("UNPROCESSABLE", "The email is not a valid address"));
  });
  afterAll(async () => {
    await server.close();
    await rm(work, { recursive: true, force: true });
  });

  const login = async (entry: typeof import("../../../src/index.ts")) => {
    const client = entry.createLoginClient({ accountId: "T12345678", auth: { accessToken: "provided-bearer" }, baseUrl: server.baseUrl });
    return client
      .login({ type: "customer", email: "a@example.com", password: "fake-password-1" })
      .catch((e: unknown) => e as InstanceType<typeof entry.LoginError>);
  };

  it("today's spec does not document it: contract_violation", async () => {
    const error = await login(await clientFor(specPath()));
    expect(error).toMatchObject({ kind: "contract_violation", status: needsUndocumented() });
  });

  it("a copy documenting it (as BadRequest): bad_request, with the server's code and message", async () => {
    const code = needsUndocumented();
    // A copy of the bundled spec (one file, nothing left to resolve) with the status documented on the login.
    const copy = path.join(work, "openapi.json");
    await writeFile(copy, JSON.stringify(withLoginStatus(String(code), "BadRequest")));
    const error = await login(await clientFor(copy));
    expect(error).toMatchObject({ kind: "bad_request", status: code, code: "UNPROCESSABLE" });
    expect((error as Error).message).toBe(`login was rejected as a bad request (${code}): The email is not a valid address (request-id req-0123456789abcdef)`);
  });
});
