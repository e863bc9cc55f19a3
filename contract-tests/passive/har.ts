// Reads HAR 1.2 files (Chromium/Firefox devtools, Playwright's recordHar, mitmproxy's export, curl-made)
// into the suite's Exchange shape. A file is read whole under a stated size limit (MAX_HAR_BYTES), decoded
// as strict UTF-8 and parsed once; each entry becomes an exchange or an "unjudgeable" with its reason,
// never dropped. Bad files raise HarError with a message saying what is wrong and what to do.
import { readFile, stat } from "node:fs/promises";
import { decodeContent, fetchView, MAX_BODY_BYTES, type Exchange, type RecordedRequest } from "../http.ts";

/** Largest HAR file read (stated in --help and docs/conformance.md): the file is parsed whole, so memory
 * stays within a small multiple of it. A 10,000-entry recording of logins is about 20 MiB. */
export const MAX_HAR_BYTES = 256 * 1024 * 1024;

export class HarError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HarError";
  }
}

/** One HAR entry as the reader needs it; everything else in the file is ignored. */
export interface HarEntry {
  startedDateTime?: unknown;
  time?: unknown;
  request?: {
    method?: unknown;
    url?: unknown;
    headers?: unknown;
    postData?: { mimeType?: unknown; text?: unknown; params?: unknown; encoding?: unknown };
  };
  response?: {
    status?: unknown;
    headers?: unknown;
    content?: { size?: unknown; mimeType?: unknown; text?: unknown; encoding?: unknown };
    _error?: unknown;
  };
}

export interface HarFile {
  file: string;
  version: string;
  creator: string;
  entries: HarEntry[];
  /** said once per file, e.g. that HAR 1.1 is read as 1.2 */
  notes: string[];
}

const shown = (file: string) => JSON.stringify(file);

/** Reads and checks one HAR file; throws HarError with a clear message when it is not one. */
export async function readHar(file: string, maxBytes = MAX_HAR_BYTES): Promise<HarFile> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new HarError(`cannot read ${shown(file)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (size > maxBytes)
    throw new HarError(`${shown(file)} is ${size} bytes, more than the ${maxBytes}-byte limit of a HAR file: split the recording (e.g. one file per test run)`);
  return parseHar(await readFile(file), file);
}

/** Parses the bytes of a HAR file (exported for tests of hostile input). */
export function parseHar(bytes: Buffer, file = "(HAR)"): HarFile {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    throw new HarError(`${shown(file)} is UTF-16 (it starts with a UTF-16 byte order mark): HAR files are UTF-8 JSON; save it again as UTF-8`);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) throw new HarError(`${shown(file)} is UTF-16 big-endian: HAR files are UTF-8 JSON; save it again as UTF-8`);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HarError(`${shown(file)} is not valid UTF-8 (HAR files are UTF-8 JSON): save it again as UTF-8`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // V8's message quotes the text around the error, which may be a recorded password: only its position is kept.
    const message = (err as Error).message;
    const truncated = /Unexpected end|unterminated|end of JSON/i.test(message);
    const position = /position (\d+)/.exec(message)?.[1];
    throw new HarError(
      `${shown(file)} is not JSON${truncated ? " (it ends early: a truncated file?)" : ""}${position ? `: the error is at byte offset ${Buffer.byteLength(text.slice(0, Number(position)))}` : ""}`,
    );
  }
  const log = (doc as { log?: unknown })?.log as { version?: unknown; creator?: { name?: unknown; version?: unknown }; entries?: unknown } | undefined;
  if (!log || typeof log !== "object")
    throw new HarError(`${shown(file)} is JSON but not a HAR file: it has no "log" object (HAR 1.2: {"log": {"version": "1.2", "entries": [...]}})`);
  if (!Array.isArray(log.entries)) throw new HarError(`${shown(file)} is not a HAR file: log.entries is not an array`);
  const version = typeof log.version === "string" ? log.version : "";
  const notes: string[] = [];
  if (version === "1.1") notes.push(`${file}: HAR 1.1, read as 1.2 (the fields judged, request, response and content, are the same in both)`);
  else if (version !== "1.2") {
    if (version === "") notes.push(`${file}: log.version is missing; read as HAR 1.2`);
    else throw new HarError(`${shown(file)} says HAR version ${JSON.stringify(version).slice(0, 20)}: only HAR 1.2 (and 1.1) can be read`);
  }
  const creator = [log.creator?.name, log.creator?.version].filter((v) => typeof v === "string").join(" ") || "unknown";
  return { file, version: version || "1.2", creator: creator.slice(0, 100), entries: log.entries as HarEntry[], notes };
}

export type Converted = { exchange: Exchange } | { unjudgeable: string };

const strictBase64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** HAR header list → [name, value] pairs; HTTP/2 pseudo-headers (:status, :authority) are left out. */
function headerPairs(list: unknown): Array<[string, string]> | string {
  if (list === undefined) return [];
  if (!Array.isArray(list)) return "its headers are not a list";
  const out: Array<[string, string]> = [];
  for (const h of list) {
    if (!h || typeof h !== "object" || typeof (h as { name?: unknown }).name !== "string" || typeof (h as { value?: unknown }).value !== "string")
      return "a header is not {name, value} strings";
    const { name, value } = h as { name: string; value: string };
    if (name.startsWith(":")) continue;
    out.push([name, value]);
  }
  return out;
}

/** The response body's bytes as the server's Fetch client would read them, or why the recording does not hold them. */
function responseBody(content: NonNullable<HarEntry["response"]>["content"], headers: Record<string, string>, status: number): Buffer | string {
  const size = typeof content?.size === "number" ? content.size : undefined;
  if (content?.text === undefined || content.text === null) {
    if (!size || status === 204 || status === 304) return Buffer.alloc(0);
    return `the recording holds no response body (content.size ${size}, no content.text): browsers leave bodies out unless asked, record with content (Chromium: "Save all as HAR with content"; Playwright: recordHar content "embed")`;
  }
  if (typeof content.text !== "string") return "content.text is not a string";
  if (content.text.length > MAX_BODY_BYTES * 2) return `the response body is larger than the ${MAX_BODY_BYTES}-byte limit of a body the suite reads`;
  let bytes: Buffer;
  /** the length of the body as recorded, when a tool kept it compressed (content.size may give either) */
  let recordedLength: number | undefined;
  if (content.encoding === "base64") {
    const compact = content.text.replace(/\s+/g, "");
    if (!strictBase64.test(compact)) return "content.encoding says base64, but content.text is not base64";
    bytes = Buffer.from(compact, "base64");
    // Some tools keep the body as it travelled: undo its Content-Encoding as a Fetch client does. A gzip
    // stream starts with 1f 8b, which no JSON or text body does; br and deflate have no such mark.
    const coding = (headers["content-encoding"] ?? "").trim().toLowerCase();
    const compressed =
      coding === "gzip" || coding === "x-gzip"
        ? bytes[0] === 0x1f && bytes[1] === 0x8b
        : (coding === "br" || coding === "deflate") && !/^\s*[[{"]/.test(bytes.subarray(0, 8).toString("latin1"));
    if (compressed) {
      recordedLength = bytes.length;
      try {
        bytes = decodeContent(bytes, coding, status);
      } catch {
        return `the body is recorded compressed (Content-Encoding: ${coding}) and does not decompress: the recording cannot show what a client read`;
      }
    }
  } else if (content.encoding !== undefined && content.encoding !== null && content.encoding !== "") {
    return `content.encoding ${JSON.stringify(String(content.encoding)).slice(0, 30)} is not one HAR defines (only base64)`;
  } else bytes = Buffer.from(content.text, "utf8");
  if (bytes.length > MAX_BODY_BYTES) return `the response body is larger than the ${MAX_BODY_BYTES}-byte limit of a body the suite reads`;
  // content.size is the decoded body's length: a text that disagrees is a body cut or re-encoded by the tool.
  if (size !== undefined && size >= 0 && size !== bytes.length && size !== recordedLength) {
    return `content.text holds ${bytes.length} bytes but content.size says ${size}: the recording does not hold the body as the client read it (cut or re-encoded)`;
  }
  return bytes;
}

function requestBody(postData: NonNullable<HarEntry["request"]>["postData"]): string | undefined {
  if (!postData) return undefined;
  if (typeof postData.text === "string") return postData.encoding === "base64" ? Buffer.from(postData.text, "base64").toString("utf8") : postData.text;
  if (Array.isArray(postData.params)) {
    return new URLSearchParams(postData.params.filter((p) => p && typeof p.name === "string").map((p) => [p.name as string, String(p.value ?? "")])).toString();
  }
  return undefined;
}

/** One HAR entry as an exchange, or why it cannot be judged. `id` numbers exchanges across files. */
export function toExchange(entry: HarEntry, id: number, caseId: string): Converted {
  if (!entry || typeof entry !== "object") return { unjudgeable: "the entry is not an object" };
  const req = entry.request;
  if (!req || typeof req.method !== "string" || typeof req.url !== "string") return { unjudgeable: "the entry has no request method and URL" };
  const reqHeaders = headerPairs(req.headers);
  if (typeof reqHeaders === "string") return { unjudgeable: `request: ${reqHeaders}` };
  const request: RecordedRequest = { method: req.method.toUpperCase(), url: req.url, headers: fetchView(reqHeaders) };
  const body = requestBody(req.postData);
  if (body !== undefined) request.body = body;
  const res = entry.response;
  const status = typeof res?.status === "number" ? res.status : 0;
  if (!res || status === 0) {
    const why = typeof res?._error === "string" ? `: ${res._error.slice(0, 80)}` : "";
    return { unjudgeable: `the recording holds no response (status 0${why}): the client got none, or gave up (a blocked or cancelled request)` };
  }
  if (!Number.isInteger(status) || status < 100 || status > 599)
    return { unjudgeable: `the response status ${String(status).slice(0, 12)} is not an HTTP status` };
  const startedAt = typeof entry.startedDateTime === "string" ? Date.parse(entry.startedDateTime) : Number.NaN;
  if (!Number.isFinite(startedAt)) return { unjudgeable: "startedDateTime is missing or not a date (HAR 1.2 requires it; token expiry is judged against it)" };
  const rawHeaders = headerPairs(res.headers);
  if (typeof rawHeaders === "string") return { unjudgeable: `response: ${rawHeaders}` };
  const headers = fetchView(rawHeaders);
  const bytes = responseBody(res.content, headers, status);
  if (typeof bytes === "string") return { unjudgeable: bytes };
  const time = typeof entry.time === "number" && entry.time >= 0 ? entry.time : 0;
  return {
    exchange: {
      id,
      caseId,
      request,
      response: {
        status,
        headers,
        rawHeaders,
        bodyText: new TextDecoder("utf-8").decode(bytes),
        bodyBytes: new Uint8Array(bytes),
        receivedAt: startedAt + time,
      },
      durationMs: time,
      rateLimited: [],
    },
  };
}
