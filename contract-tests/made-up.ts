// Which credentials of a run are made up, and so no secret: printed as they were sent (in curl commands and
// reports), while a configured secret, and any value derived from one, stays withheld.

/** Whether `a` and `b`, compared without case, share a run of `length` characters (code points). */
function shareRun(a: string, b: string, length: number): boolean {
  const x = [...a.toLowerCase()];
  const y = b.toLowerCase();
  for (let i = 0; i + length <= x.length; i++) if (y.includes(x.slice(i, i + length).join(""))) return true;
  return false;
}

/**
 * Whether `value` was made up by the run rather than taken from a secret: it is none of `secrets`, and
 * shares with none of them (without case) a run of 4 characters or of half the secret, whichever is
 * longer, so a prefix, a one-character change or a case change of a real password is never printed.
 */
export function isMadeUp(value: string, secrets: readonly string[]): boolean {
  return secrets.every((secret) => {
    if (!secret) return true;
    if (value === secret) return false;
    // Taken from the secret: a shared run of the threshold's length, or the whole value inside the secret.
    const length = [...value.toLowerCase()].length;
    const threshold = Math.max(4, Math.ceil([...secret].length / 2));
    return !(shareRun(value, secret, Math.min(threshold, length)) && length > 0);
  });
}
