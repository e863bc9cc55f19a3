// Bad and hostile HAR input: each gets a clear message (exit 2 for a file that is not a HAR), and an
// entry that cannot be judged is counted with its reason, never dropped and never a crash.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { main } from "../../contract-tests/cli.ts";
import { HarError, readHar } from "../../contract-tests/passive/har.ts";
import { contractEnv, startContractServer } from "../helpers/contract-servers.ts";
import { consumerJourney, type Har } from "./recorder.ts";

let dir: string;
/** a recorded session of the correct server: entry 0 is the token answer, entry 1 the known-good login */
let session: Har;
type Entry = {
  request: Record<string, unknown>;
  response: { status: number; headers: Array<{ name: string; value: string }>; content: Record<string, unknown> } & Record<string, unknown>;
} & Record<string, unknown>;
let login: Entry;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "passive-hostile-"));
  const server = await startContractServer();
  try {
    session = await consumerJourney(contractEnv(server));
  } finally {
    await server.close();
  }
  login = session.log.entries[1] as Entry;
});

async function run(name: string, content: string | Buffer) {
  const file = path.join(dir, name);
  await writeFile(file, content);
  let out = "";
  let err = "";
  const reportDir = path.join(dir, `reports-${name}`);
  const code = await main(["--har", file, "--report-dir", reportDir], {}, { out: (t) => (out += t), err: (t) => (err += t) });
  let report: { passive: { judged: number; unjudged: Array<{ reason: string; count: number }> } } | undefined;
  let html = "";
  try {
    report = JSON.parse(await readFile(path.join(reportDir, "report.json"), "utf8"));
    html = await readFile(path.join(reportDir, "report.html"), "utf8");
  } catch {
    report = undefined;
  }
  return { code, out, err, report, html };
}

const withEntries = (...entries: unknown[]) => JSON.stringify({ log: { ...session.log, entries: [login, ...entries] } });
const reasons = (r: Awaited<ReturnType<typeof run>>) => r.report!.passive.unjudged.map((u) => u.reason).join("\n");

describe("a file that is not a HAR 1.2 file: exit 2, saying what is wrong", () => {
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ["truncated.har", '{"log": {"version": "1.2", "entries": [{"request": ', /not JSON \(it ends early: a truncated file\?\)/],
    ["not-json.har", "<html>HAR</html>", /is not JSON/],
    ["not-har.json", JSON.stringify({ entries: [] }), /not a HAR file: it has no "log" object/],
    ["entries-not-array.har", JSON.stringify({ log: { version: "1.2", entries: {} } }), /log\.entries is not an array/],
    ["future.har", JSON.stringify({ log: { version: "2.0", entries: [] } }), /only HAR 1\.2 \(and 1\.1\) can be read/],
    ["utf16.har", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"log":{}}', "utf16le")]), /is UTF-16.*save it again as UTF-8/],
    ["latin1.har", Buffer.from('{"log":{"version":"1.2","entries":[],"comment":"caf\xe9"}}', "latin1"), /is not valid UTF-8/],
  ];
  for (const [name, content, message] of cases) {
    it(name, async () => {
      const r = await run(name, content);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
    });
  }

  it("a broken file's error does not quote its text, which may hold a recorded password", async () => {
    // V8 would quote the text around the bad token: `Unexpected token 'h', ...""x": hunter2sec"...`
    const r = await run("quoted.har", '{"log": {"entries": [{"postData": {"text": "pw"} , "x": hunter2secret ]}}');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/is not JSON/);
    expect(r.err).not.toContain("hunter2");
  });

  it("a file that does not exist", async () => {
    let err = "";
    const code = await main(["--har", path.join(dir, "does-not-exist.har")], {}, { out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toMatch(/cannot read .*does-not-exist\.har.*ENOENT/);
  });

  it("a file over the size limit is refused before it is read", async () => {
    const file = path.join(dir, "big.har");
    await writeFile(file, withEntries());
    await expect(readHar(file, 100)).rejects.toThrow(HarError);
    await expect(readHar(file, 100)).rejects.toThrow(/more than the 100-byte limit of a HAR file: split the recording/);
  });

  it("HAR 1.1 is read, with a note", async () => {
    const r = await run("v11.har", JSON.stringify({ log: { ...session.log, version: "1.1", entries: [login] } }));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/note: .*HAR 1\.1, read as 1\.2/);
  });
});

describe("entries that cannot be judged are counted with their reason", () => {
  it("no body, a body that disagrees with content.size, bad base64, an unknown encoding, no response, no date, bad headers", async () => {
    const res = login.response;
    const r = await run(
      "unjudgeable.har",
      withEntries(
        { ...login, response: { ...res, content: { size: 120, mimeType: "application/json" } } },
        { ...login, response: { ...res, content: { ...res.content, size: 5 } } },
        { ...login, response: { ...res, content: { ...res.content, encoding: "base64", text: "%%% not base64 %%%" } } },
        { ...login, response: { ...res, content: { ...res.content, encoding: "quoted-printable" } } },
        { ...login, response: { ...res, status: 0, _error: "net::ERR_CONNECTION_REFUSED" } },
        { ...login, startedDateTime: "yesterday-ish" },
        { ...login, response: { ...res, headers: "content-type: text/plain" } },
        "not an entry",
      ),
    );
    expect(r.code).toBe(0);
    const why = reasons(r);
    expect(why).toMatch(/the recording holds no response body \(content\.size 120, no content\.text\): browsers leave bodies out unless asked/);
    expect(why).toMatch(/content\.text holds \d+ bytes but content\.size says 5: .*cut or re-encoded/);
    expect(why).toMatch(/content\.encoding says base64, but content\.text is not base64/);
    expect(why).toMatch(/content\.encoding "quoted-printable" is not one HAR defines/);
    expect(why).toMatch(/holds no response \(status 0: net::ERR_CONNECTION_REFUSED\)/);
    expect(why).toMatch(/startedDateTime is missing or not a date/);
    expect(why).toMatch(/response: its headers are not a list/);
    expect(why).toMatch(/the entry has no request method and URL|the entry is not an object/);
    expect(r.report!.passive.unjudged.reduce((n, u) => n + u.count, 0)).toBe(8);
    expect(r.out).toMatch(/recorded traffic: 9 entries, 1 judged, 0 skipped, 8 not judgeable/);
    // report.html says the same, with each reason
    expect(r.html).toMatch(/<h2 id="traffic">Recorded traffic<\/h2>\s*<p>9 entries: 1 judged, 0 skipped, 8 not judgeable/);
    expect(r.html).toContain("startedDateTime is missing or not a date");
  });

  it("base64 bodies are decoded, and a body kept compressed is decompressed as a client would", async () => {
    const res = login.response;
    const bytes = Buffer.from(String(res.content.text), "utf8");
    const gz = gzipSync(bytes);
    const r = await run(
      "encoded.har",
      withEntries(
        { ...login, response: { ...res, content: { ...res.content, encoding: "base64", text: bytes.toString("base64") } } },
        {
          ...login,
          response: {
            ...res,
            headers: [...res.headers, { name: "Content-Encoding", value: "gzip" }],
            content: { ...res.content, size: gz.length, encoding: "base64", text: gz.toString("base64") },
          },
        },
        {
          ...login,
          response: {
            ...res,
            headers: [...res.headers, { name: "Content-Encoding", value: "gzip" }],
            content: { ...res.content, size: 40, encoding: "base64", text: Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]).toString("base64") },
          },
        },
      ),
    );
    expect(r.report!.passive.judged).toBe(3);
    expect(reasons(r)).toMatch(/recorded compressed \(Content-Encoding: gzip\) and does not decompress/);
    expect(r.out).toContain("RESULT: PASS");
  });
});

describe("hostile content: no crash, a bounded answer", () => {
  it("a huge response string is not judged past the body limit", async () => {
    const res = login.response;
    const huge = "x".repeat(9 * 1024 * 1024);
    const r = await run("huge.har", withEntries({ ...login, response: { ...res, content: { ...res.content, size: huge.length, text: huge } } }));
    expect(reasons(r)).toMatch(/larger than the \d+-byte limit of a body the suite reads/);
    expect(r.code).toBe(0);
  });

  it("a deeply nested response body and deeply nested HAR fields are judged without a crash", async () => {
    const res = login.response;
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    // written by hand: JSON.stringify itself cannot nest this deep
    const entry = JSON.stringify({ ...login, _extra: "DEEP", response: { ...res, content: { ...res.content, size: deep.length, text: deep } } }).replace(
      '"DEEP"',
      `${"[".repeat(200_000)}${"]".repeat(200_000)}`,
    );
    const r = await run("deep.har", withEntries().replace(/\]\}\}$/, `,${entry}]}}`));
    expect([0, 1]).toContain(r.code);
    expect(r.report!.passive.judged).toBe(2);
    // the nested body is not the documented token answer: the schema check says so
    expect(r.out).toMatch(/response_schema_conformance|could not judge/);
  });

  it("a response body in a wrong encoding (Latin-1 bytes as base64) is judged by the encoding check", async () => {
    const res = login.response;
    const latin1 = Buffer.from('{"error":{"message":"passord feil: ø"}}', "latin1");
    const r = await run(
      "latin1-body.har",
      withEntries({
        ...login,
        response: {
          ...res,
          status: 401,
          headers: [
            { name: "Content-Type", value: "application/json; charset=utf-8" },
            { name: "WWW-Authenticate", value: "Bearer" },
          ],
          content: { size: latin1.length, mimeType: "application/json", encoding: "base64", text: latin1.toString("base64") },
        },
      }),
    );
    expect(r.out).toMatch(/FAIL encoding/);
    expect(r.code).toBe(1);
  });
});
