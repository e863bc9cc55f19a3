// Doc tests for README.md and docs/: every relative link and #anchor resolves, and every TypeScript
// snippet type-checks against the package (as `dintero-login-kit`, through package.json's exports),
// the way doc tests work in Rust or Python. A snippet is checked as its own module; lines a reader
// need not see (declarations of the free names a fragment uses) go in an HTML comment right before
// the fence: <!-- doctest-prelude: declare const password: string; -->
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import GithubSlugger from "github-slugger";
import { lexer, type Token, type Tokens } from "marked";
import ts from "typescript";

export interface DocLink {
  file: string;
  line: number;
  href: string;
}
export interface DocSnippet {
  file: string;
  line: number;
  lang: string;
  code: string;
  prelude: string;
}
export interface ParsedDoc {
  file: string;
  links: DocLink[];
  snippets: DocSnippet[];
  anchors: Set<string>;
}

const PRELUDE = /^<!--\s*doctest-prelude:([\s\S]*?)-->\s*$/;
const TS_LANGS = new Set(["ts", "typescript"]);

/** Children of a marked token, whatever kind of container it is (lists, tables, blockquotes, inline). */
function children(token: Token): Token[] {
  const t = token as Token & { tokens?: Token[]; items?: Token[]; header?: Tokens.TableCell[]; rows?: Tokens.TableCell[][] };
  const out: Token[] = [...(t.tokens ?? []), ...(t.items ?? [])];
  for (const cell of [...(t.header ?? []), ...(t.rows ?? []).flat()]) out.push(...cell.tokens);
  return out;
}

export function parseDoc(file: string, source: string): ParsedDoc {
  const slugger = new GithubSlugger();
  const doc: ParsedDoc = { file, links: [], snippets: [], anchors: new Set() };
  let offset = 0;
  const lineAt = (raw: string): number => {
    const at = source.indexOf(raw, offset);
    if (at >= 0) offset = at;
    return source.slice(0, Math.max(at, 0)).split("\n").length;
  };
  const walk = (tokens: Token[], top: boolean): void => {
    let prelude = "";
    for (const token of tokens) {
      const line = top ? lineAt(token.raw) : 0;
      if (token.type === "heading") doc.anchors.add(slugger.slug((token as Tokens.Heading).text));
      if (token.type === "html") {
        const m = PRELUDE.exec((token as Tokens.HTML).text.trim());
        if (m) {
          prelude = m[1]!.trim();
          continue;
        }
      }
      if (token.type === "code") {
        const code = token as Tokens.Code;
        const lang = (code.lang ?? "").trim().split(/\s+/)[0] ?? "";
        doc.snippets.push({ file, line, lang, code: code.text, prelude });
      }
      if (token.type === "link") doc.links.push({ file, line: 0, href: (token as Tokens.Link).href });
      const inner = children(token);
      const before = doc.links.length;
      walk(inner, false);
      if (top) for (const link of doc.links.slice(before)) link.line = line;
      if (token.type !== "space") prelude = "";
    }
  };
  walk(lexer(source), true);
  return doc;
}

/** Problems with links: a relative target that does not exist, or an #anchor that no heading makes. */
export async function checkLinks(root: string, docs: ParsedDoc[]): Promise<string[]> {
  const byFile = new Map(docs.map((d) => [path.resolve(root, d.file), d]));
  const problems: string[] = [];
  for (const doc of docs) {
    for (const link of doc.links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.href)) continue; // https:, mailto: …: not ours to resolve
      const [target = "", anchor] = link.href.split("#", 2) as [string, string | undefined];
      const resolved = target === "" ? path.resolve(root, doc.file) : path.resolve(root, path.dirname(doc.file), decodeURIComponent(target));
      const where = `${doc.file}:${link.line} (${link.href})`;
      if (!existsSync(resolved)) {
        problems.push(`${where}: ${path.relative(root, resolved)} does not exist`);
        continue;
      }
      if (anchor === undefined || anchor === "") continue;
      let targetDoc = byFile.get(resolved);
      if (!targetDoc && resolved.endsWith(".md")) targetDoc = parseDoc(path.relative(root, resolved), await readFile(resolved, "utf8"));
      if (!targetDoc) {
        problems.push(`${where}: an anchor into a file that is not Markdown`);
        continue;
      }
      if (!targetDoc.anchors.has(decodeURIComponent(anchor))) problems.push(`${where}: no heading makes #${anchor} in ${targetDoc.file}`);
    }
  }
  return problems;
}

/**
 * Type-checks every TypeScript snippet as a module of its own, inside `root` (so that the package's
 * name resolves to itself through package.json's exports), with the compiler options of
 * `root/tsconfig.json`. Returns one line per diagnostic, pointing at the Markdown file and line.
 */
export async function checkSnippets(root: string, snippets: DocSnippet[]): Promise<string[]> {
  const ts_snippets = snippets.filter((s) => TS_LANGS.has(s.lang));
  if (ts_snippets.length === 0) return [];
  // Snippets are written as if they stood at the project's root (a relative import such as
  // "./scripts/spec-diff/run.ts" resolves there), in files removed afterwards.
  const dir = await mkdtemp(path.join(root, ".doctest-"));
  const prefix = path.join(root, `${path.basename(dir)}-`);
  try {
    const files = new Map<string, { snippet: DocSnippet; preludeLines: number }>();
    for (const [i, snippet] of ts_snippets.entries()) {
      const name = `${prefix}${snippet.file.replace(/[^\w]+/g, "_")}_${i}.ts`;
      const prelude = snippet.prelude ? `${snippet.prelude}\n` : "";
      await writeFile(name, `${prelude}${snippet.code}\nexport {};\n`);
      files.set(name, { snippet, preludeLines: prelude ? prelude.split("\n").length - 1 : 0 });
    }
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(root, "tsconfig.json"),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
        },
      },
    );
    if (!config) throw new Error("could not read tsconfig.json");
    const program = ts.createProgram([...files.keys()], { ...config.options, noEmit: true });
    const problems: string[] = [];
    for (const d of ts.getPreEmitDiagnostics(program)) {
      const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
      const entry = d.file ? files.get(path.resolve(d.file.fileName)) : undefined;
      if (!entry || d.start === undefined) {
        problems.push(`${d.file?.fileName ?? "(program)"}: ${text}`);
        continue;
      }
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start);
      const inSnippet = line - entry.preludeLines;
      const where = inSnippet < 0 ? `${entry.snippet.file}:${entry.snippet.line} (prelude)` : `${entry.snippet.file}:${entry.snippet.line + 1 + inSnippet}`;
      problems.push(`${where}: TS${d.code} ${text}`);
    }
    return problems;
  } finally {
    await rm(dir, { recursive: true, force: true });
    for (const file of await readdir(root)) if (path.join(root, file).startsWith(prefix)) await rm(path.join(root, file), { force: true });
  }
}
