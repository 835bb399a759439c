/**
 * Derives the manifest schema's `compiled` shapes from the TypeScript types (one source of truth):
 * reads `CompiledByKind` in compiler/contract/compiled.ts with the TypeScript checker, turns every
 * type it reaches into a JSON Schema definition (doc comments become descriptions), and writes them
 * into schemas/manifest.schema.json together with one `if kind … then compiled …` rule per kind.
 *
 *   node bin/run-ts.js scripts/manifest-schema.ts          rewrite the schema
 *   node bin/run-ts.js scripts/manifest-schema.ts --check  exit 1 when it is not current
 *
 * test/contract/compiled-schema.test.ts runs the check. The types may use: interfaces and object
 * literals, optional properties, string/number/boolean/null, literal unions (enums), unions of
 * objects tagged by `kind` (a discriminator), other unions, arrays, tuples, `Record` (finite keys
 * become required properties) and `Partial`, intersections of objects, and `unknown`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

type Schema = Record<string, unknown>;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ENTRY = `${ROOT}compiler/contract/compiled.ts`;
export const MANIFEST_SCHEMA_PATH = `${ROOT}schemas/manifest.schema.json`;
/** Definitions of the manifest schema written by hand (everything else there is generated). */
const HAND_WRITTEN = new Set(['hash', 'key', 'keyList', 'field', 'fields']);
/**
 * Rule positions: some compiled blocks keep them (segment rules, source mappings), others strip
 * them (journeys, models), so the runtime never relies on them and the schema does not require them.
 */
const OPTIONAL_TYPES = new Set(['Span']);

/** The generated part: a definition per named type, and the per-kind rules on `compiled`. */
export function compiledSchema(): { definitions: Record<string, Schema>; byKind: Schema[] } {
  const program = ts.createProgram([ENTRY], {
    strict: true,
    noEmit: true,
    allowImportingTsExtensions: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(ENTRY);
  if (!source) throw new Error(`cannot read ${ENTRY}`);
  const table = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'CompiledByKind',
  );
  if (!table) throw new Error('compiler/contract/compiled.ts has no CompiledByKind');

  const definitions: Record<string, Schema> = {};
  const named = new Map<ts.Type, string>();

  const docOf = (symbol: ts.Symbol | undefined): string | undefined => {
    const text = symbol ? ts.displayPartsToString(symbol.getDocumentationComment(checker)).replace(/\s+/g, ' ').trim() : '';
    return text === '' ? undefined : text;
  };

  /** A name for the type when it is declared under one in the contract (and not a generic's instance). */
  const nameOf = (type: ts.Type): { name: string; symbol: ts.Symbol } | undefined => {
    const symbol = type.aliasSymbol ?? type.getSymbol();
    if (!symbol || (type.aliasSymbol && type.aliasTypeArguments?.length)) return undefined;
    const declaration = symbol.declarations?.[0];
    if (!declaration || !declaration.getSourceFile().fileName.includes('/compiler/contract/')) return undefined;
    if (!ts.isInterfaceDeclaration(declaration) && !ts.isTypeAliasDeclaration(declaration)) return undefined;
    if (ts.isInterfaceDeclaration(declaration) && declaration.typeParameters?.length) return undefined;
    return { name: symbol.getName(), symbol };
  };

  const convert = (type: ts.Type, top = false): Schema => {
    const id = nameOf(type);
    if (id && !top) {
      if (!named.has(type)) {
        if (id.name in definitions) throw new Error(`two contract types are both named ${id.name}`);
        named.set(type, id.name);
        const description = docOf(id.symbol);
        definitions[id.name] = {};
        definitions[id.name] = { ...(description ? { description } : {}), ...convert(type, true) };
      }
      return { $ref: `#/definitions/${named.get(type)}` };
    }
    if (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) return {};
    if (type.flags & ts.TypeFlags.String) return { type: 'string' };
    if (type.flags & ts.TypeFlags.TemplateLiteral) return { type: 'string' };
    if (type.flags & ts.TypeFlags.Number) return { type: 'number' };
    if (type.flags & ts.TypeFlags.Boolean) return { type: 'boolean' };
    if (type.flags & ts.TypeFlags.Null) return { type: 'null' };
    if (type.isStringLiteral() || type.isNumberLiteral()) return { const: type.value };
    if (type.flags & ts.TypeFlags.BooleanLiteral) return { const: checker.typeToString(type) === 'true' };
    if (type.isUnion()) return union(type);
    if (checker.isTupleType(type)) {
      const items = checker.getTypeArguments(type as ts.TypeReference).map((t) => convert(t));
      return { type: 'array', items, minItems: items.length, maxItems: items.length };
    }
    if (checker.isArrayType(type)) return { type: 'array', items: convert(checker.getTypeArguments(type as ts.TypeReference)[0]!) };
    if (type.flags & ts.TypeFlags.Object || type.isIntersection()) return object(type);
    throw new Error(`the manifest schema cannot express the type ${checker.typeToString(type)}`);
  };

  const union = (type: ts.UnionType): Schema => {
    // `T | undefined` (an optional property): T itself, which keeps the name of a named union.
    if (type.types.some((t) => t.flags & ts.TypeFlags.Undefined) && !type.types.some((t) => t.flags & ts.TypeFlags.Null)) {
      const inner = checker.getNonNullableType(type);
      if (inner !== type) return convert(inner);
    }
    const members = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
    const literals: ts.Type[] = members.filter((t) => t.isStringLiteral() || t.isNumberLiteral());
    const booleans = members.filter((t) => t.flags & ts.TypeFlags.BooleanLiteral);
    const rest = members.filter((t) => !literals.includes(t) && !booleans.includes(t));
    const parts: Schema[] = [];
    if (literals.length) parts.push({ enum: literals.map((t) => (t as ts.LiteralType).value) });
    if (booleans.length === 2) parts.push({ type: 'boolean' });
    else for (const b of booleans) parts.push(convert(b));
    const objects = rest.filter((t) => t.flags & ts.TypeFlags.Object && !checker.isArrayType(t));
    const tagged = objects.length === rest.length && rest.length > 1 && rest.every((t) => isLiteralProperty(t, 'kind'));
    if (tagged && parts.length === 0)
      return { type: 'object', discriminator: { propertyName: 'kind' }, oneOf: rest.map((t) => convert(t)) };
    for (const t of rest) parts.push(convert(t));
    return parts.length === 1 ? parts[0]! : { anyOf: parts };
  };

  const isLiteralProperty = (type: ts.Type, name: string): boolean => {
    const property = type.getProperty(name);
    if (!property) return false;
    const t = checker.getTypeOfSymbol(property);
    return t.isStringLiteral() || (t.isUnion() && t.types.every((m) => m.isStringLiteral()));
  };

  const object = (type: ts.Type): Schema => {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    for (const property of checker.getPropertiesOfType(type)) {
      const propertyType = checker.getTypeOfSymbol(property);
      if (propertyType.getCallSignatures().length) continue;
      const description = docOf(property);
      const schema = convert(propertyType);
      properties[property.getName()] = description ? { description, ...schema } : schema;
      const optional = property.flags & ts.SymbolFlags.Optional || OPTIONAL_TYPES.has(nameOf(propertyType)?.name ?? '');
      if (!optional) required.push(property.getName());
    }
    const index = checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
    return {
      type: 'object',
      ...(required.length ? { required } : {}),
      ...(Object.keys(properties).length ? { properties } : {}),
      additionalProperties: index ? convert(index.type) : false,
    };
  };

  const byKind: Schema[] = [];
  for (const member of table.members) {
    if (!ts.isPropertySignature(member) || !member.type) continue;
    const kind = (member.name as ts.Identifier).text;
    const ref = convert(checker.getTypeFromTypeNode(member.type));
    byKind.push({ if: { properties: { kind: { const: kind } } }, then: { properties: { compiled: ref } } });
  }
  const sorted = Object.fromEntries(
    Object.keys(definitions)
      .sort()
      .map((k) => [k, definitions[k]!]),
  );
  return { definitions: sorted, byKind };
}

/** The manifest schema with its generated part replaced by a fresh one. */
export function currentManifestSchema(text: string = readFileSync(MANIFEST_SCHEMA_PATH, 'utf8')): Schema {
  const schema = JSON.parse(text) as Schema & {
    definitions: Record<string, Schema>;
    properties: { definitions: { additionalProperties: Schema } };
  };
  const generated = compiledSchema();
  const kept = Object.fromEntries(Object.entries(schema.definitions).filter(([k]) => HAND_WRITTEN.has(k)));
  const definition = schema.properties.definitions.additionalProperties;
  definition.allOf = generated.byKind;
  return { ...schema, definitions: { ...kept, ...generated.definitions } };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = readFileSync(MANIFEST_SCHEMA_PATH, 'utf8');
  const fresh = `${JSON.stringify(currentManifestSchema(text), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(JSON.parse(fresh))) {
      console.error('schemas/manifest.schema.json is not current: run node bin/run-ts.js scripts/manifest-schema.ts');
      process.exit(1);
    }
  } else {
    writeFileSync(MANIFEST_SCHEMA_PATH, fresh);
  }
}
