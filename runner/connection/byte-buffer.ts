/**
 * Bytes that arrive in chunks and leave from the front. Appending copies into spare room that
 * doubles when full, so a large answer costs linear time: concatenating a new Buffer per 32 KB
 * SSH chunk made a 20 MB fetch take 8 s.
 */
export class ByteBuffer {
  private bytes = Buffer.alloc(0);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Buffer): void {
    if (this.end + chunk.length > this.bytes.length) {
      const needed = this.length + chunk.length;
      const target = needed <= this.bytes.length / 2 ? this.bytes : Buffer.allocUnsafe(Math.max(needed * 2, 4096));
      this.bytes.copy(target, 0, this.start, this.end);
      this.bytes = target;
      this.end = this.length;
      this.start = 0;
    }
    chunk.copy(this.bytes, this.end);
    this.end += chunk.length;
  }

  /** Position of needle at or after from (both relative to the front), or -1. */
  indexOf(needle: string, from = 0): number {
    return this.bytes.subarray(this.start, this.end).indexOf(needle, from);
  }

  /** Bytes from..to (relative to the front) as UTF-8 text, left in place. */
  text(from: number, to: number): string {
    return this.bytes.toString('utf8', this.start + from, this.start + to);
  }

  /** Removes the first n bytes and returns a copy of them. */
  take(n: number): Buffer {
    const taken = Buffer.from(this.bytes.subarray(this.start, this.start + n));
    this.drop(n);
    return taken;
  }

  /** Removes the first n bytes. */
  drop(n: number): void {
    this.start += n;
    if (this.start < this.end) return;
    this.start = this.end = 0;
    // A session lives for the whole run: don't keep the room a large answer needed.
    if (this.bytes.length > 1 << 20) this.bytes = Buffer.alloc(0);
  }
}
