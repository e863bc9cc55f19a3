// Matches a recorded request to an operation of the spec: by path template under the spec's server base
// path (read from the spec's `servers`), then by method. Everything is read from the spec model; a request
// to another host or path is "skipped" with its kind, so a run can say how much of a recording it judged.
import type { OperationKey, OperationSpec, SpecModel } from "../spec.ts";

export type Match =
  /** `documentedMethod` false: the path is the operation's, the method is not one the spec documents for it */
  { op: OperationSpec; documentedMethod: boolean; baseUrl: string } | { skip: "other_host" | "other_path" | "preflight" | "bad_url" };

/** The base paths of the spec's servers (top level, path and operation level), e.g. "/v1". */
export function serverBasePaths(spec: SpecModel): string[] {
  const urls: string[] = [];
  const collect = (servers: unknown) => {
    if (Array.isArray(servers)) for (const s of servers) if (s && typeof (s as { url?: unknown }).url === "string") urls.push((s as { url: string }).url);
  };
  collect(spec.doc.servers);
  for (const item of Object.values((spec.doc.paths ?? {}) as Record<string, Record<string, unknown>>)) {
    collect(item.servers);
    for (const op of Object.values(item)) if (op && typeof op === "object") collect((op as { servers?: unknown }).servers);
  }
  const paths = urls.map((u) => new URL(u, "http://relative.invalid").pathname.replace(/\/+$/, ""));
  return [...new Set(paths.length ? paths : [""])];
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A matcher for one spec. `base`: when given (DINTERO_BASE_URL), only requests under that origin and path
 * are judged; otherwise any host, under one of the spec's server base paths.
 */
export function createMatcher(spec: SpecModel, base?: URL): (method: string, url: string) => Match {
  const prefixes = base ? [base.pathname.replace(/\/+$/, "")] : serverBasePaths(spec);
  const operations = Object.values(spec.operations).map((op) => ({
    op,
    // a path parameter is one non-empty segment (RFC 6570 simple expansion percent-encodes "/")
    pattern: new RegExp(
      `^${op.pathTemplate
        .split(/\{[^}]+\}/)
        .map(escapeRegExp)
        .join("[^/]+")}/?$`,
    ),
  }));
  return (method, raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { skip: "bad_url" };
    }
    if (base && url.origin !== base.origin) return { skip: "other_host" };
    for (const prefix of prefixes) {
      if (prefix && url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) continue;
      const rest = url.pathname.slice(prefix.length);
      const byPath = operations.filter((o) => o.pattern.test(rest));
      if (!byPath.length) continue;
      const exact = byPath.find((o) => o.op.method.toUpperCase() === method.toUpperCase());
      const baseUrl = `${url.origin}${prefix}`;
      if (exact) return { op: exact.op, documentedMethod: true, baseUrl };
      // CORS preflights are the browser's, not the consumer's request: not judged as a method of the path.
      if (method.toUpperCase() === "OPTIONS") return { skip: "preflight" };
      return { op: byPath[0]!.op, documentedMethod: false, baseUrl };
    }
    return { skip: "other_path" };
  };
}

export type { OperationKey };
