/**
 * The simulated etcd: objects per storage, keyed `namespace/name` and listed in key order as the
 * real server lists them, with a cluster-wide resourceVersion counter and stable uids.
 */
import { createHash } from 'node:crypto';
import type { K8sObject } from '../scenario/types.js';
import { toCoreEvent, toEventsV1 } from './events.js';
import type { Registry, ResourceType } from './registry.js';

export type Obj = Record<string, unknown> & { metadata: Record<string, unknown> & { name: string } };

/** A uid derived from the object's identity, so the same scenario always yields the same uids. */
function stableUid(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function keyOf(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

export class Store {
  private readonly data = new Map<string, Map<string, Obj>>();
  private revision = 1000;

  constructor(registry: Registry, objects: readonly K8sObject[]) {
    for (const object of objects) {
      const type = registry.byKind(object.apiVersion, object.kind);
      if (type === undefined) continue; // registry.ts registers every scenario kind
      this.put(type, structuredClone(object) as Obj);
    }
  }

  get resourceVersion(): string {
    return String(this.revision);
  }

  private bucket(type: ResourceType): Map<string, Obj> {
    let bucket = this.data.get(type.storage);
    if (bucket === undefined) {
      bucket = new Map();
      this.data.set(type.storage, bucket);
    }
    return bucket;
  }

  /** Stores an object given in `type`'s API form, filling uid and resourceVersion as etcd would. */
  put(type: ResourceType, object: Obj): Obj {
    const stored = (type.storage === 'events' && type.group !== '' ? toCoreEvent(object) : object) as Obj;
    const meta = stored.metadata;
    if (!type.namespaced) delete meta.namespace;
    this.revision++;
    meta.uid ??= stableUid(`${type.storage}/${keyOf(meta.namespace as string | undefined, meta.name)}`);
    meta.resourceVersion ??= String(this.revision);
    this.bucket(type).set(keyOf(meta.namespace as string | undefined, meta.name), stored);
    return this.render(type, stored, true);
  }

  get(type: ResourceType, namespace: string, name: string): Obj | undefined {
    const stored = this.bucket(type).get(keyOf(namespace, name));
    return stored === undefined ? undefined : this.render(type, stored, true);
  }

  /** Objects of `type` in `namespace` (every namespace when ''), in key order, without kind/apiVersion. */
  list(type: ResourceType, namespace: string): { key: string; object: Obj }[] {
    const out: { key: string; object: Obj }[] = [];
    for (const [key, stored] of this.bucket(type)) {
      if (namespace !== '' && stored.metadata.namespace !== namespace) continue;
      out.push({ key, object: this.render(type, stored, !type.builtIn) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The stored (core-form) object, for field selectors, which name the storage's fields. */
  raw(type: ResourceType, key: string): Obj | undefined {
    return this.bucket(type).get(key);
  }

  delete(type: ResourceType, namespace: string, name: string): Obj | undefined {
    const bucket = this.bucket(type);
    const key = keyOf(namespace, name);
    const stored = bucket.get(key);
    if (stored === undefined) return undefined;
    bucket.delete(key);
    this.revision++;
    return this.render(type, stored, true);
  }

  /** A copy in `type`'s API form; lists of built-in kinds drop each item's apiVersion and kind. */
  private render(type: ResourceType, stored: Obj, withTypeMeta: boolean): Obj {
    const copy = structuredClone(stored);
    const api = (type.storage === 'events' && type.group !== '' ? toEventsV1(copy) : copy) as Obj;
    if (withTypeMeta) {
      const { apiVersion: _a, kind: _k, ...rest } = api;
      return {
        apiVersion: type.group === '' ? type.version : `${type.group}/${type.version}`,
        kind: type.kind,
        ...rest,
      };
    }
    const { apiVersion: _a, kind: _k, ...rest } = api;
    return rest as Obj;
  }
}
