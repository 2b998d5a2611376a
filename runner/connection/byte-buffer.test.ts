import { randomBytes } from 'node:crypto';
import test from 'ava';
import { ByteBuffer } from './byte-buffer.js';

test('bytes come out as they went in, whatever the chunking, growth and compaction in between', (t) => {
  const buffer = new ByteBuffer();
  let reference = Buffer.alloc(0);
  for (let round = 0; round < 500; round++) {
    const chunk = randomBytes(1 + ((round * 7919) % 9000));
    buffer.append(chunk);
    reference = Buffer.concat([reference, chunk]);
    if (round % 3 === 0) {
      const n = Math.min(reference.length, (round * 104729) % 12000);
      t.deepEqual(buffer.take(n), reference.subarray(0, n));
      reference = reference.subarray(n);
    }
    t.is(buffer.length, reference.length);
  }
  t.deepEqual(buffer.take(buffer.length), reference);
  t.is(buffer.length, 0);
});

test('indexOf and text are relative to the front, after drops', (t) => {
  const buffer = new ByteBuffer();
  buffer.append(Buffer.from('header\nbody __end__7\n'));
  t.is(buffer.indexOf('\n'), 6);
  t.is(buffer.text(0, 6), 'header');
  buffer.drop(7);
  t.is(buffer.indexOf('__end__'), 5);
  t.is(buffer.indexOf('__end__', 6), -1, 'a search can start past what was searched before');
  t.is(buffer.text(12, 13), '7');
  buffer.append(Buffer.from('more'));
  t.is(buffer.text(0, buffer.length), 'body __end__7\nmore');
});
