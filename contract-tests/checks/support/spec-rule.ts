// The source (and severity) of a spec rule at a JSON pointer, from the spec's provenance.
import { curatedOnlyAlong, provenanceAt } from "../../../lib/provenance.ts";
import type { Json } from "../../spec.ts";
import type { Finding } from "../check.ts";

/** Why a finding under a node only this project states is advisory (see specRule). */
export const CURATED_ONLY_REASON = "this project's rule alone (x-curated, no Dintero page): it is not Dintero's contract, and no standard says it";

/**
 * The source of a spec rule at a JSON pointer (a schema path appended works too): the pointer, and the
 * x-source pages / x-curated reason of its nearest annotated node (lib/provenance.ts follows $refs).
 * A rule under a node that is this project's decision alone (x-curated, no x-source: e.g. the login's 429
 * and its headers) is not Dintero's contract: such a finding is advisory, whatever its check's severity.
 */
export function specRule(doc: Json, pointer: string): Pick<Finding, "source" | "severity" | "severityReason"> {
  const p = provenanceAt(doc, pointer);
  const curatedOnly = curatedOnlyAlong(doc, pointer);
  if (!p) return { source: { ref: pointer } };
  const documented = p.sources.length ? `; documented by Dintero: ${p.sources.join(", ")}` : "";
  const curated = p.curated ? `; curated by this project: ${p.curated}` : "";
  const under = curatedOnly && curatedOnly.pointer !== p.pointer ? `; under #${curatedOnly.pointer}, this project's rule alone: ${curatedOnly.curated}` : "";
  const url = p.sources.find((u) => /^https?:\/\//.test(u));
  const source = { ref: `${pointer} (rule at #${p.pointer}${documented}${curated}${under})`, ...(url ? { url } : {}) };
  return curatedOnly ? { source, severity: "advisory", severityReason: CURATED_ONLY_REASON } : { source };
}
