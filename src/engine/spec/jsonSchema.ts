/**
 * The editor's JSON Schema of `*.dropout.json` (`schemas/dropout.schema.json`, which package.json's `jsonValidation`
 * points to), generated from the rule table and its descriptions by `scripts/generate-schema.ts` (run by the build).
 *
 * It serves completion and hover, and validates nothing: the extension reports every problem itself (positioned, with
 * a suggestion), and a schema that validated too would show each problem twice in the Problems panel. So it has none
 * of the keywords VS Code's JSON language service validates (`type`, `enum`, `const`, bounds, lengths, `required`,
 * `additionalProperties`, `oneOf`/`anyOf`) — except inside an `if`, which only selects a branch and reports nothing.
 * Values are offered through the keywords the service only suggests: `default`, `examples` and `defaultSnippets`;
 * an object's template comes from its `properties`, a list's from its `items`.
 */
import {
  FIELD_DOCS, HP_REF_DOC, RATES_LIST_DOC, RATES_RANGE_DOC, SPEC_DOC, SPEC_TITLE, VARIANT_TYPE_DOCS, type FieldDoc,
} from './schemaDocs';
import { SPEC_SHAPES, VARIANTS, variantTypeField, type Field, type Shape, type SpecLevel, type VariantName } from './rules';
import { expected } from './walker';

export type JsonSchema = { [keyword: string]: unknown };

/** Where the generated schema is kept, relative to the repository. */
export const SCHEMA_PATH = 'schemas/dropout.schema.json';

const GENERATED = 'Generated from the rule table (src/engine/spec/rules.ts, descriptions in src/engine/spec/schemaDocs.ts) by '
  + 'scripts/generate-schema.ts, which npm run build runs: do not edit. For completion and hover only; Dropout Lab validates.';

/** The schema as the file holds it: two-space JSON and a final newline. */
export function specJsonSchemaText(): string {
  return `${JSON.stringify(specJsonSchema(), null, 2)}\n`;
}

const VARIANT_NAMES = Object.keys(VARIANTS) as VariantName[];
/** How a variant's type is named among the definitions: `csvDataset`, `conv2dLayer`, `floatHyperparameter`. */
const DEFINITION_SUFFIX: Record<VariantName, string> = { dataset: 'Dataset', layer: 'Layer', hp: 'Hyperparameter' };

export function specJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: GENERATED,
    title: SPEC_TITLE,
    ...described(SPEC_DOC),
    allowComments: true,
    allowTrailingCommas: true,
    properties: propertiesOf('root'),
    definitions: Object.fromEntries(VARIANT_NAMES.flatMap((of) =>
      Object.keys(VARIANTS[of].shapes).map((type) => [definitionName(of, type), variantTypeSchema(of, type)]))),
  };
}

const levelOfShape = new Map<Shape, SpecLevel>(Object.entries(SPEC_SHAPES).map(([level, shape]) => [shape, level as SpecLevel]));
/** The variant and type of each level a `type` chooses. */
const variantOfLevel = new Map<SpecLevel, { of: VariantName; type: string }>(VARIANT_NAMES.flatMap((of) =>
  Object.entries(VARIANTS[of].shapes).map(([type, shape]) => [levelOfShape.get(shape)!, { of, type }] as const)));

function propertiesOf(level: SpecLevel): JsonSchema {
  const docs: Readonly<Record<string, FieldDoc | undefined>> = FIELD_DOCS[level];
  const variant = variantOfLevel.get(level);
  return Object.fromEntries(Object.entries(SPEC_SHAPES[level] as Shape).map(([key, field]) => {
    // The `type` of a variant's level is described by its variant's type doc.
    if (key === 'type' && variant) return [key, described(`\`${variant.type}\`: ${typeDoc(variant.of, variant.type)}`)];
    const doc = docs[key];
    if (!doc) throw new Error(`schemaDocs.ts describes no field ${level}.${key}`);
    return [key, fieldSchema(field, doc)];
  }));
}

function typeDoc(of: VariantName, type: string): string {
  const doc = VARIANT_TYPE_DOCS[of].values?.[type];
  if (!doc) throw new Error(`schemaDocs.ts describes no ${VARIANTS[of].noun} ${type}`);
  return doc;
}

function definitionName(of: VariantName, type: string): string {
  return `${type}${DEFINITION_SUFFIX[of]}`;
}

/** One type's fields, applied (through `allOf` / `if` / `then`) when the object's `type` is that type. */
function variantTypeSchema(of: VariantName, type: string): JsonSchema {
  const level = levelOfShape.get(VARIANTS[of].shapes[type]!)!;
  return { ...described(typeDoc(of, type)), properties: propertiesOf(level) };
}

/** The `type` offered with its values, and one if/then branch per type. */
function variantSchema(of: VariantName): JsonSchema {
  return {
    properties: { type: fieldSchema(variantTypeField(of), VARIANT_TYPE_DOCS[of]) },
    allOf: Object.keys(VARIANTS[of].shapes).map((type) => ({
      if: { properties: { type: { const: type } }, required: ['type'] },
      then: { $ref: `#/definitions/${definitionName(of, type)}` },
    })),
  };
}

function fieldSchema(f: Field, d: FieldDoc): JsonSchema {
  const values = f.kind === 'enum' && d.values ? `\n\n${f.values.map((v) => `- \`${v}\`: ${d.values![v]}`).join('\n')}` : '';
  const schema = described([d.doc + values, facts(f)].filter(Boolean).join('\n\n'));
  if (d.doNotSuggest) schema.doNotSuggest = true;
  // A searchable field's object form: its one property described on hover.
  if ('searchable' in f && f.searchable) schema.properties = propertiesOf('hpRef');
  switch (f.kind) {
    case 'integer': case 'number': case 'rate': case 'string': case 'boolean': case 'size':
      if (f.default !== undefined) schema.default = f.default;
      else if (d.example !== undefined) schema.examples = [d.example];
      if (f.kind === 'size') schema.items = described(`${d.item ?? 'Height, then width.'}`);
      break;
    case 'scalar':
      if (d.example !== undefined) schema.examples = [d.example];
      break;
    case 'enum':
      if (f.default !== undefined) schema.default = f.default;
      // Labels as the service writes values (JSON), so that a default or an `if` branch's const offering the same
      // value merges with its snippet instead of being listed twice.
      schema.defaultSnippets = f.values.map((v) => ({ label: JSON.stringify(v), markdownDescription: d.values?.[v] ?? d.doc, body: v }));
      break;
    case 'object': {
      const level = levelOfShape.get(f.shape);
      if (!level) throw new Error('an object field whose shape is not a level of SPEC_SHAPES');
      schema.properties = propertiesOf(level);
      if (f.default) schema.default = f.default;
      break;
    }
    case 'list':
      if (!d.item) throw new Error(`schemaDocs.ts describes no item of the list "${d.doc}"`);
      schema.items = {
        ...described([d.item, f.item.kind === 'variant' ? undefined : facts(f.item)].filter(Boolean).join('\n\n')),
        ...(f.item.kind === 'variant' ? variantSchema(f.item.of) : {}),
      };
      break;
    case 'variant':
      Object.assign(schema, variantSchema(f.of));
      break;
    case 'map':
      if (!d.item) throw new Error(`schemaDocs.ts describes no entry of "${d.doc}"`);
      // A schema (never false): it describes each entry and, having no validating keyword, reports nothing.
      schema.additionalProperties = { ...described(d.item), ...(f.value.kind === 'variant' ? variantSchema(f.value.of) : {}) };
      schema.defaultSnippets = [{ label: `{ "name": … }`, markdownDescription: d.doc, body: { '${1:name}': {} } }];
      break;
    case 'rates':
      if (!d.item) throw new Error(`schemaDocs.ts describes no item of the rates "${d.doc}"`);
      // Both forms: a list's items, a range's properties (each applies only to its own kind of value).
      schema.items = described(d.item);
      schema.properties = propertiesOf('rateRange');
      schema.defaultSnippets = [
        { label: '[0, 0.2, 0.5]', markdownDescription: RATES_LIST_DOC, body: '^[${1:0}, ${2:0.2}, ${3:0.5}]' },
        { label: '{"min", "max", "step"}', markdownDescription: RATES_RANGE_DOC, body: '^{ "min": ${1:0}, "max": ${2:0.5}, "step": ${3:0.1} }' },
      ];
      break;
  }
  return schema;
}

/** What the table says beyond the description: whether the field is required, its bounds, its default. */
function facts(f: Field): string | undefined {
  const parts: string[] = [];
  if (f.required) parts.push('required');
  if (f.kind === 'integer' || f.kind === 'number' || f.kind === 'size' || (f.kind === 'list' && f.item.kind !== 'variant')) parts.push(expected(f));
  if ('searchable' in f && f.searchable && f.kind !== 'integer' && f.kind !== 'number') parts.push(HP_REF_DOC);
  if ('default' in f && f.default !== undefined && f.kind !== 'object') {
    parts.push(`default \`${typeof f.default === 'string' ? f.default : JSON.stringify(f.default)}\``);
  }
  const text = parts.join('; ');
  return text ? `${text[0]!.toUpperCase()}${text.slice(1)}.` : undefined;
}

/** A markdown text as the schema's `markdownDescription`, and without its markup as its `description`. */
function described(markdown: string): JsonSchema {
  return { description: markdown.replace(/\*\*|`/g, ''), markdownDescription: markdown };
}
