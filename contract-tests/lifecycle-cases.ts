// The session after login, as cases: refresh (bound to its client), revoke (then refused, without telling
// whether a token existed) and MFA (wrong codes refused and bounded, an mfa_token single-use and expiring).
// The bodies, their grants and which credentials each grant takes come from the model (the token request's
// discriminated variants and their x-grant-security), never from a hand-written path or body.
import { randomBytes } from "node:crypto";
import type { Capture, Case, MfaFlow } from "./case-types.ts";
import { MOCK_NO_TOKEN_CHECK, MOCK_NO_USER_STORE, tokenBody } from "./case-bodies.ts";
import { loginBody } from "./case-bodies.ts";
import { firstExample, grantVariant, propertyHolding, sessionFields, type Variant } from "./session-fields.ts";
import type { Json, SpecModel } from "./spec.ts";
import type { SuiteConfig, TargetControl } from "./types.ts";

/** The suite's own bound on the wrong binding codes it sends to one mfa_token (OWASP: a server must bound
 * them; the suite must not become the brute force it looks for). */
export const WRONG_CODES_SENT = 5;
/** How far the suite moves a controllable clock to judge an mfa_token's expiry: an hour, far past what a
 * customer needs to type a code (Dintero publishes no lifetime), and within the client bearer's life (the
 * MFA grant is sent with the bearer the run already holds: a token issued after the move would carry the
 * moved clock's iat). */
export const CLOCK_STEP_S = 60 * 60;

export const NO_OTHER_CLIENT =
  "no other client of the account is configured (DINTERO_OTHER_CLIENT_ID and DINTERO_OTHER_CLIENT_SECRET): " +
  "whether another client's bearer can use this client's refresh token cannot be judged";
export const NO_MFA_USER = "no test user with MFA is configured (DINTERO_MFA_LOGIN_EMAIL and DINTERO_MFA_LOGIN_PASSWORD): the MFA flow cannot be started";
export const NO_CODE_READER =
  "the binding code reaches the customer by SMS or email, which the suite cannot read over HTTP: it is judged " +
  "when the suite runs in-process with a control that reads it (runSuite's control.mfaCode, docs/conformance.md)";
export const NO_CLOCK =
  "the suite cannot move this target's clock, and Dintero publishes no mfa_token lifetime to wait out: expiry is " +
  "judged when the suite runs in-process with a control that moves the clock (runSuite's control.advanceClock)";

/** A grant's credentials, from its x-grant-security: Basic, or the client bearer. */
const grantAuth = (variant: Variant): "basic" | "bearer" => (variant.security.some((s) => s.scheme === "basic") ? "basic" : "bearer");

export function lifecycleCases(spec: SpecModel, config: SuiteConfig, control: TargetControl | undefined): Case[] {
  const mock = config.target.kind === "mock";
  if (config.auth.kind !== "client_credentials") return [];
  const cases: Case[] = [];
  const refresh = grantVariant(spec, "refresh_token");
  const refreshExample = firstExample(refresh.examples);
  const { discriminator, refreshField, revokeField } = sessionFields(spec);
  const revokeExample = firstExample(spec.operations.revoke.requestExamples);
  const madeUp = (prefix: string) => `${prefix}${randomBytes(16).toString("hex")}`;
  const na = (reason: string | undefined) => (reason ? { notApplicable: reason } : {});
  const onMock = mock ? MOCK_NO_TOKEN_CHECK : undefined;
  const refreshAuth = grantAuth(refresh);
  const refreshBody = { ...refreshExample };

  cases.push({
    id: "token.other_client.known_good",
    group: "lifecycle",
    operation: "token",
    title: "client credentials token request of the other configured client",
    auth: "basic",
    otherClient: true,
    body: tokenBody(spec, config),
    expect: { kind: "success" },
    captures: { otherClientBearer: "/access_token" },
    ...na(onMock ?? (config.otherClient ? undefined : NO_OTHER_CLIENT)),
  });
  const customerTokenRule = "a customer token is never the client's bearer";
  /** The customer's own access token as the client's bearer of a session operation (token_scope). */
  const customerTokenAsBearer = (operation: "revoke" | "mfa_challenge", title: string, body: Record<string, unknown>): Case => ({
    id: `${operation}.customer_token_as_bearer`,
    group: "lifecycle",
    operation,
    title,
    auth: { bearerFrom: "customerToken" },
    needs: ["customerToken"],
    body,
    expect: { kind: "scope_rejection", rule: customerTokenRule },
    ...na(onMock),
  });
  const refreshCase = (id: string, title: string, auth: Case["auth"], needs: Capture[], expect: Case["expect"], reason?: string): Case => ({
    id,
    group: "lifecycle",
    operation: "token",
    title,
    auth,
    needs: ["refreshToken", ...needs],
    mayLack: ["refreshToken"],
    body: refreshBody,
    bodyFrom: { [refreshField]: "refreshToken" },
    expect,
    ...na(onMock ?? reason),
  });
  cases.push(
    refreshCase("token.refresh.known_good", "refresh grant with the known-good login's refresh token and the client's own bearer", refreshAuth, [], {
      kind: "success",
    }),
  );
  cases.push(
    refreshCase(
      "token.refresh.other_client",
      "refresh grant with the known-good login's refresh token and another client's bearer",
      { bearerFrom: "otherClientBearer" },
      ["otherClientBearer"],
      { kind: "refresh_binding_rejection", rule: "a refresh token works only with a bearer of the client that created it" },
      config.otherClient ? undefined : NO_OTHER_CLIENT,
    ),
  );
  cases.push(
    refreshCase(
      "token.refresh.customer_token_as_bearer",
      "refresh grant with the customer's own access token as the bearer",
      { bearerFrom: "customerToken" },
      ["customerToken"],
      { kind: "scope_rejection", rule: customerTokenRule },
    ),
  );
  cases.push(
    customerTokenAsBearer("revoke", "revoke with the customer's own access token as the bearer (a made-up token to revoke)", {
      ...revokeExample,
      [revokeField]: madeUp("rt_"),
    }),
  );
  cases.push({
    id: "revoke.known_good",
    group: "lifecycle",
    operation: "revoke",
    title: "revoke of the known-good login's refresh token",
    auth: "bearer",
    needs: ["refreshToken"],
    mayLack: ["refreshToken"],
    body: revokeExample,
    bodyFrom: { [revokeField]: "refreshToken" },
    expect: { kind: "success" },
    ...na(onMock),
  });
  cases.push({
    ...refreshCase("token.refresh.after_revoke", "refresh grant with the refresh token just revoked", refreshAuth, [], {
      kind: "revoked_token_rejection",
      rule: "a revoked refresh token is no credential",
    }),
    presumes: ["revoke.known_good"],
  });
  cases.push({
    id: "revoke.unknown_token",
    group: "lifecycle",
    operation: "revoke",
    title: "revoke of a token the server never issued",
    auth: "bearer",
    // compared with the revoke of the live refresh token: without one there is nothing to compare
    needs: ["refreshToken"],
    mayLack: ["refreshToken"],
    body: { ...revokeExample, [revokeField]: madeUp("rt_") },
    expect: { kind: "revoke_answer", rule: "revoking an unknown token answers as revoking a live one", sameAnswerAs: "revoke.known_good" },
    ...na(onMock),
  });
  cases.push({
    id: "revoke.already_revoked",
    group: "lifecycle",
    operation: "revoke",
    title: "revoke of the refresh token revoked already",
    auth: "bearer",
    needs: ["refreshToken"],
    mayLack: ["refreshToken"],
    body: revokeExample,
    bodyFrom: { [revokeField]: "refreshToken" },
    expect: { kind: "revoke_answer", rule: "revoking a revoked token answers as revoking a live one", sameAnswerAs: "revoke.known_good" },
    ...na(onMock),
  });

  // MFA: each flow starts with a login of its own (an mfa_token is single-use).
  const mfaGrant = grantVariant(spec, "mfa_oob");
  const grantExample = firstExample(mfaGrant.examples);
  // The challenge's example whose channel the MFA test user has (the configured email), else the first.
  const challengeExamples = Object.values(spec.operations.mfa_challenge.requestExamples) as Json[];
  const fields = Object.keys(config.mfaUser?.fields ?? {});
  const challengeExample = { ...(challengeExamples.find((ex) => Object.values(ex).some((v) => fields.includes(String(v)))) ?? challengeExamples[0]!) };
  const tokenField = propertyHolding(challengeExample, grantExample.mfa_token, "the mfa_token in the challenge");
  const grantTokenField = propertyHolding(grantExample, challengeExample[tokenField], "the mfa_token in the MFA grant");
  const required = ((mfaGrant.schema.required as string[] | undefined) ?? Object.keys(grantExample)).filter(
    (k) => k !== discriminator && k !== grantTokenField,
  );
  const challengeAnswer = (spec.operations.mfa_challenge.model.responses.find((r) => r.code === 200)?.content[0]?.schema?.properties ?? {}) as Json;
  const oobField = required.find((k) => k in challengeAnswer);
  const codeField = required.find((k) => k !== oobField);
  if (!oobField || !codeField) throw new Error("the MFA grant's properties cannot be matched with the challenge's answer (generated/operations.json)");
  const mfaAuth = grantAuth(mfaGrant);
  cases.push(
    customerTokenAsBearer("mfa_challenge", "MFA challenge with the customer's own access token as the bearer (a made-up mfa_token)", {
      ...challengeExample,
      [tokenField]: madeUp("mfa_"),
    }),
  );
  const noUser = mock ? MOCK_NO_USER_STORE : config.mfaUser ? undefined : NO_MFA_USER;
  const noCode = noUser ?? (control?.mfaCode ? undefined : NO_CODE_READER);
  const noClock = noCode ?? (control?.advanceClock ? undefined : NO_CLOCK);
  const mfaIdentity = config.mfaUser ? { ...config.mfaUser, label: "email" as const } : undefined;
  const start = (flow: MfaFlow, reason: string | undefined) => {
    cases.push({
      id: `login.mfa.${flow}`,
      group: "lifecycle",
      operation: "login",
      title: `login of the MFA test user (to start the ${flow} flow)`,
      auth: "bearer",
      body: mfaIdentity ? loginBody(spec, config, mfaIdentity) : {},
      expect: { kind: "mfa_required" },
      capturesFromRefusal: true,
      captures: { [`mfaToken.${flow}`]: `/${grantTokenField}` },
      ...na(reason),
    });
    cases.push({
      id: `mfa_challenge.${flow}`,
      group: "lifecycle",
      operation: "mfa_challenge",
      title: `MFA challenge for the ${flow} flow's mfa_token`,
      auth: "bearer",
      needs: [`mfaToken.${flow}`],
      body: challengeExample,
      bodyFrom: { [tokenField]: `mfaToken.${flow}` },
      expect: { kind: "success" },
      captures: { [`oobCode.${flow}`]: `/${oobField}` },
      ...(reason === undefined && control?.mfaCode ? { readsBindingCode: flow } : {}),
      ...na(reason),
    });
  };
  const grantCase = (
    flow: MfaFlow,
    id: string,
    title: string,
    code: string | "right",
    expect: Case["expect"],
    reason: string | undefined,
    extra: Partial<Case> = {},
  ): Case => ({
    id,
    group: "lifecycle",
    operation: "token",
    title,
    auth: mfaAuth,
    needs: [`mfaToken.${flow}`, `oobCode.${flow}`, ...(code === "right" ? [`bindingCode.${flow}` as const] : [])],
    body: code === "right" ? grantExample : { ...grantExample, [codeField]: code },
    bodyFrom: {
      [grantTokenField]: `mfaToken.${flow}`,
      [oobField]: `oobCode.${flow}`,
      ...(code === "right" ? { [codeField]: `bindingCode.${flow}` as const } : {}),
    },
    expect,
    ...extra,
    ...na(reason),
  });

  // Wrong codes, then the right one: a server that bounds the attempts has spent the mfa_token by then.
  start("guesses", noUser);
  const example = String(grantExample[codeField] ?? "000000");
  const wrongCode = (k: number) => {
    const digits = randomBytes(8).readBigUInt64BE().toString().padStart(example.length, "0").slice(-example.length);
    return digits === example ? `${digits.slice(1)}${k}` : digits;
  };
  for (let k = 1; k <= WRONG_CODES_SENT; k++)
    cases.push(
      grantCase(
        "guesses",
        `token.mfa.wrong_code.${k}`,
        `MFA grant with a wrong binding code (${k} of ${WRONG_CODES_SENT})`,
        wrongCode(k),
        {
          kind: "binding_code_rejection",
          rule: "a wrong binding code is no second factor",
        },
        noUser,
      ),
    );
  cases.push(
    grantCase(
      "guesses",
      "token.mfa.right_code_after_wrong_codes",
      `MFA grant with the right binding code after ${WRONG_CODES_SENT} wrong ones`,
      "right",
      {
        kind: "binding_code_rejection",
        rule: "wrong binding codes are bounded: the mfa_token is spent before the right one is found",
        afterWrongCodes: WRONG_CODES_SENT,
      },
      noCode,
    ),
  );
  // Single use: the right code logs in once, never twice.
  start("reuse", noCode);
  cases.push(grantCase("reuse", "token.mfa.known_good", "MFA grant with the right binding code", "right", { kind: "success" }, noCode));
  cases.push(
    grantCase(
      "reuse",
      "token.mfa.reused",
      "the same MFA grant again (the mfa_token has logged in already)",
      "right",
      {
        kind: "mfa_token_rejection",
        rule: "an mfa_token is single-use",
      },
      noCode,
    ),
  );
  // Expiry: the clock moved on an hour (the last case of a run: it sees the moved clock first).
  start("expiry", noClock);
  cases.push(
    grantCase(
      "expiry",
      "token.mfa.expired",
      `MFA grant with the right binding code, ${CLOCK_STEP_S} s after the login by the target's clock`,
      "right",
      { kind: "mfa_token_rejection", rule: "an mfa_token expires" },
      noClock,
      { advancesClock: CLOCK_STEP_S },
    ),
  );
  return cases;
}
