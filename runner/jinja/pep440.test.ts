import test from 'ava';
import { comparePep440 } from './pep440.js';

// Orders checked beside Python's packaging.version on the same pairs.
test("pep440 versions order as Python's packaging orders them", (t) => {
  const order = (a: string, b: string) => Math.sign(comparePep440(a, b));
  t.is(order('2.14.0rc1', '2.14.0'), -1, 'a release candidate comes before its release');
  t.is(order('1.0', '1.0.0'), 0, 'trailing zeros do not count');
  t.is(order('1.0.dev1', '1.0a1'), -1, 'a dev release comes before every pre-release');
  t.is(order('1.0.post1', '1.0'), 1);
  t.is(order('1.0-1', '1.0.post1'), 0, "'-N' is a post release");
  t.is(order('1.0+local.1', '1.0'), 1, 'a local label sorts after the public version');
  t.is(order('1.0+abc', '1.0+1'), -1, 'in a local label a number sorts after a word');
  t.is(order('1!0.1', '2.0'), 1, 'the epoch comes first');
  t.is(order('1.0.0a1.dev2', '1.0.0a1'), -1);
  t.is(order('1.0b2.post3.dev4', '1.0b2.post3'), -1);
  t.is(order('1.0rc1', '1.0c1'), 0, "'c' is 'rc'");
  t.is(order('V1.2', '1.2'), 0, "a leading 'v' and case do not count");
  t.throws(() => comparePep440('nope', '1.0'), { message: "Version comparison failed: Invalid version: 'nope'" });
});
