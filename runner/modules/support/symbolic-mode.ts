// A mode as chmod reads it ('0644', 'u+x,go-w', 'a=rX'), turned into the bits it gives a path
// whose current bits are known: the comparison that decides 'changed' before anything runs.

const WHO: Record<string, { rwx: number; special: number; shift: number }> = {
  u: { rwx: 0o700, special: 0o4000, shift: 6 },
  g: { rwx: 0o070, special: 0o2000, shift: 3 },
  o: { rwx: 0o007, special: 0o1000, shift: 0 },
};

/** The bits 'perms' stands for, for one of u/g/o. */
function bitsFor(who: string, perms: string, current: number, isDirectory: boolean, umask: number, useUmask: boolean): number {
  const { shift, special } = WHO[who];
  let bits = 0;
  for (const perm of perms) {
    if (perm === 'r') bits |= 4 << shift;
    else if (perm === 'w') bits |= 2 << shift;
    else if (perm === 'x') bits |= 1 << shift;
    // X: execute only for a directory or what some class may already execute.
    else if (perm === 'X') bits |= isDirectory || (current & 0o111) !== 0 ? 1 << shift : 0;
    // s on 'o' means nothing; t only on 'o' (sticky).
    else if (perm === 's') bits |= who === 'o' ? 0 : special;
    else if (perm === 't') bits |= who === 'o' ? special : 0;
    // u, g, o: copy that class's current bits.
    else bits |= ((current & WHO[perm].rwx) >> WHO[perm].shift) << shift;
  }
  return useUmask ? bits & ~umask : bits;
}

/**
 * The mode a chmod-style symbolic mode gives a path with these bits, as chmod (and Ansible) apply it;
 * an Error naming the clause chmod would refuse.
 */
export function applySymbolicMode(symbolic: string, current: number, isDirectory: boolean, umask: number): number | Error {
  const original = current & 0o7777;
  let mode = original;
  for (const clause of symbolic.split(',')) {
    const match = /^([ugoa]*)((?:[-+=][rwxXstugo]*)+)$/.exec(clause);
    if (!match) return new Error(`bad symbolic permission for mode: ${clause}`);
    const who = match[1] === '' || match[1].includes('a') ? 'ugo' : match[1];
    for (const [, op, perms] of match[2].matchAll(/([-+=])([rwxXstugo]*)/g)) {
      for (const w of new Set(who)) {
        const bits = bitsFor(w, perms, original, isDirectory, umask, match[1] === '');
        if (op === '+') mode |= bits;
        else if (op === '-') mode &= ~bits;
        else mode = (mode & ~(WHO[w].rwx | WHO[w].special)) | bits;
      }
    }
  }
  return mode;
}

/**
 * The bits a task's mode asks for: a number whose digits are octal (YAML 1.2 reads 0644 as 644),
 * an octal string, or a symbolic mode applied to the current bits. Errors say what to write.
 */
export function wantedMode(mode: string | number, current: number, isDirectory: boolean, umask: number): number | Error {
  const text = String(mode).replace(/^0o/, '');
  if (/^[0-7]+$/.test(text)) {
    const bits = parseInt(text, 8);
    return bits > 0o7777 ? new Error(`Invalid mode supplied, only permission info is allowed: ${mode}`) : bits;
  }
  if (typeof mode === 'number') return new Error(`mode ${mode} is not octal: write it as a string like '0644'`);
  const applied = applySymbolicMode(text, current, isDirectory, umask);
  return applied instanceof Error ? new Error(`mode must be in octal or symbolic form (${applied.message})`) : applied;
}

/** A mode as Ansible prints it: '0644', '01777'. */
export const octalMode = (mode: number) => `0${mode.toString(8).padStart(3, '0')}`;
