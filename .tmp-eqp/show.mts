import { buildManifest } from '../test/segments/manifest-builder.ts';
import { SHOP_MODEL } from '../test/segments/generate-data.ts';
import { segmentsOf } from '../runtime/manifest.ts';
const rules: Record<string, string> = JSON.parse(process.argv[2]!);
const m = buildManifest({ dataModel: SHOP_MODEL, segments: rules });
for (const s of segmentsOf(m)) for (const d of ['sqlite', 'postgres'] as const) console.log(s.name, d, '\n ', s.compiled.sql[d].sql, '\n ', JSON.stringify(s.compiled.sql[d].parameters));
