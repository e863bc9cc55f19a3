// www_authenticate: a 401 carries a WWW-Authenticate challenge.
import { rfc } from "./support/sources.ts";
import { statusCarriesHeader } from "./support/status-carries-header.ts";

export const wwwAuthenticate = statusCarriesHeader({
  name: "www_authenticate",
  status: 401,
  header: "www-authenticate",
  shown: "WWW-Authenticate",
  nonEmpty: true,
  severityReason:
    "a consumer still sees the 401; without the challenge it cannot tell a refused bearer (RFC 6750 " +
    "invalid_token) from refused customer credentials, and this project's client then bounds its bearer " +
    "refreshes instead of replacing the bearer at once",
  source: rfc(9110, "11.6.1", "a server generating a 401 MUST send a WWW-Authenticate header field with at least one challenge"),
  catches: "a 401 answer without a WWW-Authenticate challenge",
  mockReason: "the spec documents no WWW-Authenticate header, so a mock of it cannot send one",
  expected: 'WWW-Authenticate: <challenge>, e.g. Bearer error="invalid_token"',
});
