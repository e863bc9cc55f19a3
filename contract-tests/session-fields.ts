// Where the session's tokens travel in request bodies, read from the model: the token request's
// discriminator, the grant values of its refresh variant, the property that carries the refresh token, and
// the revoke request's property that names the token to revoke (the spec's examples show it: the same
// example value in both). Used by the lifecycle cases and by the passive modes' cross-exchange rules.
import { grantVariant } from "./lifecycle-cases.ts";
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

const firstExample = (examples: Readonly<Record<string, unknown>>) => ({ ...(Object.values(examples)[0] as Json) });

/** The session's token fields; throws, naming what is missing, when the spec's model does not show them. */
export function sessionFields(spec: SpecModel): SessionFields {
  const refresh = grantVariant(spec, "refresh_token");
  const refreshExample = firstExample(refresh.examples);
  const discriminator = spec.operations.token.model.request!.content[0]!.discriminator!.propertyName;
  const refreshField = Object.keys(refreshExample).find((k) => k !== discriminator);
  if (!refreshField) throw new Error("the spec's refresh grant example shows no property beside its grant_type");
  const revokeExample = firstExample(spec.operations.revoke.requestExamples);
  const revokeField = Object.keys(revokeExample).find((k) => revokeExample[k] === refreshExample[refreshField]);
  if (!revokeField)
    throw new Error("the spec's examples do not show where a refresh token goes in the revoke request (no property with the same example value)");
  return { discriminator, refreshGrants: refresh.values, refreshField, revokeField };
}
