import { STATUS_CODES } from 'node:http';
import type { OpenAPIV3_1 } from 'openapi-types';
import { renderNarrative } from './narrative.ts';

/**
 * The API reference page (/api/docs), read from the same OpenAPI document
 * that /api/docs/json serves: every operation with its parameters, body
 * fields and answers, as a plain server-rendered page (headings, tables,
 * definition lists) that any browser, screen reader or phone reads, where an
 * interactive console was not accessible.
 */
export interface ReferenceField {
  name: string;
  type: string;
  required: boolean;
  description: string;
}

export interface ReferenceOperation {
  anchor: string;
  method: string;
  path: string;
  summaryHtml: string;
  descriptionHtml: string;
  authenticated: boolean;
  parameters: (ReferenceField & { where: string })[];
  bodies: { contentType: string; fields: ReferenceField[]; schema: string }[];
  responses: { status: string; text: string; schema: string | null }[];
}

export interface ReferenceGroup {
  anchor: string;
  name: string;
  operations: ReferenceOperation[];
}

export interface ApiReference {
  title: string;
  version: string;
  descriptionHtml: string;
  servers: string[];
  groups: ReferenceGroup[];
}

type Schema = OpenAPIV3_1.SchemaObject & { anyOf?: Schema[]; oneOf?: Schema[]; items?: Schema };

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

const anchorOf = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** A schema's type as a person reads it: « string (uuid) », « array of object », « string or string (date) ». */
function typeOf(schema: Schema | undefined): string {
  if (!schema) return '';
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return [...new Set(alternatives.map(typeOf))].join(' | ');
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  const type = [schema.type ?? 'any'].flat().join(' | ');
  if (type === 'array') return `array of ${typeOf(schema.items) || 'any'}`;
  const limits: string[] = [];
  if (schema.format) limits.push(schema.format);
  if (schema.minLength) limits.push(`≥ ${schema.minLength} chars`);
  if (schema.maxLength !== undefined) limits.push(`≤ ${schema.maxLength} chars`);
  if (schema.minimum !== undefined) limits.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) limits.push(`≤ ${schema.maximum}`);
  if (schema.maxItems !== undefined) limits.push(`≤ ${schema.maxItems} items`);
  return limits.length ? `${type} (${limits.join(', ')})` : type;
}

/** The fields of an object schema, nested ones named with dots (recipient.email, evidence[].url). */
function fieldsOf(schema: Schema | undefined, prefix = '', depth = 0): ReferenceField[] {
  if (!schema || depth > 3) return [];
  const object = schema.type === 'array' ? schema.items : schema;
  if (!object?.properties) return [];
  const required = new Set(object.required ?? []);
  const fields: ReferenceField[] = [];
  for (const [name, raw] of Object.entries(object.properties)) {
    const property = raw as Schema;
    const full = `${prefix}${name}`;
    fields.push({ name: full, type: typeOf(property), required: required.has(name), description: property.description ?? '' });
    const inner = property.type === 'array' ? property.items : property;
    if (inner?.properties) fields.push(...fieldsOf(inner, `${full}${property.type === 'array' ? '[]' : ''}.`, depth + 1));
  }
  return fields;
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

export function apiReference(document: OpenAPIV3_1.Document): ApiReference {
  const groups = new Map<string, ReferenceGroup>();
  const globalSecurity = (document.security ?? []).length > 0;
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item?.[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? 'API';
      const name = tag.charAt(0).toUpperCase() + tag.slice(1);
      if (!groups.has(name)) groups.set(name, { anchor: anchorOf(name), name, operations: [] });
      const parameters = (operation.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
      const content = (operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content ?? {};
      groups.get(name)!.operations.push({
        anchor: anchorOf(`${method} ${path}`),
        method: method.toUpperCase(),
        path,
        summaryHtml: renderNarrative(operation.summary ?? ''),
        descriptionHtml: renderNarrative(operation.description ?? ''),
        authenticated: operation.security ? operation.security.length > 0 : globalSecurity,
        parameters: parameters.map((p) => ({
          name: p.name,
          where: p.in,
          type: typeOf(p.schema as Schema | undefined),
          required: Boolean(p.required),
          description: p.description ?? (p.schema as Schema | undefined)?.description ?? '',
        })),
        bodies: Object.entries(content).map(([contentType, media]) => ({
          contentType,
          fields: fieldsOf(media.schema as Schema | undefined),
          schema: json(media.schema ?? {}),
        })),
        responses: Object.entries(operation.responses ?? {}).map(([status, raw]) => {
          const response = raw as OpenAPIV3_1.ResponseObject;
          const described = response.description && response.description !== 'Default Response' ? response.description : '';
          const schema = response.content?.['application/json']?.schema;
          return { status, text: described || STATUS_CODES[Number(status)] || '', schema: schema ? json(schema) : null };
        }),
      });
    }
  }
  return {
    title: document.info.title,
    version: document.info.version,
    descriptionHtml: renderNarrative(document.info.description ?? ''),
    servers: (document.servers ?? []).map((s) => s.url),
    groups: [...groups.values()],
  };
}
