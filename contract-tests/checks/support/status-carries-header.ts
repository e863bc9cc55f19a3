// The factory of checks that every answer of one status carries a header.
import { type Check, defineCheck } from "../check.ts";
import type { CheckName } from "../names.ts";
import type { Source } from "./sources.ts";

/** An advisory check that every answer of one status carries a header (live targets only). */
export function statusCarriesHeader(spec: {
  name: CheckName;
  status: number;
  header: string;
  shown: string;
  nonEmpty: boolean;
  severityReason: string;
  source: Source;
  catches: string;
  mockReason: string;
  expected: string;
}): Check {
  const shown = spec.shown;
  return defineCheck({
    name: spec.name,
    severity: "advisory",
    severityReason: spec.severityReason,
    source: spec.source,
    catches: spec.catches,
    judges: [],
    notApplicableTo: (config) => (config.target.kind === "mock" ? spec.mockReason : undefined),
    appliesTo: (ex, ctx) => ctx.config.target.kind !== "mock" && ex.response?.status === spec.status,
    run(ex) {
      if (ex.response!.rawHeaders.some(([k, v]) => k.toLowerCase() === spec.header && (!spec.nonEmpty || v.trim() !== ""))) return [];
      return [
        {
          rule: `${spec.status} carries ${shown}`,
          pointer: `${spec.header} (header)`,
          expected: spec.expected,
          actual: "(none)",
          message: `${ex.request.method} answered ${spec.status} without ${shown}`,
        },
      ];
    },
  });
}
