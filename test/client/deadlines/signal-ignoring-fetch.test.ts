// Deadlines that do not depend on the fetch you pass: timeoutMs and the caller's signal settle the login and
// the token request while a signal-ignoring fetch still waits.
import { describe, expect, it } from "vitest";
import type { LoginError } from "../../../src/index.ts";
import { customerToken, delay, sendJson, type LoginServer } from "../../helpers/login-server.ts";
import { rejection } from "../../helpers/login-error.ts";
import { clientAuth, email, useClientFixture } from "../../helpers/client-fixture.ts";

let server: LoginServer;
const client = useClientFixture((s) => (server = s));

/** A fetch that forwards only the URL, method, headers and body: it drops the AbortSignal. */
async function signalDroppingFetch(request: Request): Promise<Response> {
  return fetch(request.url, { method: request.method, headers: request.headers, body: await request.text(), redirect: "manual" });
}

describe("3. deadlines that do not depend on the fetch you pass", () => {
  it("timeoutMs settles the login while a signal-ignoring fetch still waits for the server", async () => {
    let answered = false;
    server.login = async (_req, res) => {
      await delay(1500);
      answered = true;
      sendJson(res, 200, customerToken());
    };
    const error = await rejection(() => client({ timeoutMs: 100, fetch: signalDroppingFetch }).login(email));
    expect(error.kind).toBe("timeout");
    expect(answered).toBe(false);
  });

  it("the caller's signal settles the login while a signal-ignoring fetch still waits", async () => {
    let answered = false;
    server.login = async (_req, res) => {
      await delay(1500);
      answered = true;
      sendJson(res, 200, customerToken());
    };
    const reason = new Error("user left");
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    const error = await rejection(() => client({ fetch: signalDroppingFetch }).login(email, { signal: controller.signal }));
    expect(error.kind).toBe("aborted");
    expect(error.cause).toBe(reason);
    expect(answered).toBe(false);
  });

  it("a fetch that never settles, and one whose body never ends -> timeout", async () => {
    const never = () => new Promise<Response>(() => undefined);
    expect((await rejection(() => client({ timeoutMs: 50, fetch: never }).login(email))).kind).toBe("timeout");
    const endless = async () => new Response(new ReadableStream({ pull: () => new Promise<void>(() => undefined) }), { status: 200 });
    expect((await rejection(() => client({ timeoutMs: 50, fetch: endless }).login(email))).kind).toBe("timeout");
  });

  it("the token request has the same deadline with a signal-ignoring fetch", async () => {
    server.token = async (_req, res) => {
      await delay(1500);
      sendJson(res, 200, server.issueToken());
    };
    const c = client({ auth: clientAuth, timeoutMs: 100, fetch: signalDroppingFetch, tokenRetry: { maxAttempts: 1 } });
    const error = await rejection(() => c.login(email));
    expect(error.kind).toBe("client_token_failed");
    expect((error.cause as LoginError).kind).toBe("timeout");
  });
});
