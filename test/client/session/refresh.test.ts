// client.refresh() and client.revoke() over real HTTP against the fake Dintero: new tokens from a refresh
// token with the client's own bearer, one request for concurrent callers, and the refusals after revoke.
import { describe, expect, it } from "vitest";
import { LoginError } from "../../../src/index.ts";
import { ada, backend, otherBackend, rejection, startSession } from "./fixture.ts";

describe("refresh", () => {
  it("returns a new AccessToken for the refresh token of a login, sent with the client's bearer", async () => {
    const { fake, client, grants } = await startSession();
    const first = await client.login(ada);
    expect(first.refresh_token).toEqual(expect.any(String));
    const refreshed = await client.refresh(first.refresh_token!);
    expect(refreshed.access_token).not.toBe(first.access_token);
    expect(refreshed).toMatchObject({ token_type: "Bearer", expires_in: expect.any(Number) });
    expect(grants("refresh_token")).toBe(1);
    // The grant's credentials are the spec's (x-grant-security: a Bearer): the fake knows the client by its bearer.
    expect(fake.exchanges.at(-1)).toMatchObject({ operation: "token", grant: "refresh_token", status: 200, clientId: backend.clientId });
    // The same refresh token works again (the fake's refresh tokens work until revoked).
    await expect(client.refresh(first.refresh_token!)).resolves.toMatchObject({ token_type: "Bearer" });
  });

  it("is single-flight per refresh token: concurrent calls share one request, each gets its own copy", async () => {
    const { client, grants } = await startSession();
    const { refresh_token: token } = await client.login(ada);
    const results = await Promise.all(Array.from({ length: 5 }, () => client.refresh(token!)));
    expect(grants("refresh_token")).toBe(1);
    expect(new Set(results.map((r) => r.access_token)).size).toBe(1);
    expect(new Set(results).size).toBe(5); // five objects: one caller's changes never reach another
    // Another refresh token is another request, and a later call with the first one is a new request.
    const other = await client.login(ada);
    await Promise.all([client.refresh(token!), client.refresh(other.refresh_token!)]);
    expect(grants("refresh_token")).toBe(3);
  });

  it("a caller that aborts stops waiting; the shared request still serves the others", async () => {
    const { client, grants } = await startSession();
    const { refresh_token: token } = await client.login(ada);
    const controller = new AbortController();
    const leaving = client.refresh(token!, { signal: controller.signal });
    const staying = client.refresh(token!);
    controller.abort();
    expect(await rejection(leaving)).toMatchObject({ kind: "aborted" });
    await expect(staying).resolves.toMatchObject({ token_type: "Bearer" });
    expect(grants("refresh_token")).toBe(1);
  });

  it("refuses a refresh token after revoke, of another client, or unknown: refresh_token_invalid", async () => {
    const { fake, client, clientFor, grants } = await startSession();
    const { refresh_token: token } = await client.login(ada);
    // Another client's bearer cannot use it (Dintero: the bearer must be of the client that created it).
    const stolen = await rejection(clientFor(otherBackend).refresh(token!));
    expect(stolen).toBeInstanceOf(LoginError);
    expect(stolen).toMatchObject({ kind: "refresh_token_invalid", status: 403 });
    await expect(client.revoke(token!)).resolves.toBeUndefined();
    expect(fake.exchanges.at(-1)).toMatchObject({ operation: "revoke", status: 200, clientId: backend.clientId });
    const revoked = (await rejection(client.refresh(token!))) as LoginError;
    expect(revoked).toMatchObject({ kind: "refresh_token_invalid", status: 403 });
    expect(revoked.message).toMatch(/^refresh: the server refused the refresh token/);
    expect(await rejection(client.refresh("rt_never-issued"))).toMatchObject({ kind: "refresh_token_invalid" });
    expect(grants("refresh_token")).toBe(3);
  });

  it("revoke resolves alike for an unknown or already revoked token (Dintero answers 200 {} either way)", async () => {
    const { client } = await startSession();
    const { refresh_token: token } = await client.login(ada);
    await client.revoke(token!);
    await expect(client.revoke(token!)).resolves.toBeUndefined();
    await expect(client.revoke("rt_never-issued")).resolves.toBeUndefined();
  });

  it("a refresh token that is not a non-empty string is invalid_request, and nothing is sent", async () => {
    const { fake, client } = await startSession();
    const before = fake.exchanges.length;
    for (const bad of ["", 42, null, undefined, { token: "x" }]) {
      const error = (await rejection(client.refresh(bad as string))) as LoginError;
      expect(error).toMatchObject({ kind: "invalid_request" });
      expect(error.details?.[0]?.pointer).toBe("/refresh_token");
      expect(await rejection(client.revoke(bad as string))).toMatchObject({ kind: "invalid_request" });
    }
    expect(await rejection(client.refresh("rt_x", { timeout: 5 } as never))).toMatchObject({ kind: "invalid_request" });
    expect(fake.exchanges.length).toBe(before);
  });

  it("a revoked client bearer is bearer_refused, and the next refresh gets a new bearer", async () => {
    const { fake, client } = await startSession();
    const { refresh_token: token } = await client.login(ada);
    fake.revokeClientBearers();
    expect(await rejection(client.refresh(token!))).toMatchObject({ kind: "bearer_refused", status: 401 });
    await expect(client.refresh(token!)).resolves.toMatchObject({ token_type: "Bearer" });
  });
});
