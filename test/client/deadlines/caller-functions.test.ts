// Deadlines hold whatever the caller's functions do: a body stream of endless empty chunks, and fetch or
// accessToken functions returning a thenable that resolves to itself, settle by timeoutMs (issue 16).
import { describe, expect, it } from "vitest";
import { createLoginClient } from "../../../src/index.ts";
import { type LoginServer, useLoginServer } from "../../helpers/login-server.ts";
import { loginError } from "../../helpers/login-error.ts";
import { accountId, email } from "../../helpers/client-fixture.ts";

let server: LoginServer;
useLoginServer((s) => (server = s));

/** A Response whose body stream always has another empty chunk ready. */
const endlessEmptyChunks = () =>
  new Response(new ReadableStream<Uint8Array>({ pull: (c) => c.enqueue(new Uint8Array(0)) }), { status: 200, headers: { "content-type": "application/json" } });

/** A thenable that resolves to itself. */
const selfThenable = (): PromiseLike<never> => {
  // biome-ignore lint/suspicious/noThenProperty: a thenable that resolves to itself is the hostile input under test
  const t: PromiseLike<never> = { then: (resolve: (v: unknown) => void) => resolve(t) } as PromiseLike<never>;
  return t;
};

describe("deadlines hold whatever the caller's functions do", () => {
  it("a body stream of endless empty chunks ends in timeout at timeoutMs", async () => {
    const client = createLoginClient({
      accountId,
      auth: { accessToken: "provided-bearer" },
      baseUrl: server.baseUrl,
      timeoutMs: 300,
      fetch: async () => endlessEmptyChunks(),
    });
    const started = performance.now();
    const error = await loginError(client.login(email));
    expect(error.kind).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(5_000);
  }, 15_000);

  it("a fetch returning a thenable that resolves to itself settles, as a network failure", async () => {
    const client = createLoginClient({
      accountId,
      auth: { accessToken: "provided-bearer" },
      baseUrl: server.baseUrl,
      timeoutMs: 300,
      fetch: (() => selfThenable()) as unknown as typeof fetch,
    });
    const error = await loginError(client.login(email));
    expect(["network", "timeout"]).toContain(error.kind);
  }, 15_000);

  it("an accessToken function returning a thenable that resolves to itself settles as client_token_failed", async () => {
    const client = createLoginClient({
      accountId,
      auth: { accessToken: (() => selfThenable()) as unknown as () => string },
      baseUrl: server.baseUrl,
      timeoutMs: 300,
    });
    const error = await loginError(client.login(email));
    expect(["client_token_failed", "timeout"]).toContain(error.kind);
  }, 15_000);
});
