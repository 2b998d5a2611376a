import pLimit from 'p-limit';
import type { FileState, FileType, PathReading } from '../facts/path-state.js';
import { ByteBuffer } from './byte-buffer.js';
import type { ShellChannel } from './remote-shell.js';

const HELLO = 'k3s-playbook path reader 2';

/** The reader's command line: the program itself travels on stdin, so sudo's log and ps show just this. */
export const PATH_READER_COMMAND = 'perl';

/**
 * A long-lived Perl process that answers "what is at this path" without starting a program per
 * question: a state read through the shell costs one to three exec()s on the host (stat,
 * sha256sum, cat), about 1 ms each on the lab hosts, this a few syscalls. Only perl-base is used,
 * which Debian and Ubuntu mark Essential (always installed); where there is no perl the connection
 * reads through the shell instead.
 *
 * One request per line: the largest content wanted (-1: any size) and the path in hex. One answer:
 * `absent`, `error <why>`, or `<type> <mode> <owner> <group> <size> <link target or -> <uid> <gid> <links> <n>` (names
 * in hex: a directory service's group may be "domain users") followed by n bytes of content (n =
 * -1: none sent). The comment line sudo's password hand-over may leave (SshConnection.openChannel)
 * reaches perl before the program, as a Perl comment.
 */
const PATH_READER_PROGRAM = String.raw`
use strict; use Errno;
$| = 1; binmode STDIN; binmode STDOUT;
my (%users, %groups);
sub fail { my $why = "$_[0]"; $why =~ s/\s+/ /g; print "error $why\n" }
print "${HELLO}\n";
while (my $request = <STDIN>) {
  chomp $request;
  my ($max, $hex) = split / /, $request, 2;
  my $path = pack 'H*', $hex;
  my @st = lstat $path;
  if (!@st) { if ($!{ENOENT} || $!{ENOTDIR}) { print "absent\n" } else { fail $! } next }
  my $type = -l _ ? 'link' : -d _ ? 'directory' : -f _ ? 'file' : 'other';
  my $owner = $users{$st[4]} //= scalar(getpwuid $st[4]) // $st[4];
  my $group = $groups{$st[5]} //= scalar(getgrgid $st[5]) // $st[5];
  my $link = $type eq 'link' ? unpack('H*', readlink($path) // '') : '-';
  my $header = sprintf '%s %o %s %s %d %s %d %d %d', $type, $st[2] & 07777, unpack('H*', $owner), unpack('H*', $group), $st[7], $link, $st[4], $st[5], $st[3];
  if ($type eq 'file' && ($max < 0 || $st[7] <= $max)) {
    my $fh;
    if (!open $fh, '<:raw', $path) { fail $!; next }
    local $/; my $data = <$fh> // ''; close $fh;
    print "$header ", length($data), "\n", $data;
  } else { print "$header -1\n" }
}
__END__
`;

/** The client end: sends the program to perl on a channel, then asks it one question at a time. */
export class PathReader {
  private readonly queue = pLimit(1);
  private readonly buffer = new ByteBuffer();
  private pending?: () => void;
  private closedReason?: string;
  /** Resolves true once the program has said hello, false if the channel ended first (no perl). */
  readonly started: Promise<boolean>;

  constructor(private readonly channel: ShellChannel) {
    let errors = '';
    channel.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    this.started = new Promise((resolve) => {
      this.pending = () => {
        // Anything before the hello (a chatty shell start-up file) is not an answer.
        const hello = this.buffer.indexOf(`${HELLO}\n`);
        if (hello !== -1) {
          this.buffer.drop(hello + HELLO.length + 1);
          this.pending = undefined;
          resolve(true);
        } else if (this.closedReason) resolve(false);
      };
    });
    channel.on('data', (chunk: Buffer) => {
      this.buffer.append(chunk);
      this.pending?.();
    });
    channel.on('close', () => {
      this.closedReason ??= `the path reader ended${errors ? `: ${errors.trim()}` : ''}`;
      this.pending?.();
    });
    // perl reads its program up to __END__, then runs it; what follows on stdin are the questions.
    channel.write(PATH_READER_PROGRAM);
  }

  /** The state of a path, with its content when it is a file of at most maxContent bytes (-1: any). */
  read(path: string, maxContent: number): Promise<PathReading> {
    return this.queue(async () => {
      if (!(await this.started)) throw new Error(this.closedReason);
      return this.readNow(path, maxContent);
    });
  }

  private readNow(path: string, maxContent: number): Promise<PathReading> {
    if (this.closedReason) return Promise.reject(new Error(this.closedReason));
    return new Promise((resolve, reject) => {
      this.pending = () => {
        const answer = this.takeAnswer(path);
        if (answer) {
          this.pending = undefined;
          if (answer instanceof Error) reject(answer);
          else resolve(answer);
        } else if (this.closedReason) {
          this.pending = undefined;
          reject(new Error(this.closedReason));
        }
      };
      this.channel.write(`${maxContent} ${Buffer.from(path).toString('hex')}\n`);
    });
  }

  /** The answer at the head of the buffer, once it has fully arrived. */
  private takeAnswer(path: string): PathReading | Error | undefined {
    const newline = this.buffer.indexOf('\n');
    if (newline === -1) return undefined;
    const header = this.buffer.text(0, newline);
    if (header === 'absent' || header.startsWith('error ')) {
      this.buffer.drop(newline + 1);
      return header === 'absent' ? { state: { type: 'absent' } } : new Error(`cannot read the state of ${path}: ${header.slice(6)}`);
    }
    const [type, mode, owner, group, size, link, uid, gid, nlink, length] = header.split(' ');
    const contentLength = Number(length);
    if (contentLength > 0 && this.buffer.length < newline + 1 + contentLength) return undefined;
    this.buffer.drop(newline + 1);
    const content = contentLength >= 0 ? this.buffer.take(contentLength) : undefined;
    const text = (hex: string) => Buffer.from(hex, 'hex').toString('utf8');
    const state: FileState = {
      type: type as FileType,
      mode: mode.padStart(4, '0'),
      owner: text(owner),
      group: text(group),
      uid: Number(uid),
      gid: Number(gid),
      size: Number(size),
      nlink: Number(nlink),
    };
    if (type === 'link') state.linkTarget = text(link);
    return { state, content };
  }

  close(): void {
    this.closedReason ??= 'the path reader was closed';
    this.channel.end();
  }
}
