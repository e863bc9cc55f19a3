// What JSON.parse hides: an object that names a member twice (RFC 8259 §4: first-wins and last-wins
// parsers then read different values). Read with momoa's AST, which keeps every member as written.
import { evaluate, parse, type AnyNode } from "@humanwhocodes/momoa";
import { escapePointerToken } from "../lib/json-pointer.ts";

export interface DuplicateMember {
  /** JSON pointer of the object holding the repeated name */
  pointer: string;
  name: string;
  count: number;
  /** whether every member of that name holds the same value (then every parser reads the same) */
  sameValue: boolean;
}

/** JSON member names are strings (momoa's JSON5 mode would also allow identifiers). */
const nameOf = (m: { name: object }): string => ("value" in m.name ? String(m.name.value) : String((m.name as { name?: unknown }).name));

function walk(node: AnyNode, pointer: string, visit: (node: AnyNode, pointer: string) => void) {
  visit(node, pointer);
  if (node.type === "Document") walk(node.body, pointer, visit);
  else if (node.type === "Object") for (const m of node.members) walk(m.value, `${pointer}/${escapePointerToken(nameOf(m))}`, visit);
  else if (node.type === "Array") node.elements.forEach((e, i) => walk(e.value, `${pointer}/${i}`, visit));
}

/** A walk that gives up (keeping what it found) on nesting deeper than the stack allows; false then. */
function safeWalk(ast: AnyNode, visit: (node: AnyNode, pointer: string) => void): boolean {
  try {
    walk(ast, "", visit);
    return true;
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return false;
  }
}

/** The AST; "too deep" when the text nests deeper than the parser's stack; undefined when not JSON. */
function tryParse(text: string): AnyNode | "too deep" | undefined {
  try {
    return parse(text);
  } catch (err) {
    if (err instanceof RangeError) return "too deep";
    return undefined; // not JSON: judged by content_type_conformance
  }
}

/** Every object in the JSON text that repeats a member name, with how often. [] when not JSON;
 * undefined when it nests too deep to scan. */
export function duplicateMembers(text: string): DuplicateMember[] | undefined {
  const ast = tryParse(text);
  const out: DuplicateMember[] = [];
  if (ast === "too deep") return undefined;
  if (!ast) return out;
  const complete = safeWalk(ast, (node, pointer) => {
    if (node.type !== "Object") return;
    const values = new Map<string, string[]>();
    for (const m of node.members) values.set(nameOf(m), [...(values.get(nameOf(m)) ?? []), JSON.stringify(evaluate(m.value))]);
    for (const [name, seen] of values) if (seen.length > 1) out.push({ pointer, name, count: seen.length, sameValue: new Set(seen).size === 1 });
  });
  return complete ? out : undefined;
}

/** Every string value of a member with one of these names, anywhere, duplicates included (JSON.parse
 * would keep only the last), so that a secret stated twice is redacted twice. */
export function stringMembers(text: string, names: ReadonlySet<string>): string[] {
  const ast = tryParse(text);
  const out: string[] = [];
  if (!ast || ast === "too deep") return out;
  safeWalk(ast, (node) => {
    if (node.type !== "Object") return;
    for (const m of node.members) if (names.has(nameOf(m)) && m.value.type === "String") out.push(m.value.value);
  });
  return out;
}
