import { join } from 'shlex';

/** Installed and candidate versions of packages, and the age of apt's package lists. */
export interface AptState {
  packages: Record<string, { installed?: string; candidate?: string }>;
  /** Seconds since the lists were last updated (Infinity when never). */
  cacheAge: number;
}

/** One round trip: dpkg status and apt's candidate for each package, and the lists' timestamp. */
export function aptStateCommand(names: string[]): string {
  const stamp =
    'for f in /var/lib/apt/periodic/update-success-stamp /var/lib/apt/lists; do if [ -e "$f" ]; then echo "stamp $(( $(date +%s) - $(stat -c %Y "$f") ))"; break; fi; done';
  if (names.length === 0) return stamp;
  return `${stamp}; LC_ALL=C apt-cache policy -- ${join(names)} 2>/dev/null | awk '/^[^ ].*:$/{sub(":$",""); p=$0} /Installed:/{print "pkg", p, "installed", $2} /Candidate:/{print "pkg", p, "candidate", $2}'`;
}

export function parseAptState(output: string): AptState {
  const state: AptState = { packages: {}, cacheAge: Infinity };
  for (const line of output.split('\n')) {
    const [kind, a, b, c] = line.trim().split(/\s+/);
    if (kind === 'stamp') state.cacheAge = Number(a);
    if (kind === 'pkg') {
      const entry = (state.packages[a] ??= {});
      if (c && c !== '(none)') entry[b as 'installed' | 'candidate'] = c;
    }
  }
  return state;
}
