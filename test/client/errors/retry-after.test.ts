// Strict Retry-After (RFC 9110 §10.2.3): delay-seconds and HTTP-dates only, on the login and the token request.
import { describe, expect, it } from "vitest";
import { errorBody, sendJson, type LoginServer } from "../../helpers/login-server.ts";
import { rejection } from "../../helpers/login-error.ts";
import { clientAuth, email, useClientFixture } from "../../helpers/client-fixture.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));

describe("5. strict Retry-After", () => {
  const cases: [string, number | undefined][] = [
    ["7", 7],
    ["0", 0],
    ["1.5", undefined],
    ["5, 7", undefined],
    ["-1", undefined],
    ["+7", undefined],
    ["1e3", undefined],
    ["0x10", undefined],
    ["7 seconds", undefined],
    ["Sun, 06 Nov 1994 08:49:37 GMT", 0],
    ["Sunday, 06-Nov-94 08:49:37 GMT", 0],
    ["Sun Nov  6 08:49:37 1994", 0],
    ["Sun, 31 Feb 1994 08:49:37 GMT", undefined],
    ["Sun, 06 Nov 1994 25:49:37 GMT", undefined],
    ["2001-01-01", undefined],
    ["Sun, 06 Nov 1994 08:49:37 PST", undefined],
    // RFC 9110 §5.5: only SP and HTAB are optional whitespace around a field value; NBSP is not.
    ["\u00a07", undefined],
    ["7\u00a0", undefined],
    ["\u00a0Sun, 06 Nov 1994 08:49:37 GMT", undefined],
  ];
  for (const [header, seconds] of cases) {
    it(`Retry-After "${header}" -> ${String(seconds)}`, async () => {
      server.login = (_req, res) => {
        // A Buffer body: Node then writes the header bytes as Latin-1 (with a string body it
        // encodes them as UTF-8), so U+00A0 arrives as the one byte A0 that fetch reads back as NBSP.
        const body = Buffer.from(JSON.stringify(errorBody("TOO_MANY_REQUESTS", "slow down")));
        res.writeHead(429, { "content-type": "application/json", "content-length": body.length, "retry-after": header });
        res.end(body);
      };
      const error = await rejection(() => client().login(email));
      expect(error.kind).toBe("rate_limited");
      expect(error.retryAfterSeconds).toBe(seconds);
    });
  }

  it("an HTTP-date in the future counts the seconds until then", async () => {
    const at = new Date(Date.now() + 120_000).toUTCString();
    server.login = (_req, res) => sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": at });
    const seconds = (await rejection(() => client().login(email))).retryAfterSeconds ?? -1;
    expect(seconds).toBeGreaterThan(100);
    expect(seconds).toBeLessThanOrEqual(121);
  });

  it('a token 429 with Retry-After "1.5" waits the normal backoff, not 0', async () => {
    let first = true;
    server.token = (_req, res) => {
      if (first) {
        first = false;
        sendJson(res, 429, errorBody("TOO_MANY_REQUESTS", "slow down"), { "retry-after": "1.5" });
      } else sendJson(res, 200, server.issueToken());
    };
    await client({ auth: clientAuth, tokenRetry: { baseDelayMs: 300 } }).login(email);
    const [a, b] = server.tokenRequests();
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(280);
  });
});
