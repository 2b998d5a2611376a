/** Where the command reads and writes: the process's streams, or a test's. */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  isTTY: boolean;
  /** Relative paths on the command line are taken from here. */
  cwd: string;
  /** Where RUN_PLAYBOOK_VAR_* variables are read. */
  env: NodeJS.ProcessEnv;
}
