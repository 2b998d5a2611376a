/**
 * Text written `!unsafe` in YAML (Ansible's AnsibleUnsafeText): never templated, wherever it goes.
 * Only text that looks like a template needs the mark; it prints and serializes as its text.
 */
export class UnsafeText {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
  toJSON(): string {
    return this.text;
  }
}
