// Where the session's tokens travel in request bodies, read from the model: the token request's
// discriminator, the grant values of its refresh variant, the property that carries the refresh token, and
// the revoke request's property that names the token to revoke (the spec's examples show it: the same
// example value in both). Used by the lifecycle cases and by the passive modes' cross-exchange rules.
import type { Json, SpecModel } from "./spec.ts";

export interface SessionFields {
  /** The token request's discriminator (`grant_type`). */
  discriminator: string;
  /** The discriminator's values that select the refresh grant. */
  refreshGrants: readonly string[];
  /** The refresh grant's property carrying the refresh token. */
  refreshField: string;
  /** The revoke request's property naming the token to revoke. */
  revokeField: string;
}

/** One branch of the token request's discriminated oneOf, as the model holds it. */
export interface Variant {
  values: readonly string[];
  examples: Readonly<Record<string, unknown>>;
  security: ReadonlyArray<{ scheme?: string }>;
  schema: Json;
}

/** The token request's variant selected by a grant_type value (the model's discriminator branches). */
export function grantVariant(spec: SpecModel, grant: string): Variant {
  const media = spec.operations.token.model.request?.content[0];
  const found = media?.discriminator?.variants.find((v) => v.values.includes(grant));
  if (!found) throw new Error(`the token request documents no ${grant} grant (generated/operations.json)`);
  return found as unknown as Variant;
}

/** A copy of the first of an operation's or variant's examples. */
export const firstExample = (examples: Readonly<Record<string, unknown>>) => ({ ...(Object.values(examples)[0] as Json) });

/** The property of `body` whose example value is `value` (how two operations' examples name the same token). */
export function propertyHolding(body: Json, value: unknown, what: string): string {
  const key = Object.keys(body).find((k) => body[k] === value);
  if (!key) throw new Error(`the spec's examples do not show where ${what} goes (no property with the same example value)`);
  return key;
}

/** The session's token fields; throws, naming what is missing, when the spec's model does not show them. */
export function sessionFields(spec: SpecModel): SessionFields {
  const refresh = grantVariant(spec, "refresh_token");
  const refreshExample = firstExample(refresh.examples);
  const discriminator = spec.operations.token.model.request!.content[0]!.discriminator!.propertyName;
  const refreshField = Object.keys(refreshExample).find((k) => k !== discriminator);
  if (!refreshField) throw new Error("the spec's refresh grant example shows no property beside its grant_type");
  const revokeExample = firstExample(spec.operations.revoke.requestExamples);
  const revokeField = propertyHolding(revokeExample, refreshExample[refreshField], "a refresh token in the revoke request");
  return { discriminator, refreshGrants: refresh.values, refreshField, revokeField };
}
