import { createHash } from 'node:crypto';
import type { LoadedDocument } from '../1-load/parse-file.ts';
import { canonicalJson } from '../4-emit/canonical-json.ts';
import type { DataModel } from '../contract/data-model.ts';
import { definitionKey, type DefinitionKey, type Kind } from '../contract/definition.ts';
import type { Definition } from '../1-load/definition.ts';

/**
 * What one kind analyzer or emitter call read from the rest of the workspace, so that a later
 * build can tell whether the call would read the same and its result can be reused.
 *
 * Reads are recorded at the granularity the compiler's contexts offer: a definition handed out by
 * `lookup`, `byKind`, `reference` or the `definitions` map is a proxy that records nothing for its
 * `kind` and `name` (the lookup or the list already pins those) and a dependency on the
 * definition's document for anything else (its spec, metadata, document). So a template that only
 * lists segment names is not recompiled when a segment's rule changes, while a segment whose rule
 * reads a trait's outputs is.
 */
export interface Reads {
  /** The data model's canonical JSON when it was read. */
  dataModel?: string;
  /** Definitions whose content was read, by the document they came from (undefined: did not exist). */
  content: Map<DefinitionKey, LoadedDocument | undefined>;
  /** Whether a definition existed when it was looked up. */
  presence: Map<DefinitionKey, boolean>;
  /** Lists read: a kind's definitions (`byKind`) or, under `*`, every definition; keys joined by newlines. */
  lists: Map<string, string>;
  /** Facts of other definitions read, by identity (a reused analysis hands out the same object). */
  facts: Map<DefinitionKey, unknown>;
  /**
   * Lists whose every member's content was read (every rule reads every trait's outputs), kept as
   * one signature of the members' documents instead of one entry per member.
   */
  listContent: Map<string, string>;
  /** Kinds whose every definition's facts were read (every segment's SQL reads every trait's), as one signature. */
  kindFacts: Map<string, string>;
}

/** The current build as a recording is checked against it. */
export interface World {
  definitions: ReadonlyMap<DefinitionKey, Definition>;
  factsOf(key: DefinitionKey): unknown;
  /** The definitions of a kind, sorted by name (the analyze context's `byKind`); absent in emit. */
  byKind?: (kind: Kind) => readonly Definition[];
  /** Canonical JSON of the data model. */
  dataModelJson(): string;
  /** A digest of the keys of a list (`*` or a kind): memoized per build, since many recordings compare it. */
  listKeys(list: string): string;
  /** A digest of the identities of a list's documents: memoized per build. */
  listDocuments(list: string): string;
  /** A digest of the keys of a kind's definitions with the identities of their facts: memoized per build. */
  kindFacts(kind: string): string;
  /** How many definitions of a kind there are. */
  kindSize(kind: string): number;
}

export const ALL_DEFINITIONS = '*';

export function keyOf(def: Definition): DefinitionKey {
  return definitionKey(def.kind, def.name);
}

export function joinKeys(defs: Iterable<Definition>): string {
  let out = '';
  for (const d of defs) out += `${d.kind}/${d.name}\n`;
  return out;
}

const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;

/** A number per object (a parsed document, a facts object), for signatures of lists of them. */
function objectId(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let id = objectIds.get(value);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(value, id);
  }
  return id;
}

const modelJson = new WeakMap<LoadedDocument, string>();

/**
 * The data model's canonical JSON. The model is a function of the Workspace document alone (phase 2
 * normalizes it from that document), so it is worked out again only when that document changes.
 */
function dataModelJson(definitions: ReadonlyMap<DefinitionKey, Definition>, dataModel: DataModel): string {
  let workspace: LoadedDocument | undefined;
  for (const [key, def] of definitions) {
    if (key.startsWith('Workspace/')) {
      workspace = def.doc;
      break;
    }
  }
  if (!workspace) return canonicalJson(dataModel);
  let json = modelJson.get(workspace);
  if (json === undefined) {
    json = canonicalJson(dataModel);
    modelJson.set(workspace, json);
  }
  return json;
}

/**
 * Signatures are compared by many recordings per build; a digest keeps each comparison short
 * (the key list of a large workspace runs to tens of kilobytes).
 */
function digestOf(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

export function kindOfKey(key: DefinitionKey): string {
  return key.slice(0, key.indexOf('/'));
}

/** Builds the per-build World for a context; the list signatures are memoized. */
export function makeWorld(parts: Pick<World, 'definitions' | 'factsOf' | 'byKind'> & { dataModel: DataModel }): World {
  const keys = new Map<string, string>();
  const docs = new Map<string, string>();
  const facts = new Map<string, string>();
  let byKind: Map<string, DefinitionKey[]> | undefined;
  const keysOfKind = (kind: string): DefinitionKey[] => {
    if (!byKind) {
      byKind = new Map();
      for (const key of parts.definitions.keys()) {
        const k = kindOfKey(key);
        const list = byKind.get(k) ?? [];
        list.push(key);
        byKind.set(k, list);
      }
    }
    return byKind.get(kind) ?? [];
  };
  let model: string | undefined;
  const members = (list: string): Iterable<Definition> =>
    list === ALL_DEFINITIONS ? parts.definitions.values() : (parts.byKind?.(list as Kind) ?? []);
  return {
    ...parts,
    dataModelJson: () => (model ??= dataModelJson(parts.definitions, parts.dataModel)),
    listKeys(list) {
      let digest = keys.get(list);
      if (digest === undefined) {
        digest = digestOf(joinKeys(members(list)));
        keys.set(list, digest);
      }
      return digest;
    },
    listDocuments(list) {
      let digest = docs.get(list);
      if (digest === undefined) {
        digest = digestOf([...members(list)].map((d) => objectId(d.doc)).join(','));
        docs.set(list, digest);
      }
      return digest;
    },
    kindFacts(kind) {
      let digest = facts.get(kind);
      if (digest === undefined) {
        digest = digestOf(
          keysOfKind(kind)
            .map((key) => `${key}=${objectId(parts.factsOf(key))}`)
            .join(','),
        );
        facts.set(kind, digest);
      }
      return digest;
    },
    kindSize: (kind) => keysOfKind(kind).length,
  };
}

/** Whether every read of a recording would read the same in `world`. Runs for every definition on every build. */
export function readsStillHold(reads: Reads, world: World): boolean {
  if (reads.dataModel !== undefined && reads.dataModel !== world.dataModelJson()) return false;
  // Most maps are empty: test the size first rather than allocate an iterator for nothing.
  if (reads.presence.size > 0) for (const [key, existed] of reads.presence) if (world.definitions.has(key) !== existed) return false;
  if (reads.content.size > 0) for (const [key, doc] of reads.content) if (world.definitions.get(key)?.doc !== doc) return false;
  if (reads.lists.size > 0) for (const [list, keys] of reads.lists) if (world.listKeys(list) !== keys) return false;
  if (reads.listContent.size > 0) for (const [list, docs] of reads.listContent) if (world.listDocuments(list) !== docs) return false;
  if (reads.kindFacts.size > 0) for (const [kind, facts] of reads.kindFacts) if (world.kindFacts(kind) !== facts) return false;
  if (reads.facts.size > 0) for (const [key, facts] of reads.facts) if (world.factsOf(key) !== facts) return false;
  return true;
}

/** Records reads while one analyzer or emitter call runs; closed when it returns. */
export class Recorder {
  readonly reads: Reads = {
    content: new Map(),
    presence: new Map(),
    lists: new Map(),
    facts: new Map(),
    listContent: new Map(),
    kindFacts: new Map(),
  };
  private open = true;
  private readonly proxies = new Map<Definition, Definition>();
  private readonly targets = new WeakMap<object, Definition>();

  constructor(private readonly world: World) {}

  dataModel(): void {
    if (this.open) this.reads.dataModel = this.world.dataModelJson();
  }

  present(key: DefinitionKey, exists: boolean): void {
    if (this.open && !this.reads.presence.has(key)) this.reads.presence.set(key, exists);
  }

  list(list: string): void {
    if (this.open && !this.reads.lists.has(list)) this.reads.lists.set(list, this.world.listKeys(list));
  }

  facts(key: DefinitionKey, value: unknown): void {
    if (this.open && !this.reads.facts.has(key)) this.reads.facts.set(key, value);
  }

  content(def: Definition): void {
    if (this.open) this.reads.content.set(keyOf(def), def.doc);
  }

  /** The definition as handed to the recorded call: a proxy that records content reads. */
  wrap(def: Definition): Definition;
  wrap(def: Definition | undefined): Definition | undefined;
  wrap(def: Definition | undefined): Definition | undefined {
    if (def === undefined) return undefined;
    let proxy = this.proxies.get(def);
    if (!proxy) {
      const touch = () => this.content(def);
      proxy = new Proxy(def, {
        get(target, prop, receiver) {
          if (prop !== 'name' && prop !== 'kind') touch();
          return Reflect.get(target, prop, receiver);
        },
        has(target, prop) {
          touch();
          return Reflect.has(target, prop);
        },
        ownKeys(target) {
          touch();
          return Reflect.ownKeys(target);
        },
        getOwnPropertyDescriptor(target, prop) {
          touch();
          return Reflect.getOwnPropertyDescriptor(target, prop);
        },
      });
      this.proxies.set(def, proxy);
      this.targets.set(proxy, def);
    }
    return proxy;
  }

  /** The real definition behind a proxy (or the value itself), for calls into the real context. */
  unwrap(def: Definition): Definition {
    return this.targets.get(def) ?? def;
  }

  /**
   * Ends the recording. A definition the call kept in its result (facts that point at another
   * definition) can be read later by someone else, so it counts as read in full.
   */
  close(result: unknown): void {
    if (this.proxies.size > 0) this.noteKept(result, new Set());
    this.open = false;
    this.compactLists();
    this.compactFacts();
  }

  /** Facts read for every definition of a kind become one signature. */
  private compactFacts(): void {
    const { facts, kindFacts } = this.reads;
    if (facts.size < 2) return;
    const counts = new Map<string, number>();
    for (const key of facts.keys()) counts.set(kindOfKey(key), (counts.get(kindOfKey(key)) ?? 0) + 1);
    for (const [kind, count] of counts) {
      if (count < 2 || count !== this.world.kindSize(kind)) continue;
      kindFacts.set(kind, this.world.kindFacts(kind));
      for (const key of [...facts.keys()]) if (kindOfKey(key) === kind) facts.delete(key);
    }
  }

  /** A list read whole (every member's content) becomes one signature. */
  private compactLists(): void {
    const { content, lists, listContent } = this.reads;
    if (content.size < 2) return;
    for (const list of lists.keys()) {
      const members = list === ALL_DEFINITIONS ? [...this.world.definitions.values()] : [...(this.world.byKind?.(list as Kind) ?? [])];
      if (members.length < 2 || !members.every((d) => content.get(keyOf(d)) === d.doc)) continue;
      listContent.set(list, this.world.listDocuments(list));
      for (const d of members) content.delete(keyOf(d));
    }
  }

  private noteKept(value: unknown, seen: Set<object>): void {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    const target = this.targets.get(value);
    if (target) {
      this.content(target);
      return;
    }
    if (Array.isArray(value) || value instanceof Set) {
      for (const v of value) this.noteKept(v, seen);
    } else if (value instanceof Map) {
      for (const [k, v] of value) {
        this.noteKept(k, seen);
        this.noteKept(v, seen);
      }
    } else {
      // Plain objects only: class instances (parsed YAML, mapped texts) never hold definitions.
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return;
      for (const v of Object.values(value)) this.noteKept(v, seen);
    }
  }
}

/** A `definitions` map whose reads are recorded: a lookup pins one key, iterating pins them all. */
export class RecordedDefinitions implements ReadonlyMap<DefinitionKey, Definition> {
  constructor(
    private readonly inner: ReadonlyMap<DefinitionKey, Definition>,
    private readonly recorder: Recorder,
  ) {}

  get(key: DefinitionKey): Definition | undefined {
    const def = this.inner.get(key);
    this.recorder.present(key, def !== undefined);
    return this.recorder.wrap(def);
  }

  has(key: DefinitionKey): boolean {
    const exists = this.inner.has(key);
    this.recorder.present(key, exists);
    return exists;
  }

  get size(): number {
    this.recorder.list(ALL_DEFINITIONS);
    return this.inner.size;
  }

  *entries(): MapIterator<[DefinitionKey, Definition]> {
    this.recorder.list(ALL_DEFINITIONS);
    for (const [key, def] of this.inner) yield [key, this.recorder.wrap(def)];
  }

  *keys(): MapIterator<DefinitionKey> {
    this.recorder.list(ALL_DEFINITIONS);
    yield* this.inner.keys();
  }

  *values(): MapIterator<Definition> {
    for (const [, def] of this.entries()) yield def;
  }

  forEach(fn: (value: Definition, key: DefinitionKey, map: ReadonlyMap<DefinitionKey, Definition>) => void, thisArg?: unknown): void {
    for (const [key, def] of this.entries()) fn.call(thisArg, def, key, this);
  }

  [Symbol.iterator](): MapIterator<[DefinitionKey, Definition]> {
    return this.entries();
  }
}
