// Redaction of server text the client repeats: the shared mechanism of lib/redact.ts (the suite's redactor uses it too).
export { canonicalize, formsBudget, redactServerText, redactServerTexts, tokenCaps, tokensIn, windowLength } from "../lib/redact.ts";
