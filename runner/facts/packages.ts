// Installed packages as Ansible's package_facts reports them for apt: by name, each version a list item.

export interface PackageFact {
  name: string;
  version: string;
  arch: string;
  category: string;
  source: 'apt';
}

/** Every package dpkg knows, with its status (the second letter of Status-Abbrev is 'i' when installed). */
export const packagesCommand = "dpkg-query -W -f='${Package}\\t${Version}\\t${Architecture}\\t${Section}\\t${db:Status-Abbrev}\\n'";

export function parsePackages(output: string): Record<string, PackageFact[]> {
  const packages: Record<string, PackageFact[]> = {};
  for (const line of output.split('\n')) {
    const [name, version, arch, category, status] = line.split('\t');
    if (!name || status?.[1] !== 'i') continue;
    (packages[name] ??= []).push({ name, version, arch, category, source: 'apt' });
  }
  return packages;
}
