// What is at a path on a host: the words connections, facts and modules share.

export type FileType = 'file' | 'directory' | 'link' | 'other' | 'absent';

/** What is at a path on the host, as one round trip reads it. */
export interface FileState {
  type: FileType;
  mode?: string;
  owner?: string;
  group?: string;
  uid?: number;
  gid?: number;
  size?: number;
  /** How many names the inode has: a regular file with more than one is what Ansible calls 'hard'. */
  nlink?: number;
  sha256?: string;
  linkTarget?: string;
}

/** What a module needs to know of a path: its attributes, also its checksum, or also its content. */
export type PathWant = 'attributes' | 'checksum' | 'content';

/** What is at a path, with its bytes when they were read. */
export interface PathReading {
  state: FileState;
  content?: Buffer;
}
