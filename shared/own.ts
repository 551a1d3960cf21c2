// Lookups by a name that came over the wire: only the map's own entries count, so `__proto__`,
// `constructor` or `toString` never resolve to something inherited from Object.prototype.
export function own<T>(map: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}
