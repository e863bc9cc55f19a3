// Cases across exchanges (whose token opens what, for which account and identity) and unsupported methods.
import type { Case } from "./case-types.ts";
import { audienceFor, loginBody, MOCK_NO_AUTH_SEMANTICS, MOCK_NO_TOKEN_CHECK, MOCK_NO_USER_STORE, tokenBody } from "./case-bodies.ts";
import { collectProperties, type Schema } from "./mutations.ts";
import type { SpecModel } from "./spec.ts";
import type { SuiteConfig } from "./types.ts";

/** Auth semantics across exchanges: whose token opens what, for which account, with which identity.
 * Each sends one request; against a mock they are reported not applicable. */
export function semanticCases(spec: SpecModel, config: SuiteConfig, good: Record<string, unknown>): Case[] {
  const mock = config.target.kind === "mock";
  const cases: Case[] = [];
  cases.push({
    id: "login.scope.customer_token_as_bearer",
    group: "semantics",
    operation: "login",
    title: "the customer token from the known-good login as the bearer of a login",
    auth: { bearerFrom: "customerToken" },
    needs: ["customerToken"],
    body: good,
    expect: { kind: "scope_rejection", rule: "a customer token never opens a merchant operation" },
    ...(mock ? { notApplicable: MOCK_NO_TOKEN_CHECK } : {}),
  });
  const otherAudience = audienceFor(config, config.otherAccountId);
  const naIsolation = mock ? { notApplicable: MOCK_NO_AUTH_SEMANTICS } : {};
  cases.push({
    id: "login.isolation.other_account_path",
    group: "semantics",
    operation: "login",
    title: `the client bearer on another account's login path (${config.otherAccountId}, audience to match)`,
    aid: config.otherAccountId,
    auth: "bearer",
    body: { ...good, audience: otherAudience },
    expect: { kind: "isolation_rejection", rule: "the client bearer opens only its own account" },
    ...naIsolation,
  });
  // One rule per case: with this account's audience, only a comparison of the bearer's account with the
  // path can refuse it; a server that checks the audience correctly cannot hide a path it never checks.
  cases.push({
    id: "login.isolation.other_account_path_own_audience",
    group: "semantics",
    operation: "login",
    title: `the client bearer on another account's login path (${config.otherAccountId}), with this account's audience`,
    aid: config.otherAccountId,
    auth: "bearer",
    body: good,
    expect: { kind: "isolation_rejection", rule: "the client bearer opens only its own account, whatever the body says" },
    ...naIsolation,
  });
  cases.push({
    id: "login.isolation.other_audience",
    group: "semantics",
    operation: "login",
    title: `a login whose audience is another account's (${config.otherAccountId})`,
    auth: "bearer",
    body: { ...good, audience: otherAudience },
    expect: { kind: "isolation_rejection", rule: "the audience must be a grant associated with the client" },
    ...naIsolation,
  });

  // The same account number in the other environment (T test, P production: the aid's description): a server
  // that compares the bearer's account, or the audience, by its digits alone serves it. With its own audience,
  // so that either comparison, made by the number only, lets it in.
  const twin = twinAccount(spec, config, "login", "aid");
  cases.push({
    id: "login.isolation.other_environment",
    group: "semantics",
    operation: "login",
    title: `the client bearer on the login path of this account's number in another environment (${twin.id ?? "none"}, audience to match)`,
    ...(twin.id ? { aid: twin.id, body: { ...good, audience: audienceFor(config, twin.id) } } : { body: good }),
    auth: "bearer",
    expect: { kind: "isolation_rejection", rule: "the client bearer opens only its own account, not the same number in another environment" },
    ...(mock ? naIsolation : twin.notApplicable ? { notApplicable: twin.notApplicable } : {}),
  });

  if (config.auth.kind === "client_credentials") {
    // The token endpoint must not issue a token for an audience that is not a grant of the client.
    // The token path's account, alone and together with the audience: a client's credentials open only
    // the token endpoint of its own account, whichever audience the body names.
    cases.push({
      id: "token.isolation.other_account_path_own_audience",
      group: "semantics",
      operation: "token",
      title: `a client-credentials token request on another account's token path (${config.otherAccountId}), with this account's audience`,
      aid: config.otherAccountId,
      auth: "basic",
      body: tokenBody(spec, config),
      expect: { kind: "isolation_rejection", rule: "client credentials open only their own account's token endpoint" },
      ...naIsolation,
    });
    cases.push({
      id: "token.isolation.other_account_path",
      group: "semantics",
      operation: "token",
      title: `a client-credentials token request on another account's token path (${config.otherAccountId}), audience to match`,
      aid: config.otherAccountId,
      auth: "basic",
      body: { ...tokenBody(spec, config), audience: otherAudience },
      expect: { kind: "isolation_rejection", rule: "client credentials open only their own account's token endpoint" },
      ...naIsolation,
    });
    cases.push({
      id: "token.isolation.other_audience",
      group: "semantics",
      operation: "token",
      title: `a client-credentials token request whose audience is another account's (${config.otherAccountId})`,
      auth: "basic",
      body: { ...tokenBody(spec, config), audience: otherAudience },
      expect: { kind: "isolation_rejection", rule: "the audience must be a grant associated with the client" },
      ...naIsolation,
    });
    const tokenTwin = twinAccount(spec, config, "token", "oid");
    cases.push({
      id: "token.isolation.other_environment",
      group: "semantics",
      operation: "token",
      title: `a client-credentials token request on the token path of this account's number in another environment (${tokenTwin.id ?? "none"}), its audience`,
      ...(tokenTwin.id
        ? { aid: tokenTwin.id, body: { ...tokenBody(spec, config), audience: audienceFor(config, tokenTwin.id) } }
        : { body: tokenBody(spec, config) }),
      auth: "basic",
      expect: {
        kind: "isolation_rejection",
        rule: "client credentials open only their own account's token endpoint, not the same number in another environment",
      },
      ...(mock ? naIsolation : tokenTwin.notApplicable ? { notApplicable: tokenTwin.notApplicable } : {}),
    });
  }

  const props = collectProperties(spec.operations.login.requestSchema as Schema);
  // "user type to login, required as users with different type can share email": the known identity,
  // its right password, another user type. A login attempt with the right password: no lockout risk.
  const userTypes = ((props.get("type")?.enum ?? []) as unknown[]).filter((t) => t !== config.loginType);
  for (const identity of config.identities) {
    for (const other of userTypes) {
      cases.push({
        id: `login.identity.${identity.label}_as_type_${String(other)}`,
        group: "semantics",
        operation: "login",
        title: `the known ${identity.label} identity as user type ${String(other)}, with its right password`,
        auth: "bearer",
        body: { ...loginBody(spec, config, identity), type: other },
        expect: { kind: "identity_rejection", rule: `a user logs in only as its own type (${config.loginType})`, userType: true },
        ...(mock ? { notApplicable: MOCK_NO_USER_STORE } : {}),
      });
    }
  }

  const identTypes = (props.get("ident_type")?.enum ?? []) as string[];
  for (const identity of config.identities) {
    // The identity's own ident_type: its ident_type field, or the name of its field (email) when that
    // is one of the ident_type values. Every other value names the same string as something it is not.
    const [field, value] = Object.entries(identity.fields).find(([k]) => k !== "ident_type") ?? [];
    const own = identity.fields.ident_type ?? field;
    if (value === undefined) continue;
    for (const other of identTypes.filter((t) => t !== own)) {
      const body = loginBody(spec, config, { ...identity, fields: { ident_type: other, ident: value } });
      cases.push({
        id: `login.identity.${identity.label}_as_${other}`,
        group: "semantics",
        operation: "login",
        title: `the known ${identity.label} identity sent as ident_type ${other}, with its right password`,
        auth: "bearer",
        body,
        expect: { kind: "identity_rejection", rule: `an identity logs in only as its own ident_type (${own})` },
        ...(mock ? { notApplicable: MOCK_NO_USER_STORE } : {}),
      });
    }
  }
  return cases;
}

/**
 * The same account in another environment: the same digits under another prefix the spec's account id schema
 * accepts (T12345678 -> P12345678, where T accounts are test and P production), one prefix character changed
 * at a time to each ASCII letter (its own in the other case is the same account, not a twin). The schema
 * decides which letters, not a pair written here; the first it accepts is the twin. Undefined when it accepts none.
 */
export function deriveTwinAccountId(accountId: string, isValid: (v: unknown) => boolean): string | undefined {
  const m = /^(\D+)(\d+)$/.exec(accountId);
  if (!m) return undefined;
  const [, prefix, digits] = m as unknown as [string, string, string];
  for (let i = 0; i < prefix.length; i++) {
    for (const letter of LETTERS) {
      if (letter.toLowerCase() === prefix[i]!.toLowerCase()) continue;
      const twin = `${prefix.slice(0, i)}${letter}${prefix.slice(i + 1)}${digits}`;
      if (isValid(twin)) return twin;
    }
  }
  return undefined;
}
const LETTERS = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"];

/** This account's twin for an operation's path parameter, or why its case cannot be sent. */
function twinAccount(spec: SpecModel, config: SuiteConfig, op: "login" | "token", param: string): { id?: string; notApplicable?: string } {
  const schema = spec.operations[op].pathParams.get(param)?.schema;
  const id = schema ? deriveTwinAccountId(config.accountId, spec.validator(schema)) : undefined;
  if (!id) return { notApplicable: `the spec's ${param} schema accepts no other prefix before this account's digits (${config.accountId})` };
  if (id === config.otherAccountId) return { notApplicable: `DINTERO_OTHER_ACCOUNT_ID is ${id}, this account's twin: the other-account cases send it already` };
  return { id };
}

/** Methods no documented path serves: each is sent once per path with the known-good headers and body. */
export const UNSUPPORTED_METHODS = ["GET", "PUT", "PATCH", "DELETE"];

export function methodCases(spec: SpecModel, config: SuiteConfig, good: Record<string, unknown>): Case[] {
  const cases: Case[] = [];
  for (const op of Object.values(spec.operations)) {
    if (op.key === "token" && config.auth.kind !== "client_credentials") continue;
    // The login's known-good body carries the test identity (it counts toward its budget); the token
    // request's is the configured client's; any other operation sends its first documented example.
    const body = op.key === "login" ? good : op.key === "token" ? tokenBody(spec, config) : (Object.values(op.requestExamples)[0] ?? {});
    const documented = spec.methodsOf(op.pathTemplate);
    for (const method of UNSUPPORTED_METHODS.filter((m) => !documented.includes(m))) {
      cases.push({
        id: `${op.key}.method.${method.toLowerCase()}`,
        group: "methods",
        operation: op.key,
        method,
        title: `${method} ${op.pathTemplate} (documented: ${documented.join(", ")})`,
        auth: op.key === "token" ? "basic" : "bearer",
        body,
        expect: { kind: "method_rejection", rule: `${method} is not a documented method of ${op.pathTemplate}` },
      });
    }
  }
  return cases;
}
