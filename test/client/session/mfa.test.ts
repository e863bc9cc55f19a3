// The MFA login over real HTTP against the fake Dintero: mfa_required, the challenge, the code the customer
// received (fake.mfaCode), the MFA grant; wrong codes, expiry on the fake's clock, and the steps' order,
// which TypeScript enforces (the @ts-expect-error lines below fail `npm run typecheck` if it stops) and
// the client enforces at run time with a LoginError.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { isLoginError, LoginError, type MfaChallengeStep, type MfaCodeStep } from "../../../src/index.ts";
import { ada, grace, rejection, startSession, type SessionFixture } from "./fixture.ts";

/** Grace's login, refused with mfa_required, and the first step it leads to. */
async function mfaLogin(session: SessionFixture): Promise<{ error: LoginError; first: MfaChallengeStep }> {
  const error = (await rejection(session.client.login({ type: grace.type, email: grace.email, password: grace.password }))) as LoginError;
  expect(error).toMatchObject({ kind: "mfa_required" });
  return { error, first: session.client.mfa(error) };
}

describe("MFA login", () => {
  it("challenge by email, then the code the customer received: the customer's AccessToken", async () => {
    const session = await startSession();
    const { fake } = session;
    const { first } = await mfaLogin(session);
    const second = await first.challenge({ channel: "email" });
    const code = fake.mfaCode(grace.email);
    expect(code).toEqual(expect.any(String));
    const token = await second.complete(code!);
    expect(token).toMatchObject({ token_type: "Bearer", expires_in: expect.any(Number), refresh_token: expect.any(String) });
    expect(fake.exchanges.map((e) => [e.operation, e.grant, e.status])).toEqual([
      ["token", "client_credentials", 200],
      ["login", undefined, 403],
      ["mfa_challenge", undefined, 200],
      ["token", "mfa_oob", 200],
    ]);
    // The token works like a login's: its refresh token refreshes.
    await expect(session.client.refresh(token.refresh_token!)).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("by SMS to the user's phone; a new challenge sends a new code and the last one counts", async () => {
    const session = await startSession();
    const { first } = await mfaLogin(session);
    const old = await first.challenge({ channel: "sms" });
    const oldCode = session.fake.mfaCode(grace.phone)!;
    const latest = await first.challenge({ channel: "sms" });
    const code = session.fake.mfaCode(grace.phone)!;
    if (code !== oldCode) expect(await rejection(old.complete(oldCode))).toMatchObject({ kind: "mfa_code_invalid" });
    await expect(latest.complete(code)).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("a wrong code is mfa_code_invalid and may be tried again; the right one then logs in", async () => {
    const session = await startSession();
    const { first } = await mfaLogin(session);
    const second = await first.challenge({ channel: "email" });
    const code = session.fake.mfaCode(grace.email)!;
    const wrong = code === "000000" ? "000001" : "000000";
    const error = (await rejection(second.complete(wrong))) as LoginError;
    expect(error).toBeInstanceOf(LoginError);
    expect(error).toMatchObject({ kind: "mfa_code_invalid", status: 403 });
    expect(error.message).toMatch(/^MFA completion: the server refused the code/);
    await expect(second.complete(code)).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("an mfa_token past its lifetime on the fake's clock is mfa_token_invalid at the challenge", async () => {
    const session = await startSession();
    const { first } = await mfaLogin(session);
    session.clock.offsetMs = 60 * 60 * 1000; // an hour later
    expect(await rejection(first.challenge({ channel: "email" }))).toMatchObject({ kind: "mfa_token_invalid", status: 403 });
  });

  it("steps out of order are a LoginError at run time (invalid_request), and nothing is sent", async () => {
    const session = await startSession();
    const { first } = await mfaLogin(session);
    const sent = () => session.fake.exchanges.length;
    const before = sent();
    // A JavaScript caller skipping the challenge.
    const skipped = await rejection((first as unknown as MfaCodeStep).complete("123456"));
    expect(skipped).toMatchObject({ kind: "invalid_request", details: [{ rule: "mfa_order" }] });
    expect(sent()).toBe(before);
    const second = await first.challenge({ channel: "email" });
    await second.complete(session.fake.mfaCode(grace.email)!);
    const afterDone = sent();
    // Once complete, the mfa_token is spent: neither step runs again.
    expect(await rejection(second.complete("123456"))).toMatchObject({ kind: "invalid_request", details: [{ rule: "mfa_order" }] });
    expect(await rejection(first.challenge({ channel: "email" }))).toMatchObject({ kind: "invalid_request" });
    expect(sent()).toBe(afterDone);
  });

  it("two completions at once: the second is refused while the first runs", async () => {
    const session = await startSession();
    const { first } = await mfaLogin(session);
    const second = await first.challenge({ channel: "email" });
    const code = session.fake.mfaCode(grace.email)!;
    const [a, b] = await Promise.allSettled([second.complete(code), second.complete(code)]);
    expect(a).toMatchObject({ status: "fulfilled" });
    expect(b).toMatchObject({ status: "rejected", reason: { kind: "invalid_request" } });
    expect(session.grants("mfa_oob")).toBe(1);
  });

  it("mfa() takes only the mfa_required LoginError; bad channels and codes are invalid_request before sending", async () => {
    const session = await startSession();
    const wrongPassword = (await rejection(session.client.login({ ...ada, password: "fake-wrong-pw-1" }))) as LoginError;
    for (const notMfa of [wrongPassword, new Error("mfa_required"), { kind: "mfa_required", mfaToken: "forged" }, undefined]) {
      expect(() => session.client.mfa(notMfa as LoginError)).toThrow(expect.objectContaining({ kind: "invalid_request" }));
    }
    const { first } = await mfaLogin(session);
    const before = session.fake.exchanges.length;
    for (const bad of [{ channel: "pigeon" }, {}, { channel: "sms", extra: 1 }, "sms", null]) {
      const error = await rejection(first.challenge(bad as { channel: "sms" }));
      expect(isLoginError(error) && error.kind).toBe("invalid_request");
    }
    expect(session.fake.exchanges.length).toBe(before);
    const second = await first.challenge({ channel: "email" });
    const afterChallenge = session.fake.exchanges.length;
    for (const bad of ["", 123456, null]) expect(await rejection(second.complete(bad as string))).toMatchObject({ kind: "invalid_request" });
    expect(session.fake.exchanges.length).toBe(afterChallenge);
  });

  it("the steps hold no secret a caller could enumerate, serialise or inspect", async () => {
    const session = await startSession();
    const { error, first } = await mfaLogin(session);
    const second = await first.challenge({ channel: "email" });
    const code = session.fake.mfaCode(grace.email)!;
    const mfaToken = error.mfaToken!;
    for (const step of [first, second]) {
      const shown = [JSON.stringify(step), inspect(step, { depth: Infinity, showHidden: true }), Object.keys(step).join()].join("\n");
      expect(shown).not.toContain(mfaToken);
      expect(shown).not.toMatch(/oob_/);
      expect(Object.keys(step)).toEqual(["stage", step.stage === "challenge" ? "challenge" : "complete"]); // its stage and one method
    }
    expect(Object.keys(error)).not.toContain("mfaToken");
    expect(JSON.stringify(error)).not.toContain(mfaToken);
    await second.complete(code);
  });
});

// Compile-time checks (never run): the order of the steps is a type error to break.
async function typeChecks(first: MfaChallengeStep, second: MfaCodeStep) {
  // @ts-expect-error the first step has no complete(): challenge() first
  await first.complete("123456");
  // @ts-expect-error challenge() needs a channel
  await first.challenge();
  // @ts-expect-error the spec's channels are sms and email
  await first.challenge({ channel: "pigeon" });
  // @ts-expect-error the second step does not challenge again (the first step does)
  await second.challenge({ channel: "sms" });
  // @ts-expect-error the code is a string
  await second.complete(123456);
}
void typeChecks;
