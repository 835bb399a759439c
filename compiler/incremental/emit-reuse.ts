import type { LoadedDocument } from '../1-load/parse-file.ts';
import { hashJson, sha256 } from '../4-emit/canonical-json.ts';
import type { EmitReuse } from '../4-emit/index.ts';
import type { Definition } from '../1-load/definition.ts';
import type { ContentHash, ManifestDefinition } from '../contract/manifest.ts';

/**
 * What the emit phase computes per definition besides its compiled block, remembered between
 * builds (4-emit's EmitReuse): the normalized entry of an unchanged document, the hash of a
 * compiled block, that a block was checked to be plain JSON, and the hashes of build files. A reused block is the same
 * object as before (emit-memo.ts), so identity is what these go by.
 */
export class RememberedEmit implements EmitReuse {
  private readonly entries = new WeakMap<LoadedDocument, ManifestDefinition>();
  private readonly hashes = new WeakMap<object, ContentHash>();
  /** The latest content and hash per build file path written (so about the size of one build). */
  private readonly files = new Map<string, { content: string; hash: ContentHash }>();

  normalized(def: Definition, compute: (def: Definition) => ManifestDefinition): ManifestDefinition {
    let entry = this.entries.get(def.doc);
    if (!entry) {
      entry = compute(def);
      this.entries.set(def.doc, entry);
    }
    // The phase fills in the graph and the compiled block on the entry it gets: hand out a copy.
    return { ...entry, dependsOn: [], dependents: [] };
  }

  /** Called only for blocks that passed the phase's plain-JSON check, so a remembered hash also means "checked". */
  compiledHash(compiled: unknown): ContentHash {
    if (typeof compiled !== 'object' || compiled === null) return hashJson(compiled) as ContentHash;
    let hash = this.hashes.get(compiled);
    if (hash === undefined) {
      hash = hashJson(compiled) as ContentHash;
      this.hashes.set(compiled, hash);
    }
    return hash;
  }

  /** A reused emitter writes the very same string again, so comparing is cheap where hashing is not. */
  fileHash(path: string, content: string): ContentHash {
    const known = this.files.get(path);
    if (known && known.content === content) return known.hash;
    const hash = sha256(content) as ContentHash;
    this.files.set(path, { content, hash });
    return hash;
  }

  checkedJson(compiled: unknown): boolean {
    return typeof compiled === 'object' && compiled !== null && this.hashes.has(compiled);
  }
}
