// Spec coverage of a run: which documented statuses each operation answered, which request rules (every
// validation keyword of the body, the path parameters and the header parameters) were sent both kept and
// broken, and which response rules were seen in an answer. Read from the generated model and the exchanges
// as sent, never from a list: a rule the spec adds is counted by the next run. Holds no value, only places.
import type { Case } from "./case-types.ts";
import type { Exchange } from "./http.ts";
import { instancePathOf, keywordSites, pointerOf, valueAt, type KeywordSite, type Schema } from "./schema-keywords.ts";
import { mediaTypeOf, type SpecModel } from "./spec.ts";

export interface StatusCoverage {
  operation: string;
  documented: number[];
  observed: number[];
  /** statuses answered that the operation does not document */
  undocumented: number[];
}

export interface RequestKeywordCoverage {
  operation: string;
  location: "body" | "path" | "header";
  /** JSON pointer into the body, or the parameter's name */
  at: string;
  keyword: string;
  /** requests that kept the rule / broke it */
  valid: number;
  invalid: number;
}

export interface ResponseKeywordCoverage {
  operation: string;
  status: number;
  /** a media type, or "header" */
  where: string;
  at: string;
  keyword: string;
  /** answers in which the rule applied to a value */
  seen: number;
}

export interface Coverage {
  statuses: StatusCoverage[];
  requestKeywords: RequestKeywordCoverage[];
  responseKeywords: ResponseKeywordCoverage[];
  /** percentages, one decimal: each dimension, and all items together (a request rule counts twice: kept, broken) */
  percent: { statuses: number; requestKeywords: number; responseKeywords: number; total: number };
  counts: { statuses: [number, number]; requestKeywords: [number, number]; responseKeywords: [number, number] };
}

const pct = (n: number, of: number) => (of === 0 ? 100 : Math.round((1000 * n) / of) / 10);

/** Ajv's errors of the last validation, by place and keyword. */
type AjvError = { keyword: string; instancePath: string; schemaPath: string };

/** A schema's keyword sites with their pointers, found once per schema of the model (a run judges every
 * request and answer against the same few schemas; the self-test makes many runs in one process). */
const sitesBySchema = new WeakMap<Schema, Array<KeywordSite & { pointer: string }>>();
function sitesOf(schema: Schema): ReadonlyArray<KeywordSite & { pointer: string }> {
  let sites = sitesBySchema.get(schema);
  if (!sites) {
    sites = keywordSites(schema).map((site) => ({ ...site, pointer: pointerOf(site.path) }));
    sitesBySchema.set(schema, sites);
  }
  return sites;
}

/** For each site of `schema`, whether `value` kept or broke it (sites whose place is absent from the value are skipped). */
type Validate = ((v: unknown) => boolean) & { errors?: AjvError[] | null };
function judgeSites(schema: Schema, value: unknown, validate: Validate, tally: (site: KeywordSite, broken: boolean) => void) {
  validate(value);
  const errors = validate.errors ?? [];
  for (const site of sitesOf(schema)) {
    if (site.path.length && valueAt(value, site.path) === undefined) continue;
    const pointer = site.pointer;
    const broken = errors.some(
      (e) =>
        e.keyword === site.keyword &&
        site.schemaPointers.some((p) => e.schemaPath === `${p}/${site.keyword}`) &&
        (instancePathOf(e.instancePath) === pointer || site.keyword === "required"),
    );
    tally(site, broken);
  }
}

export function specCoverage(spec: SpecModel, exchanges: readonly Exchange[], caseById: ReadonlyMap<string, Case>): Coverage {
  const statuses: StatusCoverage[] = [];
  const requestKeywords = new Map<string, RequestKeywordCoverage>();
  const responseKeywords = new Map<string, ResponseKeywordCoverage>();
  for (const op of Object.values(spec.operations)) {
    const mine = exchanges.filter((e) => caseById.get(e.caseId)?.operation === op.key && (caseById.get(e.caseId)?.method ?? op.method) === op.method);
    const answered = [...new Set(mine.flatMap((e) => (e.response ? [e.response.status] : [])))].sort((a, b) => a - b);
    const documented = [...op.responses.keys()].sort((a, b) => a - b);
    const observed = answered.filter((s) => documented.includes(s));
    statuses.push({ operation: op.key, documented, observed, undocumented: answered.filter((s) => !documented.includes(s)) });

    // Every rule of the request, each side counted from the requests as they were sent.
    const requestSites: Array<{ location: RequestKeywordCoverage["location"]; at: string; schema: Schema; read(e: Exchange): unknown }> = [];
    requestSites.push({
      location: "body",
      at: "",
      schema: op.requestSchema as Schema,
      read: (e) => {
        try {
          return e.request.body === undefined ? undefined : (JSON.parse(e.request.body) as unknown);
        } catch {
          return undefined;
        }
      },
    });
    const template = new RegExp(
      `${op.pathTemplate
        .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
        .replace(/\\\{|\{/g, "{")
        .replace(/\{([^}]+)\}/g, "(?<$1>[^/]*)")}$`,
    );
    for (const p of op.model.parameters) {
      if (p.in === "path")
        requestSites.push({
          location: "path",
          at: p.name,
          schema: p.schema as Schema,
          read: (e) => {
            const m = template.exec(new URL(e.request.url).pathname)?.groups?.[p.name];
            return m === undefined ? undefined : decodeURIComponent(m);
          },
        });
      else if (p.in === "header")
        requestSites.push({ location: "header", at: p.name, schema: p.schema as Schema, read: (e) => e.request.headers[p.name.toLowerCase()] });
    }
    for (const r of requestSites) {
      const validate = spec.validator(r.schema as never) as unknown as ((v: unknown) => boolean) & { errors?: AjvError[] | null };
      for (const site of sitesOf(r.schema)) {
        // a path segment or header value is a string on the wire: `type: string` there cannot be broken
        if (r.location !== "body" && site.keyword === "type" && site.value === "string") continue;
        const key = `${op.key} ${r.location} ${r.at}${pointerOf(site.path)} ${site.keyword}`;
        const at = r.location === "body" ? pointerOf(site.path) || "/" : `${r.at}${pointerOf(site.path)}`;
        requestKeywords.set(key, { operation: op.key, location: r.location, at, keyword: site.keyword, valid: 0, invalid: 0 });
      }
      for (const e of mine) {
        const value = r.read(e);
        if (value === undefined) continue;
        judgeSites(r.schema, value, validate, (site, broken) => {
          const entry = requestKeywords.get(`${op.key} ${r.location} ${r.at}${pointerOf(site.path)} ${site.keyword}`);
          if (!entry) return;
          if (broken) entry.invalid++;
          else entry.valid++;
        });
      }
    }

    // Every rule of every documented response (body schemas and header schemas), seen when an answer of that
    // status carried a value it applies to.
    for (const [status, response] of op.responses) {
      const answers = mine.filter((e) => e.response?.status === status);
      // each answer's media type and body, read once for all the sites of its schema
      const read = answers.map((e) => {
        try {
          return { mediaType: mediaTypeOf(e.response!.headers["content-type"]), body: JSON.parse(e.response!.bodyText) as unknown, json: true };
        } catch {
          return { mediaType: undefined, body: undefined, json: false };
        }
      });
      for (const [mediaType, schema] of response.content) {
        if (!schema) continue;
        for (const site of sitesOf(schema as Schema)) {
          const seen = read.filter((a) => a.json && a.mediaType === mediaType && valueAt(a.body, site.path) !== undefined).length;
          const at = pointerOf(site.path) || "/";
          const entry = { operation: op.key, status, where: mediaType, at, keyword: site.keyword, seen };
          responseKeywords.set(`${op.key} ${status} ${mediaType}${at} ${site.keyword}`, entry);
        }
      }
      for (const [lower, header] of response.headers) {
        for (const site of header.schema ? keywordSites(header.schema as Schema) : []) {
          const seen = answers.filter((e) => e.response!.headers[lower] !== undefined).length;
          const entry = { operation: op.key, status, where: "header", at: header.name, keyword: site.keyword, seen };
          responseKeywords.set(`${op.key} ${status} header ${header.name} ${site.keyword}`, entry);
        }
      }
    }
  }
  const req = [...requestKeywords.values()];
  const res = [...responseKeywords.values()];
  const s: [number, number] = [statuses.reduce((n, x) => n + x.observed.length, 0), statuses.reduce((n, x) => n + x.documented.length, 0)];
  const q: [number, number] = [req.reduce((n, x) => n + (x.valid ? 1 : 0) + (x.invalid ? 1 : 0), 0), req.length * 2];
  const r: [number, number] = [res.filter((x) => x.seen).length, res.length];
  return {
    statuses,
    requestKeywords: req,
    responseKeywords: res,
    counts: { statuses: s, requestKeywords: q, responseKeywords: r },
    percent: { statuses: pct(...s), requestKeywords: pct(...q), responseKeywords: pct(...r), total: pct(s[0] + q[0] + r[0], s[1] + q[1] + r[1]) },
  };
}

/** The console's coverage lines: the totals, statuses per operation, and the request rules not exercised both ways. */
export function coverageLines(c: Coverage, minCoverage?: number): string[] {
  const [so, st] = c.counts.statuses;
  const [qo, qt] = c.counts.requestKeywords;
  const [ro, rt] = c.counts.responseKeywords;
  const out = [
    `Spec coverage ${c.percent.total}%${minCoverage ? ` (--min-coverage ${minCoverage})` : ""}: ` +
      `documented statuses ${so}/${st} (${c.percent.statuses}%), ` +
      `request keywords kept and broken ${qo}/${qt} (${c.percent.requestKeywords}%), ` +
      `response keywords seen ${ro}/${rt} (${c.percent.responseKeywords}%)`,
  ];
  for (const s of c.statuses)
    out.push(
      `  ${s.operation}: statuses observed ${s.observed.join(", ") || "none"} of ${s.documented.join(", ")}` +
        (s.undocumented.length ? `; undocumented ${s.undocumented.join(", ")}` : ""),
    );
  const why = (k: RequestKeywordCoverage) => (!k.valid && !k.invalid ? "never sent" : !k.valid ? "never kept" : "never broken");
  const gaps = c.requestKeywords.filter((k) => !k.valid || !k.invalid).map((k) => `${k.operation} ${k.location} ${k.at} ${k.keyword} (${why(k)})`);
  const more = gaps.length > 12 ? `; … ${gaps.length - 12} more in report.json` : "";
  if (gaps.length) out.push(`  request keywords not exercised both ways: ${gaps.slice(0, 12).join("; ")}${more}`);
  return out;
}

/** report.html's coverage section (escaped by the page's `esc`): no table, so it fits any width. */
export function coverageHtml(c: Coverage, gate: { min: number; met: boolean }, esc: (v: unknown) => string): string {
  const [head, ...rest] = coverageLines(c, gate.min);
  return `<h2 id="coverage">Spec coverage</h2>
<p>${esc(head)}${gate.met ? "" : ` — <strong>below --min-coverage ${esc(gate.min)}%: the run fails</strong>`}</p>
<ul style="overflow-wrap:anywhere">${rest.map((l) => `<li>${esc(l.trim())}</li>`).join("")}</ul>`;
}
