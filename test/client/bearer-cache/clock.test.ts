// The bearer cache runs on a clock that neither steps back nor stands still (#16 §5).
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLoginClient } from "../../../src/index.ts";
import { sendJson, type LoginServer, useLoginServer } from "../../helpers/login-server.ts";
import { accountId, clientAuth, email } from "../../helpers/client-fixture.ts";

let server: LoginServer;
useLoginServer((s) => (server = s));
afterEach(() => {
  vi.restoreAllMocks();
});

describe("5. the bearer cache runs on a clock that neither steps back nor stands still", () => {
  it("a wall clock that steps back an hour does not make a bearer past its half-life look fresh", async () => {
    server.token = (_req, res) => sendJson(res, 200, server.issueToken(1)); // refreshed after 500 ms
    const [realNow, realMono] = [Date.now.bind(Date), performance.now.bind(performance)];
    let [wall, mono] = [0, 0];
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + wall);
    vi.spyOn(performance, "now").mockImplementation(() => realMono() + mono);
    const c = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl });
    await c.login(email);
    wall = -3_600_000;
    mono = 650;
    await c.login(email); // served the cached bearer, and its refresh started
    await vi.waitFor(() => expect(server.tokenRequests()).toHaveLength(2));
  });

  it("nor does a monotonic clock that stood still while the machine was suspended", async () => {
    server.token = (_req, res) => sendJson(res, 200, server.issueToken(1)); // refreshed after 500 ms
    const realNow = Date.now.bind(Date);
    let suspended = 0;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + suspended);
    const c = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl });
    await c.login(email);
    // An hour of suspend: the wall clock moved on an hour; CLOCK_MONOTONIC (performance.now) did not count it.
    suspended = 3_600_000;
    await c.login(email);
    expect(server.tokenRequests()).toHaveLength(2);
  });

  it("a wall clock that steps forward costs one early token request, then the cache holds", async () => {
    const realNow = Date.now.bind(Date);
    let step = 0;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + step);
    const c = createLoginClient({ accountId, auth: clientAuth, baseUrl: server.baseUrl });
    await c.login(email);
    step = 86_400_000;
    await c.login(email);
    await c.login(email);
    expect(server.tokenRequests()).toHaveLength(2);
  });
});
