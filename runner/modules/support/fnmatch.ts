/** Python's fnmatch: * ? [seq] [!seq], matching the whole name. */
export function fnmatch(name: string, pattern: string): boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    const close = char === '[' ? pattern.indexOf(']', i + 2) : -1;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (close !== -1) {
      const set = pattern.slice(i + 1, close);
      source += `[${set.startsWith('!') ? `^${set.slice(1)}` : set.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's').test(name);
}
