// lib/redact.ts: one search for a secret in all its encoded forms, shared by the client's redaction and the suite's.
import { describe, expect, it } from "vitest";
import { createRedactor } from "../../contract-tests/redact.ts";
import fc from "fast-check";
import { canonicalize, redactServerText, redactServerTexts, revealsSecret, secretSearch } from "../../lib/redact.ts";

const secret = "Hunter2-Sommer-2024";
const b64 = (s: string) => btoa(String.fromCharCode(...new TextEncoder().encode(s)));

describe("finding a secret in text", () => {
  it("finds it raw, percent-encoded, JSON-escaped, HTML-escaped, in Base64 and Base64url, clipped or NFD", () => {
    const forms = [
      secret,
      encodeURIComponent(secret),
      JSON.stringify(JSON.stringify(secret)),
      secret.replaceAll("-", "&#45;"),
      b64(secret),
      b64(secret).replaceAll("+", "-").replaceAll("/", "_"),
      b64(`x${secret}`),
      secret.slice(0, 12),
      `…${secret.slice(-9)}`,
    ];
    for (const form of forms) expect(revealsSecret(`echo: ${form} end`, [secret]), form).toBe(true);
    expect(revealsSecret("Crème-brûlée-42".normalize("NFD"), ["Crème-brûlée-42".normalize("NFC")])).toBe(true);
  });

  it("finds nothing in text that shares no stretch with any form", () => {
    expect(revealsSecret("invalid credentials for this account", [secret])).toBe(false);
    expect(revealsSecret("", [secret])).toBe(false);
    expect(revealsSecret("anything", [])).toBe(false);
    // Base64 forms only: the raw secret is not looked for, its Base64 is.
    expect(revealsSecret(`echo ${secret}`, [secret], true)).toBe(false);
    expect(revealsSecret(`echo ${b64(secret)}`, [secret], true)).toBe(true);
  });

  it("the suite and the client redact the same encoded echo", () => {
    const echo = `{"message":"bad password ${b64(secret)} / ${encodeURIComponent(secret)}"}`;
    const client = redactServerText(echo, 10_000, [secret]);
    expect(client).not.toContain(b64(secret).slice(0, 8));
    const suite = createRedactor([secret]).text(echo);
    for (const shown of [client, suite]) {
      expect(canonicalize(shown)).not.toContain(secret.slice(0, 8));
      expect(revealsSecret(shown, [secret]), shown).toBe(false);
    }
  });
});

describe("a search reused for many texts", () => {
  // secretSearch indexes the forms once it is searched a second time; every text must then be covered
  // exactly as a one-shot search covers it (which scans the forms for each text).
  it("redacts every text as the one-shot search does, once its forms are indexed", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 4, maxLength: 24, unit: fc.constantFrom("a", "b", "é", "+", "%", "4", "😀", "Z") }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 30 }), fc.string({ maxLength: 12 })), { maxLength: 6 }),
        (secrets, pieces) => {
          const search = secretSearch(secrets);
          search.reveals("warm-up: the second search uses the index");
          // texts made of the secrets' pieces, some encoded, between ordinary text
          const texts = pieces.map(([which, cut, filler]) => {
            const s = [...secrets[which % secrets.length]!];
            const piece = s.slice(cut % s.length).join("");
            return [`${filler}${which % 2 ? encodeURIComponent(piece) : b64(piece)}${piece}${filler}`, 500] as const;
          });
          expect(search.redact(texts)).toEqual(redactServerTexts(texts, secrets));
          for (const [text] of texts) expect(search.reveals(text)).toBe(revealsSecret(text, secrets));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("whole occurrences of a short secret are all covered, overlapping ones too", () => {
    expect(redactServerText("pin 4444444 end", 100, ["4444"])).toBe("pin [REDACTED] end");
    const search = secretSearch(["4444"]);
    search.reveals("x");
    expect(search.redact([["pin 4444444 end", 100]])).toEqual(["pin [REDACTED] end"]);
  });
});
