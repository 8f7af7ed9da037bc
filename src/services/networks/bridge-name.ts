/**
 * Why a bridge name (`--bridge`, daemon.json `bridge`, `-o com.docker.network.bridge.name`) is
 * unusable, or undefined. The kernel's rules (dev_valid_name: under 16 bytes, not `.`/`..`, no
 * `/`, `:` or whitespace), and what would make berth's own tools read it as something else: `+`
 * (an iptables wildcard: `eth+` is every eth* interface), `%` (the kernel numbers `br%d` itself),
 * a leading `-` or `!` (an option or a negation to ip/iptables), control characters.
 */
export function bridgeNameError(name: string): string | undefined {
  const bad = (why: string): string => `invalid bridge name ${JSON.stringify(name)}: ${why}`;
  if (name === '') return bad('empty');
  if (Buffer.byteLength(name) > 15) return `bridge name ${name} is longer than 15 characters`;
  if (name === '.' || name === '..') return bad('not an interface name');
  if (name.includes('+')) return bad('"+" is an iptables wildcard');
  const c = /[/:%\s\p{Cc}]/u.exec(name)?.[0];
  if (c !== undefined) return bad(`${JSON.stringify(c)} is not allowed in an interface name`);
  if (/^[-!]/.test(name)) return bad(`it may not start with "${name[0]}"`);
  return undefined;
}
