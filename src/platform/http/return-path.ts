/** A safe local return path (`retour`: only a path of this site, never another host), or `fallback`. */
export function safeReturnPath(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?!\/)[^\s\\]*$/.test(value) && !value.startsWith('/\\') ? value : fallback;
}
