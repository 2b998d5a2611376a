import { createHmac, randomBytes } from 'node:crypto';
import test from 'ava';
import { algorithmsFor, entryMatches, fingerprint, hostEntryName, keyTypeOf, knownKeyTypes, parseKnownHosts, verifyHostKey } from './known-hosts.js';

const blob = (type: string, body: string) => {
  const t = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(t.length);
  return Buffer.concat([length, t, Buffer.from(body)]);
};
const keyA = blob('ssh-ed25519', 'AAAA');
const keyB = blob('ssh-ed25519', 'BBBB');
const rsa = blob('ssh-rsa', 'RRRR');

test('names hosts as OpenSSH does and reads the key type from the blob', (t) => {
  t.is(hostEntryName('10.0.0.5', 22), '10.0.0.5');
  t.is(hostEntryName('10.0.0.5', 2222), '[10.0.0.5]:2222');
  t.is(keyTypeOf(keyA), 'ssh-ed25519');
  t.regex(fingerprint(keyA), /^SHA256:[A-Za-z0-9+/]+$/);
});

test('matches plain, bracketed, wildcard, negated and hashed entries', (t) => {
  const salt = randomBytes(20);
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('[m1.lan]:2222').digest('base64')}`;
  t.true(entryMatches('m1.lan,10.0.0.5', '10.0.0.5'));
  t.true(entryMatches('[10.0.0.5]:2222', '[10.0.0.5]:2222'));
  t.false(entryMatches('10.0.0.5', '[10.0.0.5]:2222'));
  t.true(entryMatches('*.lan', 'w1.lan'));
  t.false(entryMatches('*.lan,!w1.lan', 'w1.lan'));
  t.true(entryMatches(hashed, '[m1.lan]:2222'));
  t.false(entryMatches(hashed, 'm1.lan'));
});

test('known, unknown, changed and revoked keys', (t) => {
  const entries = parseKnownHosts(
    `# comment\nm1 ${keyTypeOf(keyA)} ${keyA.toString('base64')}\nm1 ssh-rsa ${rsa.toString('base64')}\n@revoked * ssh-ed25519 ${keyB.toString('base64')}\n`,
  );
  t.deepEqual(verifyHostKey(entries, 'm1', 'ssh-ed25519', keyA.toString('base64')), { status: 'known' });
  t.deepEqual(verifyHostKey(entries, 'w1', 'ssh-ed25519', keyA.toString('base64')), { status: 'unknown' });
  const other = blob('ssh-ed25519', 'CCCC');
  t.deepEqual(verifyHostKey(entries, 'm1', 'ssh-ed25519', other.toString('base64')), { status: 'changed', expected: fingerprint(keyA) });
  t.deepEqual(verifyHostKey(entries, 'w9', 'ssh-ed25519', keyB.toString('base64')), { status: 'revoked' });
  t.deepEqual(knownKeyTypes(entries, 'm1'), ['ssh-ed25519', 'ssh-rsa']);
  t.deepEqual(algorithmsFor(['ssh-rsa']), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
});
