import test from 'ava';
import { parseDuration } from './load.js';

test('duration: a whole number of seconds from 1 to 300, nothing else', (t) => {
  for (const ok of ['1', '2', '60', '300']) t.is(parseDuration(ok, 300), Number(ok), ok);
  for (const bad of [
    '-5',
    '0',
    '301',
    '100000',
    'abc',
    '2.5',
    '',
    '1e2',
    '0x10',
    undefined,
    ['1', '2'],
    '9'.repeat(20),
    ' 5',
    '5 ',
    '05',
    '0005',
    '5\n',
    '\t5',
    '+5',
    '٥',
  ]) {
    t.is(parseDuration(bad, 300), undefined, JSON.stringify(bad));
  }
});
