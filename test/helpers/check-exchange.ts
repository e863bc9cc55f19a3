// One recorded exchange and the context a check judges it in, for unit tests of a single check: a POST to
// `url` answered `status` with `bodyText` (header lines: `rawHeaders`, else those of `headers`).
import type { Case } from "../../contract-tests/case-types.ts";
import type { CheckContext } from "../../contract-tests/checks/check.ts";
import type { Exchange } from "../../contract-tests/http.ts";

export function recordedExchange(answer: {
  caseId: string;
  url: string;
  status: number;
  bodyText: string;
  headers: Record<string, string>;
  rawHeaders?: Array<[string, string]>;
}): Exchange {
  const { caseId, url, status, bodyText, headers } = answer;
  return {
    id: 1,
    caseId,
    request: { method: "POST", url, headers: {} },
    response: { status, headers, rawHeaders: answer.rawHeaders ?? Object.entries(headers), bodyText, bodyBytes: Buffer.from(bodyText), receivedAt: 0 },
    durationMs: 1,
    rateLimited: [],
  } as unknown as Exchange;
}

/** The context of one check's run on one exchange: no earlier exchange, the case as given. */
export function checkContext(fields: Omit<CheckContext, "kase" | "earlier"> & { kase: Record<string, unknown> }): CheckContext {
  return { ...fields, kase: fields.kase as unknown as Case, earlier: () => undefined } as CheckContext;
}
