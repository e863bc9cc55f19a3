// The token request's grant as the model describes it (its discriminated variant), read from a request.
import type { Exchange } from "../../http.ts";
import type { SpecModel } from "../../spec.ts";

/** The token request's variant that the request's grant_type selects, or undefined (no JSON, no grant). */
export function requestGrant(ex: Exchange, spec: SpecModel): { values: readonly string[]; scheme: string | undefined } | undefined {
  const media = spec.operations.token.model.request?.content[0];
  const d = media?.discriminator;
  if (!d) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(ex.request.body ?? "");
  } catch {
    return undefined;
  }
  const value = body && typeof body === "object" ? (body as Record<string, unknown>)[d.propertyName] : undefined;
  const variant = typeof value === "string" ? d.variants.find((v) => v.values.includes(value)) : undefined;
  return variant ? { values: variant.values, scheme: variant.security[0]?.scheme } : undefined;
}
