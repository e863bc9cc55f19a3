// A self-signed X.509 certificate (RFC 5280 §4.1) for a key of the suite's own, DER-encoded: what a forged JWT
// carries in its x5c header (RFC 7515 §4.1.6). Node parses certificates (X509Certificate) but cannot make one;
// a v3 certificate without extensions is a few nested DER values (ITU-T X.690 §8, §10), signed with the key itself.
import { randomBytes, sign, type KeyObject } from "node:crypto";

/** One DER value: its tag, its length (short form below 128, else long form, X.690 §8.1.3) and its contents. */
function der(tag: number, ...contents: Uint8Array[]): Buffer {
  const body = Buffer.concat(contents);
  const lengthBytes: number[] = [];
  for (let n = body.length; n > 0; n = Math.floor(n / 256)) lengthBytes.unshift(n % 256);
  const length = body.length < 0x80 ? [body.length] : [0x80 | lengthBytes.length, ...lengthBytes];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

const sequence = (...contents: Uint8Array[]) => der(0x30, ...contents);

/** An OBJECT IDENTIFIER (X.690 §8.19): the first two arcs in one byte, each further arc in base 128. */
function objectIdentifier(dotted: string): Buffer {
  const [first, second, ...rest] = dotted.split(".").map(Number);
  const bytes = [first! * 40 + second!];
  for (const arc of rest) {
    const digits = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) digits.unshift((v & 0x7f) | 0x80);
    bytes.push(...digits);
  }
  return der(0x06, Buffer.from(bytes));
}

/** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5), to the second, in UTC. */
function time(date: Date): Buffer {
  const digits = date
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/[-:T]/g, "");
  return date.getUTCFullYear() < 2050 ? der(0x17, Buffer.from(digits.slice(2))) : der(0x18, Buffer.from(digits));
}

/** sha256WithRSAEncryption (RFC 4055 §5) with its NULL parameters. */
const sha256WithRsa = sequence(objectIdentifier("1.2.840.113549.1.1.11"), der(0x05));

/** A Name of one common name (RFC 5280 §4.1.2.4), as a UTF8String. */
const commonName = (cn: string) => sequence(der(0x31, sequence(objectIdentifier("2.5.4.3"), der(0x0c, Buffer.from(cn, "utf8")))));

/**
 * A v3 certificate whose subject and issuer are both `cn`, for `publicKey` (RSA), signed by `privateKey` with
 * SHA-256, valid from an hour ago for `days`: self-signed, so no chain ends at a root anyone trusts.
 */
export function selfSignedCertificate(keys: { privateKey: KeyObject; publicKey: KeyObject }, cn: string, days = 365): Buffer {
  const serial = randomBytes(8);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive and minimal (X.690 §8.3.2), never zero (RFC 5280 §4.1.2.2)
  const now = Date.now();
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))), // [0] EXPLICIT version: v3
    der(0x02, serial),
    sha256WithRsa,
    commonName(cn),
    sequence(time(new Date(now - 3600_000)), time(new Date(now + days * 86_400_000))),
    commonName(cn),
    keys.publicKey.export({ type: "spki", format: "der" }),
  );
  const signature = sign("sha256", tbs, keys.privateKey);
  return sequence(tbs, sha256WithRsa, der(0x03, Buffer.from([0]), signature));
}
