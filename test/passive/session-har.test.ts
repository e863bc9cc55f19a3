// The session in recorded traffic: a consumer's login, refresh, revoke and refresh again, recorded as HAR
// against the correct server and against one whose revoke does nothing, judged by `--har` alone
// (refresh_after_revoke), and the session's secret fields kept out of every report.
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tokenBody, loginBody } from "../../contract-tests/cases.ts";
import { main } from "../../contract-tests/cli.ts";
import { resolveConfig } from "../../contract-tests/config.ts";
import { sessionFields } from "../../contract-tests/session-fields.ts";
import { loadSpec } from "../../contract-tests/spec.ts";
import { contractEnv, startContractServer, type Breakage } from "../helpers/contract-servers.ts";
import { recordWithFetch, writeHar, type Har, type JourneyRequest } from "./recorder.ts";

const spec = loadSpec();
const fields = sessionFields(spec);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "passive-session-"));
});

type Entry = { request: { headers: Array<{ name: string; value: string }> }; response: { status: number; content: { text: string } } };
const json = (e: unknown) => JSON.parse((e as Entry).response.content.text) as Record<string, string>;

/** Recorded: the client token, the known-good login, a refresh with its refresh token, the revoke of it, and the same refresh again. */
async function recordSession(breakage?: Breakage): Promise<{ har: Har; refreshToken: string }> {
  const server = await startContractServer(breakage ? { break: breakage } : {});
  try {
    const config = resolveConfig(contractEnv(server), {});
    const url = (key: "login" | "token" | "revoke") => `${config.target.baseUrl}${spec.operations[key].pathTemplate.replace(/\{[^}]+\}/, config.accountId)}`;
    const post = (key: "login" | "token" | "revoke", body: unknown, authorization: string): JourneyRequest => ({
      method: spec.operations[key].method.toUpperCase(),
      url: url(key),
      headers: { "content-type": spec.operations[key].requestMediaTypes[0]!, authorization },
      body: JSON.stringify(body),
    });
    if (config.auth.kind !== "client_credentials") throw new Error("the contract server's environment has client credentials");
    const basic = `Basic ${Buffer.from(`${config.auth.clientId}:${config.auth.clientSecret}`).toString("base64")}`;
    const first = await recordWithFetch([post("token", tokenBody(spec, config), basic)]);
    const bearer = `Bearer ${json(first.log.entries[0]).access_token}`;
    const login = await recordWithFetch([post("login", loginBody(spec, config, config.identities[0]!), bearer)]);
    const refreshToken = json(login.log.entries[0]).refresh_token!;
    expect(refreshToken, "the contract server's client may get refresh tokens").toBeTruthy();
    const refresh = post("token", { [fields.discriminator]: fields.refreshGrants[0], [fields.refreshField]: refreshToken }, bearer);
    const rest = await recordWithFetch([refresh, post("revoke", { [fields.revokeField]: refreshToken }, bearer), refresh]);
    return { har: { log: { ...first.log, entries: [...first.log.entries, ...login.log.entries, ...rest.log.entries] } }, refreshToken };
  } finally {
    await server.close();
  }
}

async function judgeHar(name: string, har: Har) {
  const file = await writeHar(path.join(dir, name), har);
  const reportDir = await mkdtemp(path.join(dir, "reports-"));
  let out = "";
  const code = await main(["--har", file, "--report-dir", reportDir], {}, { out: (t) => (out += t), err: (t) => (out += t) });
  const reports = await Promise.all((await readdir(reportDir)).map((f) => readFile(path.join(reportDir, f), "utf8")));
  const report = JSON.parse(await readFile(path.join(reportDir, "report.json"), "utf8")) as {
    violations: Array<{ check: string; severity: string; message: string }>;
  };
  const found = report.violations.filter((v) => v.check === "refresh_after_revoke").map((v) => v.severity);
  return { code, found, text: [out, ...reports].join("\n") };
}

describe("refresh_after_revoke: a revoked refresh token that still gets tokens, from the recording alone", () => {
  it("passes the correct server's session: its refresh after the revoke is refused", async () => {
    const { har, refreshToken } = await recordSession();
    const statuses = (har.log.entries as Entry[]).map((e) => e.response.status);
    expect(statuses.slice(-3, -1)).toEqual([200, 200]);
    expect(statuses.at(-1)).toBeGreaterThanOrEqual(400);
    const run = await judgeHar("correct.har", har);
    expect(run.found).toEqual([]);
    expect(run.text).not.toContain(refreshToken);
  });

  it("fails a server whose revoke does nothing (contract), advisory when the revoke's bearer cannot be shown to be the same client's", async () => {
    const { har, refreshToken } = await recordSession("revoke_does_nothing");
    expect((har.log.entries as Entry[]).at(-1)!.response.status).toBe(200);
    const run = await judgeHar("revoke-does-nothing.har", har);
    expect(run.found).toEqual(["contract"]);
    expect(run.code).toBe(1);
    expect(run.text).not.toContain(refreshToken);
    // The revoke sent with an opaque bearer of unknown client: a revoke by another client may rightly change nothing.
    const entries = har.log.entries as Entry[];
    const revoke = entries.at(-2)!;
    const otherBearer = {
      ...revoke,
      request: {
        ...revoke.request,
        headers: [...revoke.request.headers.filter((h) => h.name.toLowerCase() !== "authorization"), { name: "authorization", value: "Bearer opaque-3f9a1c" }],
      },
    };
    const other = await judgeHar("other-client.har", { log: { ...har.log, entries: [...entries.slice(0, -2), otherBearer, entries.at(-1)] } });
    expect(other.found).toEqual(["advisory"]);
  });

  it("reads a recording in the order its requests started (HAR 1.2: a reader sorts by startedDateTime), not in the file's order", async () => {
    const { har } = await recordSession("revoke_does_nothing");
    type Timed = Entry & { startedDateTime: string };
    const entries = (har.log.entries as Timed[]).map((e, i) => ({ ...e, startedDateTime: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }));
    const [revoke, refresh] = [entries.at(-2)!, entries.at(-1)!];
    // the refresh after the revoke, listed before it: found
    const listedFirst = await judgeHar("listed-first.har", { log: { ...har.log, entries: [...entries.slice(0, -2), refresh, revoke] } });
    expect(listedFirst.found).toEqual(["contract"]);
    // the revoke listed first, but sent after the refresh: no use after revoke
    const sentLater = { ...revoke, startedDateTime: new Date(Date.UTC(2026, 0, 1, 0, 1)).toISOString() };
    const revokedAfter = await judgeHar("revoked-after.har", { log: { ...har.log, entries: [...entries.slice(0, -2), sentLater, refresh] } });
    expect(revokedAfter.found).toEqual([]);
  });

  it("keeps every writeOnly field of the session out of the reports, though the recording never shows it issued", async () => {
    const { har, refreshToken } = await recordSession("revoke_does_nothing");
    // Without the login that issued it, the refresh token is known only from the requests that carry it.
    const entries = (har.log.entries as Entry[]).filter((_, i) => i !== 1);
    const run = await judgeHar("mid-session.har", { log: { ...har.log, entries } });
    expect(run.found).toEqual(["contract"]);
    expect(run.text).not.toContain(refreshToken);
    expect(run.text).not.toContain(refreshToken.slice(0, 12));
    expect(run.text).toContain("$REFRESH_TOKEN");
    // The revoke alone: its token is in no other request and no answer of the recording.
    const revokeOnly = await judgeHar("revoke-only.har", { log: { ...har.log, entries: [entries[0], entries.at(-2)] } });
    expect(revokeOnly.text).not.toContain(refreshToken);
    expect(revokeOnly.text).not.toContain(refreshToken.slice(0, 12));
  });
});
