import { createHash } from 'node:crypto';

/** --shard I/N: this process runs slice I (0 to N-1, as a Kubernetes Indexed Job numbers its pods) of N. */
export interface Shard {
  index: number;
  count: number;
}

/** 'I/N' as the command line gives it; undefined with the reason when it is not one. */
export function parseShard(text: string): Shard | { problem: string } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return { problem: `'${text}' is not I/N (this slice, of how many: 0/4 ... 3/4).` };
  const [index, count] = [Number(match[1]), Number(match[2])];
  if (count < 1) return { problem: `'${text}': the number of shards must be 1 or more.` };
  if (index >= count) return { problem: `'${text}': the slice is counted from 0, so it must be below ${count} (0/${count} ... ${count - 1}/${count}).` };
  return { index, count };
}

/**
 * Whether a host belongs to this shard: by a hash of its name, so a host stays in its shard while
 * hosts are added to or removed from the inventory, and N processes given 0/N ... N-1/N cover every
 * host exactly once.
 */
export function inShard(host: string, shard: Shard): boolean {
  return createHash('sha256').update(host).digest().readUInt32BE(0) % shard.count === shard.index;
}
