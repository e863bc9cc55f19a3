// Serves the browser test's pages and scripts from node:http on 127.0.0.1, every response under a strict CSP.
import { readFile } from "node:fs/promises";
import { startHttpServer } from "../../helpers/http-server.ts";

export interface PageServer {
  origin: string;
  /** The Content-Security-Policy sent with every response. */
  csp: string;
  /** Paths requested, in order. */
  requested: string[];
  close(): Promise<void>;
}

export interface PageFiles {
  /** Path (e.g. `/scenarios.js`) → [content type, body]. */
  [path: string]: [string, string | Uint8Array];
}

/** `connectSrc`: the only origins the page may fetch from (the mock, and the port nobody listens on). */
export async function startPageServer(files: PageFiles, connectSrc: string[]): Promise<PageServer> {
  // No inline script and no 'unsafe-eval': the client must run from 'self' scripts with plain fetch.
  const csp = `default-src 'none'; script-src 'self'; connect-src ${connectSrc.join(" ")}`;
  const requested: string[] = [];
  const local = await startHttpServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    requested.push(path);
    const file = files[path === "/" ? "/index.html" : path];
    res.setHeader("Content-Security-Policy", csp);
    res.setHeader("Cache-Control", "no-store");
    if (!file || req.method !== "GET") {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": file[0] }).end(file[1]);
  });
  return { origin: local.origin, csp, requested, close: local.close };
}

export const html = (file: URL) => readFile(file, "utf8").then((text): [string, string] => ["text/html; charset=utf-8", text]);
export const javascript = (code: string | Uint8Array): [string, string | Uint8Array] => ["text/javascript; charset=utf-8", code];
