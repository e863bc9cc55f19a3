// Which credentials of a run are made up, and so no secret: printed as they were sent (in curl commands and
// reports), while a configured secret, and any value derived from one, stays withheld.

/** The longest run of characters two texts share, compared without case. */
function longestCommonRun(a: string, b: string): number {
  const x = [...a.toLowerCase()];
  const y = [...b.toLowerCase()];
  let best = 0;
  let previous = new Array<number>(y.length + 1).fill(0);
  for (let i = 1; i <= x.length; i++) {
    const row = new Array<number>(y.length + 1).fill(0);
    for (let j = 1; j <= y.length; j++) {
      if (x[i - 1] !== y[j - 1]) continue;
      row[j] = previous[j - 1]! + 1;
      best = Math.max(best, row[j]!);
    }
    previous = row;
  }
  return best;
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
    const shared = longestCommonRun(value, secret);
    return shared < Math.max(4, Math.ceil([...secret].length / 2)) && (shared === 0 || shared < [...value].length);
  });
}
