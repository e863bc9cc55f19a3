// encoding: a JSON body is UTF-8 without a BOM, and a response has one Content-Type line.
import { isJsonMediaType, mediaTypeOf } from "../spec.ts";
import { defineCheck, type Found } from "./check.ts";
import { fetchMediaType, firstInvalidUtf8 } from "./support/encoding.ts";
import { answered } from "./support/exchange.ts";
import { rfc } from "./support/sources.ts";

export const encoding = defineCheck({
  name: "encoding",
  severity: "standard",
  severityReason:
    "a correct consumer reads something else than the server sent: invalid UTF-8 becomes U+FFFD in a " +
    "Fetch client's text() and json() without an error, and Content-Type lines that a Fetch client reads " +
    "as another media type break its parse; advisory: repeated lines it reads as the same media type",
  source: rfc(8259, "8.1", "JSON exchanged between systems MUST be UTF-8"),
  catches: "a JSON body that is not valid UTF-8, or a response with more than one Content-Type header line",
  judges: [],
  appliesTo: answered,
  run(ex, ctx) {
    const res = ex.response!;
    const findings: Found[] = [];
    const types = res.rawHeaders.filter(([k]) => k.toLowerCase() === "content-type").map(([, v]) => v);
    if (types.length > 1) {
      // Standard when a Fetch client reads another media type than the first line says, or one the
      // operation does not document; lines that only repeat each other (same media type) are advisory.
      const seen = fetchMediaType(res.headers["content-type"] ?? "");
      const first = mediaTypeOf(types[0]);
      const documented = new Set([
        ...(ctx.op.responses.get(res.status) ?? { content: new Map() }).content.keys(),
        ...(ctx.op.responses.has(res.status) ? [] : [...ctx.op.responses.values()].flatMap((r) => [...r.content.keys()])),
      ]);
      const misread = seen !== first || seen === undefined || (documented.size > 0 && !documented.has(seen));
      findings.push({
        ...(misread
          ? {}
          : {
              severity: "advisory" as const,
              severityReason: "every Fetch client reads the media type the first line says: the repeat breaks RFC 9110 §5.3 and harms no one",
            }),
        rule: "exactly one Content-Type (a singleton field)",
        pointer: "content-type (header)",
        expected: "one Content-Type header line",
        actual: `${types.length} lines: ${types.map((t) => JSON.stringify(t)).join(", ")}`,
        message:
          `${types.length} Content-Type header lines; a Fetch client sees one value, ` +
          `${JSON.stringify(res.headers["content-type"])}, and reads its media type as ` +
          `${seen ?? "none"}${misread ? "" : ", the same as the first line"}`,
        source: rfc(9110, "5.3", "a sender MUST NOT repeat a field that is not a list"),
      });
    }
    if (
      types.some((t) => {
        const m = mediaTypeOf(t);
        return m !== undefined && isJsonMediaType(m);
      })
    ) {
      // RFC 8259 §8.1: no byte order mark. Fetch's text() drops it, but JSON.parse of the bytes as UTF-8
      // (Node's Buffer, Python's json.loads on a str) fails on it.
      if (res.bodyBytes[0] === 0xef && res.bodyBytes[1] === 0xbb && res.bodyBytes[2] === 0xbf) {
        findings.push({
          rule: "no byte order mark before JSON",
          pointer: "",
          expected: "a body starting with the JSON text",
          actual: "EF BB BF",
          message: "the JSON body starts with a UTF-8 byte order mark, which JSON.parse of the decoded bytes rejects",
          source: rfc(8259, "8.1", "implementations MUST NOT add a byte order mark"),
        });
      }
      const at = firstInvalidUtf8(res.bodyBytes);
      if (at >= 0) {
        findings.push({
          rule: "a JSON body is UTF-8",
          pointer: "",
          expected: "valid UTF-8",
          actual: `invalid byte 0x${res.bodyBytes[at]?.toString(16).padStart(2, "0")} at offset ${at}`,
          message: `the JSON body is not valid UTF-8 (offset ${at}); a Fetch client's text() and json() silently read U+FFFD there`,
        });
      }
    }
    return findings;
  },
});
