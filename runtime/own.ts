// Lookups in objects keyed by user names (streams, models, metrics, item ids). A stream named
// `__proto__` or `constructor` must find its own entry, never Object.prototype's; and storing
// under such a name must define a property, never set the prototype.

/** The object's own property `key`, else undefined. */
export function own<T>(object: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return object !== undefined && Object.hasOwn(object, key) ? object[key] : undefined;
}

/** An empty object without a prototype: any key, `__proto__` included, is an ordinary property. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
