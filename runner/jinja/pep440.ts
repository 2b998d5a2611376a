import { ExpressionError } from './errors.js';

// PEP 440 versions, as Python's packaging.version reads and orders them (Ansible's pep440
// version_type): [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local], spellings normalized.
const PATTERN =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|alpha|b|beta|c|rc|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

const PHASES: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };

/** A sort key: epoch, release without trailing zeros, pre, post, dev, local, each as packaging orders them. */
type Key = [number, number[], number[], number, number, Array<number | string>];

function keyOf(text: string): Key {
  const match = PATTERN.exec(text.trim());
  if (!match) throw new ExpressionError(`Version comparison failed: Invalid version: '${text}'`);
  const [, epoch, release, phase, preN, postDash, post, postN, dev, devN, local] = match;
  const numbers = release.split('.').map(Number);
  while (numbers.length > 1 && numbers[numbers.length - 1] === 0) numbers.pop();
  const hasPost = postDash !== undefined || post !== undefined;
  const hasDev = dev !== undefined;
  // A dev release without pre or post sorts before every pre-release of its version; no pre-release after them all.
  const pre = phase !== undefined ? [PHASES[phase.toLowerCase()], Number(preN || 0)] : !hasPost && hasDev ? [-1] : [Infinity];
  const localParts = local === undefined ? [] : local.split(/[-_.]/).map((part) => (/^\d+$/.test(part) ? Number(part) : part.toLowerCase()));
  return [Number(epoch ?? 0), numbers, pre, hasPost ? Number(postDash ?? postN ?? 0) || 0 : -1, hasDev ? Number(devN || 0) : Infinity, localParts];
}

function compareLists(a: ReadonlyArray<number | string>, b: ReadonlyArray<number | string>): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i >= a.length) return -1;
    if (i >= b.length) return 1;
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    // In a local label a number sorts after a word.
    if (typeof x !== typeof y) return typeof x === 'number' ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Orders two versions as packaging.version.Version does. */
export function comparePep440(a: unknown, b: unknown): number {
  const [x, y] = [keyOf(String(a)), keyOf(String(b))];
  return (
    x[0] - y[0] ||
    compareLists(x[1], y[1]) ||
    compareLists(x[2], y[2]) ||
    Math.sign(x[3] - y[3]) ||
    (x[4] === y[4] ? 0 : x[4] < y[4] ? -1 : 1) ||
    compareLists(x[5], y[5])
  );
}
