// error_disclosure: an error body shows nothing of the server's insides.
import { canonicalize } from "../../src/redact.ts";
import { defineCheck } from "./check.ts";
import { answered } from "./support/exchange.ts";

/** What an error body should not show: stack frames, internal hosts and addresses, database URLs, SQL.
 * One pattern per form, each with its own test input that matches only it (test/suite/checks.test.ts). */
export const DISCLOSURES: ReadonlyArray<readonly [string, readonly RegExp[]]> = [
  [
    "a stack frame",
    [
      /\bat [\w$.<>]+ \(?[^\s()]+:\d+:\d+\)?/, // Node, V8: "    at validate (/srv/app/login.js:42:11)"
      /Traceback \(most recent call last\)/, // Python
      /\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)/, // JVM: "at com.example.Login.check(Login.java:42)"
      /\bFile "[^"]+", line \d+/, // Python frame
    ],
  ],
  ["a database URL", [/\b(?:postgres(?:ql)?|mysql|mongodb(?:\+srv)?|redis|jdbc:[a-z]+|mssql|amqp):\/\/\S+/i]],
  ["an internal host name", [/\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:internal|local|corp|lan|intranet)\b/i]],
  ["a private IP address", [/\b(?:10\.\d{1,3}|192\.168|172\.(?:1[6-9]|2\d|3[01]))\.\d{1,3}\.\d{1,3}\b/]],
  ["SQL", [/\b(?:SELECT\s+[\w*,\s]+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|syntax error at or near|ORA-\d{5}|SQLSTATE\[)/i]],
];

export const errorDisclosure = defineCheck({
  name: "error_disclosure",
  severity: "advisory",
  severityReason:
    "what an error body reveals of the server's insides (stack frames, internal hosts, SQL) harms no " +
    "consumer by itself; it helps an attacker plan the next step",
  source: {
    ref: "OWASP API Security Top 10 2023 API8 (security misconfiguration); ASVS 4.0 V7.4.1; CWE-209",
    url: "https://owasp.org/API-Security/editions/2023/en/0xa8-security-misconfiguration/",
  },
  catches: "an error response (4xx, 5xx) whose body shows a stack frame, a database URL, an internal host name, a private IP address or SQL",
  judges: [],
  appliesTo: (ex) => answered(ex) && ex.response!.status >= 400,
  run(ex) {
    const text = ex.response!.bodyText.slice(0, 65_536);
    // A JSON body escapes what it carries: a JVM frame's tab ("\tat") and a Python frame's quotes
    // (File \"...\") are matched in the text as a client decodes it too.
    const texts = [text, canonicalize(text)];
    const shown = DISCLOSURES.filter(([, patterns]) => patterns.some((re) => texts.some((t) => re.test(t)))).map(([what]) => what);
    if (!shown.length) return [];
    return [
      {
        rule: "an error body shows nothing of the server's insides",
        pointer: "",
        expected: "a message for the caller",
        actual: shown.join(", "),
        message: `the ${ex.response!.status} body shows ${shown.join(", ")}`,
      },
    ];
  },
});
