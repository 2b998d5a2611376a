import { createHash } from 'node:crypto';

// crypt(3)'s SHA-512, SHA-256 (Ulrich Drepper's specification) and MD5 password hashes, which
// Ansible's password_hash writes for /etc/shadow.

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** crypt's base64: groups of three bytes, least significant six bits first. */
function encode(bytes: Buffer, groups: number[][]): string {
  let out = '';
  for (const [b2, b1, b0, count] of groups) {
    let w = ((b2 < 0 ? 0 : bytes[b2]) << 16) | ((b1 < 0 ? 0 : bytes[b1]) << 8) | bytes[b0];
    for (let i = 0; i < count; i++) {
      out += ITOA64[w & 0x3f];
      w >>= 6;
    }
  }
  return out;
}

const repeatTo = (source: Buffer, length: number) =>
  Buffer.concat(Array.from({ length: Math.ceil(length / source.length) || 0 }, () => source)).subarray(0, length);

function shaCrypt(algorithm: 'sha512' | 'sha256', password: string, saltText: string, rounds: number | undefined): string {
  const size = algorithm === 'sha512' ? 64 : 32;
  const pw = Buffer.from(password, 'utf8');
  const salt = Buffer.from(saltText.slice(0, 16), 'utf8');
  const count = rounds === undefined ? 5000 : Math.min(999_999_999, Math.max(1000, rounds));
  const digest = (...parts: Buffer[]) => {
    const hash = createHash(algorithm);
    for (const part of parts) hash.update(part);
    return hash.digest();
  };
  const b = digest(pw, salt, pw);
  const a = createHash(algorithm).update(pw).update(salt);
  let remaining = pw.length;
  for (; remaining > size; remaining -= size) a.update(b);
  a.update(b.subarray(0, remaining));
  for (let bits = pw.length; bits > 0; bits >>= 1) a.update(bits & 1 ? b : pw);
  let result = a.digest();
  const p = repeatTo(digest(...Array.from({ length: pw.length }, () => pw)), pw.length);
  const s = repeatTo(digest(...Array.from({ length: 16 + result[0] }, () => salt)), salt.length);
  for (let i = 0; i < count; i++) {
    const c = createHash(algorithm);
    c.update(i & 1 ? p : result);
    if (i % 3) c.update(s);
    if (i % 7) c.update(p);
    c.update(i & 1 ? result : p);
    result = c.digest();
  }
  const groups =
    algorithm === 'sha512'
      ? [
          ...Array.from({ length: 21 }, (_, i) => {
            const order = [i, i + 21, i + 42];
            return [order[i % 3], order[(i + 1) % 3], order[(i + 2) % 3], 4];
          }),
          [-1, -1, 63, 2],
        ]
      : [
          ...Array.from({ length: 10 }, (_, i) => {
            const order = [i, i + 10, i + 20];
            const rotated = [order[(3 - (i % 3)) % 3], order[(4 - (i % 3)) % 3], order[(5 - (i % 3)) % 3]];
            return [...rotated, 4];
          }),
          [-1, 31, 30, 3],
        ];
  const prefix = algorithm === 'sha512' ? '$6$' : '$5$';
  return `${prefix}${count === 5000 ? '' : `rounds=${count}$`}${salt.toString('utf8')}$${encode(result, groups)}`;
}

export const sha512Crypt = (password: string, salt: string, rounds?: number) => shaCrypt('sha512', password, salt, rounds);
export const sha256Crypt = (password: string, salt: string, rounds?: number) => shaCrypt('sha256', password, salt, rounds);

export function md5Crypt(password: string, saltText: string): string {
  const pw = Buffer.from(password, 'utf8');
  const salt = Buffer.from(saltText.slice(0, 8), 'utf8');
  const magic = Buffer.from('$1$');
  let final = createHash('md5').update(pw).update(salt).update(pw).digest();
  const ctx = createHash('md5').update(pw).update(magic).update(salt);
  for (let left = pw.length; left > 0; left -= 16) ctx.update(final.subarray(0, Math.min(left, 16)));
  for (let bits = pw.length; bits; bits >>= 1) ctx.update(bits & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  final = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const c = createHash('md5');
    c.update(i & 1 ? pw : final);
    if (i % 3) c.update(salt);
    if (i % 7) c.update(pw);
    c.update(i & 1 ? final : pw);
    final = c.digest();
  }
  const groups = [
    [0, 6, 12, 4],
    [1, 7, 13, 4],
    [2, 8, 14, 4],
    [3, 9, 15, 4],
    [4, 10, 5, 4],
    [-1, -1, 11, 2],
  ];
  return `$1$${salt.toString('utf8')}$${encode(final, groups)}`;
}
