// The request bodies cases send (known-good, made-up identities) and why a mock cannot judge some cases.
import fc from "fast-check";
import { secretFieldNames } from "./request-fields.ts";
import { shapedLike } from "./shaped-like.ts";
import type { SpecModel } from "./spec.ts";
import type { Identity, SuiteConfig } from "./types.ts";

export const MOCK_NO_USER_STORE = "a mock has no user store: Prism answers every well-formed request with the spec's example, whatever the credentials";
export const MOCK_NO_TOKEN_CHECK = "Prism checks that a bearer is present, not that it is well-formed or that the server issued it";
export const MOCK_NO_AUTH_SEMANTICS = "Prism does not check whose bearer it is, for which account or audience: it answers the spec's example";

/** An identity's fields with every identifying value made up in the same shape (ident_type kept). */
export function madeUpFields(identity: Identity, seed: number): Record<string, string> {
  return Object.fromEntries(
    Object.entries(identity.fields).map(([k, v], i) => [k, k === "ident_type" ? v : fc.sample(shapedLike(v), { seed: seed + 500 + i, numRuns: 1 })[0]!]),
  );
}

export function loginBody(spec: SpecModel, config: SuiteConfig, identity: Identity, password = identity.password): Record<string, unknown> {
  const [secret] = [...secretFieldNames(spec.operations.login.requestSchema)];
  return { audience: config.audience, type: config.loginType, ...identity.fields, [secret!]: password };
}

export function tokenBody(spec: SpecModel, config: SuiteConfig): Record<string, unknown> {
  const example = Object.values(spec.operations.token.requestExamples)[0] as Record<string, unknown>;
  return { ...example, audience: config.audience };
}

/** The audience of another account: the configured audience with the account id swapped. */
export function audienceFor(config: SuiteConfig, accountId: string): string {
  return config.audience.includes(config.accountId)
    ? config.audience.split(config.accountId).join(accountId)
    : `https://api.dintero.com/v1/accounts/${accountId}`;
}
