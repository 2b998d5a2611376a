import test from 'ava';
import { inShard, parseShard } from './shard.js';

const hosts = (n: number, prefix = 'site') => Array.from({ length: n }, (_, i) => `${prefix}${i}.example.net`);

test('I/N as given on the command line; anything else says what it should be', (t) => {
  t.deepEqual(parseShard('0/4'), { index: 0, count: 4 });
  t.deepEqual(parseShard('3/4'), { index: 3, count: 4 });
  t.regex((parseShard('4/4') as { problem: string }).problem, /counted from 0, so it must be below 4 \(0\/4 \.\.\. 3\/4\)/);
  t.regex((parseShard('1/0') as { problem: string }).problem, /must be 1 or more/);
  t.regex((parseShard('one/4') as { problem: string }).problem, /is not I\/N/);
  t.regex((parseShard('-1/4') as { problem: string }).problem, /is not I\/N/);
});

test('N shards cover every host exactly once, each with a fair share', (t) => {
  const fleet = hosts(1000);
  const shards = [0, 1, 2, 3].map((index) => fleet.filter((host) => inShard(host, { index, count: 4 })));
  t.is(
    shards.reduce((sum, shard) => sum + shard.length, 0),
    1000,
  );
  t.is(new Set(shards.flat()).size, 1000);
  for (const shard of shards) t.true(shard.length > 200 && shard.length < 300, `${shard.length} of 1000 hosts in one of 4 shards`);
  t.true(
    fleet.every((host) => inShard(host, { index: 0, count: 1 })),
    'one shard is the whole fleet',
  );
});

test("a host's shard is the first 4 bytes of the SHA-256 of its name, modulo N: part of the interface, since changing it would move hosts between the shards of a running fleet", (t) => {
  const shardOf = (host: string) => [0, 1, 2, 3].filter((index) => inShard(host, { index, count: 4 }));
  // Worked out with Python's hashlib: 0xd8b71809 % 4 = 1, 0xd1ef8599 % 4 = 1, 0x6390cd80 % 4 = 0.
  t.deepEqual(['site0.example.net', 'site1.example.net', 'edge-0042'].map(shardOf), [[1], [1], [0]]);
});
