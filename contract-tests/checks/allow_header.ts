// allow_header: a 405 carries Allow.
import { rfc } from "./support/sources.ts";
import { statusCarriesHeader } from "./support/status-carries-header.ts";

export const allowHeader = statusCarriesHeader({
  name: "allow_header",
  status: 405,
  header: "allow",
  shown: "Allow",
  nonEmpty: false, // an empty Allow is valid: the resource allows no method (RFC 9110 §10.2.1)
  severityReason: "the refusal is right without Allow; a consumer only loses the hint which method to use, and a correct consumer already uses POST",
  source: rfc(9110, "15.5.6", "a 405 response MUST carry Allow"),
  catches: "a 405 answer without an Allow header listing the path's methods",
  // Prism answers undocumented methods itself (405, no Allow): that is Prism's behaviour, not the spec's.
  mockReason: "a mock's 405 is the mock tool's own answer: the spec says nothing about it",
  expected: "Allow: <the path's methods>",
});
