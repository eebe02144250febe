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
import type { DatasetType } from '../../core/spec';
import { DATASET_TYPE_DOC, FIELD_DOCS, RATES_LIST_DOC, RATES_RANGE_DOC, SPEC_DOC, SPEC_TITLE, type FieldDoc } from './schemaDocs';
import { DATASET_TYPE_FIELD, DATASET_TYPES, SPEC_SHAPES, type Field, type Shape, type SpecLevel } from './rules';
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

export function specJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $comment: GENERATED,
    title: SPEC_TITLE,
    ...described(SPEC_DOC),
    allowComments: true,
    allowTrailingCommas: true,
    properties: propertiesOf('root'),
    definitions: Object.fromEntries(DATASET_TYPES.map((type) => [definitionName(type), datasetSchema(type)])),
  };
}

const levelOfShape = new Map<Shape, SpecLevel>(Object.entries(SPEC_SHAPES).map(([level, shape]) => [shape, level as SpecLevel]));

function propertiesOf(level: SpecLevel): JsonSchema {
  const docs: Readonly<Record<string, FieldDoc | undefined>> = FIELD_DOCS[level];
  return Object.fromEntries(Object.entries(SPEC_SHAPES[level] as Shape).map(([key, field]) => {
    // The `type` of a dataset level is described by its type (DATASET_TYPE_DOC).
    if (key === 'type' && isDatasetType(level)) return [key, described(`Dataset type \`${level}\`: ${DATASET_TYPE_DOC.values![level]}`)];
    const doc = docs[key];
    if (!doc) throw new Error(`schemaDocs.ts describes no field ${level}.${key}`);
    return [key, fieldSchema(field, doc)];
  }));
}

function isDatasetType(level: string): level is DatasetType {
  return (DATASET_TYPES as readonly string[]).includes(level);
}

function definitionName(type: DatasetType): string {
  return `${type}Dataset`;
}

/** One dataset type's fields, applied (through `allOf` / `if` / `then`) when the dataset's `type` is that type. */
function datasetSchema(type: DatasetType): JsonSchema {
  return { ...described(DATASET_TYPE_DOC.values![type]!), properties: propertiesOf(type) };
}

function fieldSchema(f: Field, d: FieldDoc): JsonSchema {
  const values = f.kind === 'enum' && d.values ? `\n\n${f.values.map((v) => `- \`${v}\`: ${d.values![v]}`).join('\n')}` : '';
  const schema = described([d.doc + values, facts(f)].filter(Boolean).join('\n\n'));
  if (d.doNotSuggest) schema.doNotSuggest = true;
  switch (f.kind) {
    case 'integer': case 'number': case 'rate': case 'string':
      if (f.default !== undefined) schema.default = f.default;
      else if (d.example !== undefined) schema.examples = [d.example];
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
      schema.items = described([d.item, facts(f.item)].filter(Boolean).join('\n\n'));
      break;
    case 'dataset':
      schema.properties = { type: fieldSchema(DATASET_TYPE_FIELD, DATASET_TYPE_DOC) };
      schema.allOf = DATASET_TYPES.map((type) => ({
        if: { properties: { type: { const: type } }, required: ['type'] },
        then: { $ref: `#/definitions/${definitionName(type)}` },
      }));
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
  if (f.kind === 'integer' || f.kind === 'number' || f.kind === 'list') parts.push(expected(f));
  if ((f.kind === 'integer' || f.kind === 'number' || f.kind === 'rate' || f.kind === 'string' || f.kind === 'enum') && f.default !== undefined) {
    parts.push(`default \`${typeof f.default === 'string' ? f.default : JSON.stringify(f.default)}\``);
  }
  const text = parts.join('; ');
  return text ? `${text[0]!.toUpperCase()}${text.slice(1)}.` : undefined;
}

/** A markdown text as the schema's `markdownDescription`, and without its markup as its `description`. */
function described(markdown: string): JsonSchema {
  return { description: markdown.replace(/\*\*|`/g, ''), markdownDescription: markdown };
}
