// Each error_disclosure breakage of the self-test leaks text that exactly one pattern of the check matches,
// so a pattern that never matches (a raw backspace where \b was meant) fails its own server's run.
import { describe, expect, it } from "vitest";
import { DISCLOSURES } from "../../contract-tests/checks/error_disclosure.ts";
import { DISCLOSURE_LEAKS } from "../helpers/contract-servers.ts";

const patterns = DISCLOSURES.flatMap(([what, res]) => res.map((re) => ({ what, re })));

describe("one self-test leak per error_disclosure pattern", () => {
  it.for(Object.entries(DISCLOSURE_LEAKS))("%s matches exactly one pattern", ([, leak]) => {
    // as the body carries it (JSON-escaped) and as a client decodes it
    const matching = patterns.filter(({ re }) => re.test(leak) || re.test(JSON.stringify(leak)));
    expect(matching.map(({ re }) => String(re))).toHaveLength(1);
  });

  it("every pattern has its leak", () => {
    const matched = new Set(Object.values(DISCLOSURE_LEAKS).flatMap((leak) => patterns.filter(({ re }) => re.test(leak)).map(({ re }) => String(re))));
    expect([...matched].sort()).toEqual(patterns.map(({ re }) => String(re)).sort());
  });
});
