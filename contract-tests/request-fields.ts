// The request fields the spec gives a role: identity fields (the either/or rule) and secrets (writeOnly).
import type { SpecModel } from "./spec.ts";

/** The identity fields of a body: those the spec's either/or rule (anyOf) requires. */
export function identityFieldNames(spec: SpecModel): string[] {
  const names = new Set<string>();
  const walk = (s: unknown) => {
    if (!s || typeof s !== "object") return;
    const o = s as Record<string, unknown>;
    if (Array.isArray(o.anyOf)) for (const b of o.anyOf) for (const r of (b as { required?: string[] }).required ?? []) names.add(r);
    if (Array.isArray(o.allOf)) o.allOf.forEach(walk);
  };
  walk(spec.operations.login.requestSchema);
  return [...names];
}

/** The property the spec marks writeOnly: the secret of the login body (password). */
export function secretFieldNames(schema: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (s: unknown) => {
    if (!s || typeof s !== "object") return;
    const o = s as Record<string, unknown>;
    for (const [k, v] of Object.entries((o.properties ?? {}) as Record<string, { writeOnly?: boolean }>)) if (v?.writeOnly) out.add(k);
    for (const key of ["allOf", "anyOf", "oneOf"]) if (Array.isArray(o[key])) (o[key] as unknown[]).forEach(walk);
  };
  walk(schema);
  return out;
}
