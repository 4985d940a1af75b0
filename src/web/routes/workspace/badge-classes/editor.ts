// One file because the editor is one form shared by a structure's badge classes and the Région's catalogue: its model (the
// values a post carries back), its checks, its image choice and its page go together.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  GENERATOR_PALETTES,
  generatedBadgeImage,
  PALETTES,
  PICTOGRAMS,
  SHAPES,
  type BadgeLevel,
  type PaletteName,
  type Pictogram,
  type Shape,
} from '../../../../catalogue/images.ts';
import { REGIONAL_CATALOGUE } from '../../../../catalogue/regional.ts';
import type { MessageKey, Translate } from '../../../../i18n/index.ts';
import type { BadgeClassDefinition, BadgeClassImage, BadgeClassLocalFields } from '../../../../services/badge-classes.ts';
import { DomainError } from '../../../../services/errors.ts';
import { checkUploadedImage, MAX_IMAGE_BYTES, UploadedImageError } from '../../../../services/images/uploads.ts';
import { httpUrl, withoutForbidden } from '../../../../services/inputs.ts';
import type { AlignmentRecord } from '../../../../services/records.ts';
import { BADGE_CLASS_LIMITS, VALIDITY_LIMITS, validityInUnits, validityToDays } from '../../../../services/rules/badge-class-definition.ts';
import { type ErrorSummaryItem, type FieldErrors, formBody, formPage, LINE_FORBIDDEN, TEXT_FORBIDDEN } from '../../../forms.ts';
import { translate } from '../../../locale.ts';
import { isUploadedFile, type UploadedFile } from '../../../multipart.ts';
import { viewContext } from '../../../plugins/views.ts';
import { refusalErrors, refusalText } from '../../../refusals.ts';

// ---------------------------------------------------------------------------
// The editor's fields

const line = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((v) => !LINE_FORBIDDEN.test(v), 'control_characters');
const optionalLine = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((v) => !LINE_FORBIDDEN.test(v), 'control_characters');
const text = (max: number) =>
  z
    .string()
    .transform((v) => v.replace(/\r\n?/g, '\n').trim())
    .pipe(
      z
        .string()
        .min(1)
        .max(max)
        .refine((v) => !TEXT_FORBIDDEN.test(v), 'control_characters'),
    );

// The limits are the service's (src/services/rules/badge-class-definition.ts): the form says them, the service enforces them.
const LIMITS = BADGE_CLASS_LIMITS;
const VALIDITY = VALIDITY_LIMITS;
const MAX_ALIGNMENT_ROWS = LIMITS.alignments;

/** The alignments the regional framework offers, one per competence and level (as the catalogue badges have). */
const FRAMEWORK_ALIGNMENTS: (AlignmentRecord & { targetCode: string })[] = (() => {
  const seen = new Map<string, AlignmentRecord & { targetCode: string }>();
  for (const badge of REGIONAL_CATALOGUE) {
    for (const a of badge.alignment) {
      if (!seen.has(a.targetCode)) {
        seen.set(a.targetCode, {
          targetName: a.targetName,
          targetUrl: `/referentiel#${a.anchor}`,
          targetDescription: a.targetDescription,
          targetFramework: a.targetFramework,
          targetCode: a.targetCode,
        });
      }
    }
  }
  return [...seen.values()];
})();

function isFrameworkAlignment(a: AlignmentRecord): string | null {
  const match = FRAMEWORK_ALIGNMENTS.find((f) => f.targetCode === a.targetCode && f.targetUrl === a.targetUrl);
  return match ? match.targetCode : null;
}

/** A day count as the editor's two fields: in months when it is a whole number of them (as the editor stored it). */
export function validityFields(days: number | null): { validityAmount: string; validityUnit: 'days' | 'months' } {
  const shown = validityInUnits(days);
  return shown ? { validityAmount: String(shown.amount), validityUnit: shown.unit } : { validityAmount: '', validityUnit: 'months' };
}

interface AlignmentRow {
  name: string;
  url: string;
  description: string;
  framework: string;
  code: string;
}

type ImageSource = 'keep' | 'upload' | 'generate';

/** Everything the editor page shows again after a post. */
interface EditorValues {
  name: string;
  description: string;
  criteriaNarrative: string;
  tags: string;
  frameworkCodes: string[];
  alignments: AlignmentRow[];
  validityAmount: string;
  validityUnit: 'days' | 'months';
  imageSource: ImageSource;
  shape: Shape;
  palette: PaletteName;
  pictogram: Pictogram;
  level: BadgeLevel;
  /** The file uploaded before a preview, sent back in a hidden field (checked again on save). */
  keptImage: string;
  keptImageName: string;
  /** A catalogue copy's local note on the evidence expected (rules/catalogue-copy.ts). */
  localNote: string;
}

const emptyAlignment = (): AlignmentRow => ({ name: '', url: '', description: '', framework: '', code: '' });

export function valuesFromDefinition(d: BadgeClassDefinition & { localNote?: string | null }): EditorValues {
  const frameworkCodes: string[] = [];
  const alignments: AlignmentRow[] = [];
  for (const a of d.alignment) {
    const code = isFrameworkAlignment(a);
    if (code) frameworkCodes.push(code);
    else {
      alignments.push({
        name: a.targetName,
        url: a.targetUrl,
        description: a.targetDescription ?? '',
        framework: a.targetFramework ?? '',
        code: a.targetCode ?? '',
      });
    }
  }
  return {
    name: d.name,
    description: d.description,
    criteriaNarrative: d.criteriaNarrative,
    tags: d.tags.join(', '),
    frameworkCodes,
    alignments: [...alignments, emptyAlignment()].slice(0, MAX_ALIGNMENT_ROWS),
    ...validityFields(d.validityDays),
    imageSource: 'keep',
    shape: 'circle',
    palette: 'bleu',
    pictogram: 'checklist',
    level: 0,
    keptImage: '',
    keptImageName: '',
    localNote: d.localNote ?? '',
  };
}

export function newValues(): EditorValues {
  return {
    ...valuesFromDefinition({ name: '', description: '', criteriaNarrative: '', tags: [], alignment: [], validityDays: null }),
    imageSource: 'generate',
  };
}

const str = (body: Record<string, unknown>, field: string, max = 20_000): string => {
  const value = body[field];
  return typeof value === 'string' ? value.slice(0, max) : '';
};

function valuesFromBody(body: Record<string, unknown>, canKeep: boolean): EditorValues {
  const rows: AlignmentRow[] = [];
  for (let i = 0; i < MAX_ALIGNMENT_ROWS; i++) {
    const row = {
      name: str(body, `alignment-${i}-name`, 2000),
      url: str(body, `alignment-${i}-url`, 4000),
      description: str(body, `alignment-${i}-description`, 4000),
      framework: str(body, `alignment-${i}-framework`, 2000),
      code: str(body, `alignment-${i}-code`, 2000),
    };
    if (`alignment-${i}-name` in body || `alignment-${i}-url` in body) rows.push(row);
  }
  const codes = [body.framework].flat().filter((c): c is string => typeof c === 'string');
  const source = str(body, 'imageSource');
  const level = Number(str(body, 'level'));
  return {
    name: str(body, 'name'),
    description: str(body, 'description'),
    criteriaNarrative: str(body, 'criteriaNarrative'),
    tags: str(body, 'tags'),
    frameworkCodes: FRAMEWORK_ALIGNMENTS.map((f) => f.targetCode).filter((c) => codes.includes(c)),
    alignments: rows.length ? rows : [emptyAlignment()],
    validityAmount: str(body, 'validityAmount', 50),
    validityUnit: str(body, 'validityUnit') === 'days' ? 'days' : 'months',
    imageSource: source === 'upload' ? 'upload' : source === 'keep' && canKeep ? 'keep' : 'generate',
    shape: (SHAPES as readonly string[]).includes(str(body, 'shape')) ? (str(body, 'shape') as Shape) : 'circle',
    palette: (GENERATOR_PALETTES as string[]).includes(str(body, 'palette')) ? (str(body, 'palette') as PaletteName) : 'bleu',
    pictogram: (PICTOGRAMS as readonly string[]).includes(str(body, 'pictogram')) ? (str(body, 'pictogram') as Pictogram) : 'checklist',
    level: level === 1 || level === 2 ? level : 0,
    keptImage: str(body, 'keptImage', Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 8),
    keptImageName: str(body, 'keptImageName', 200),
    localNote: str(body, 'localNote', 4000),
  };
}

export function zodMessage(result: z.ZodSafeParseError<unknown>, t: Translate, sent: string): string {
  if (sent.trim() === '') return t('form.required');
  const issue = result.error.issues[0]!;
  if (issue.code === 'too_big') return t('form.tooLong', { max: Number(issue.maximum) });
  if (issue.code === 'custom' && issue.message === 'control_characters') return t('form.controlCharacters');
  if (issue.code === 'custom' && issue.message === 'http_url') return t('badgeClasses.editor.alignmentUrlInvalid');
  return t('form.invalid');
}

/** Checks the text fields; returns the definition, or one message per field. */
function definitionFrom(values: EditorValues, t: Translate): { definition?: BadgeClassDefinition; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const take = <T>(field: string, schema: z.ZodType<T>, sent: string): T | undefined => {
    const result = schema.safeParse(sent);
    if (result.success) return result.data;
    errors[field] = zodMessage(result, t, sent);
    return undefined;
  };
  const name = take('name', line(LIMITS.name), values.name);
  const description = take('description', text(LIMITS.description), values.description);
  const criteriaNarrative = take('criteriaNarrative', text(LIMITS.criteria), values.criteriaNarrative);

  const tags = [
    ...new Set(
      values.tags
        .split(/[,;\n]/)
        .map((tag) => tag.trim())
        .filter(Boolean),
    ),
  ];
  if (tags.length > LIMITS.tags) errors.tags = t('error.definition.too_many_tags', { max: LIMITS.tags });
  else if (tags.some((tag) => tag.length > LIMITS.tag)) errors.tags = t('badgeClasses.editor.tagTooLong', { max: LIMITS.tag });
  else if (tags.some((tag) => LINE_FORBIDDEN.test(tag))) errors.tags = t('form.controlCharacters');

  const alignment: AlignmentRecord[] = FRAMEWORK_ALIGNMENTS.filter((f) => values.frameworkCodes.includes(f.targetCode)).map((f) => ({
    ...f,
  }));
  values.alignments.forEach((row, i) => {
    const filled = [row.name, row.url, row.description, row.framework, row.code].some((v) => v.trim() !== '');
    if (!filled) return;
    const targetName = take(`alignment-${i}-name`, line(LIMITS.alignmentText), row.name);
    const targetUrl = take(`alignment-${i}-url`, httpUrl, row.url);
    const targetDescription = take(`alignment-${i}-description`, optionalLine(LIMITS.alignmentDescription), row.description);
    const targetFramework = take(`alignment-${i}-framework`, optionalLine(LIMITS.alignmentText), row.framework);
    const targetCode = take(`alignment-${i}-code`, optionalLine(LIMITS.code), row.code);
    if (targetName !== undefined && targetUrl !== undefined) {
      alignment.push({
        targetName,
        targetUrl,
        ...(targetDescription ? { targetDescription } : {}),
        ...(targetFramework ? { targetFramework } : {}),
        ...(targetCode ? { targetCode } : {}),
      });
    }
  });
  if (alignment.length > LIMITS.alignments)
    errors['alignment-0-name'] ??= t('error.definition.too_many_alignments', { max: LIMITS.alignments });

  let validityDays: number | null = null;
  const amount = values.validityAmount.trim();
  if (amount !== '') {
    const max = VALIDITY[values.validityUnit];
    if (!/^\d{1,5}$/.test(amount) || Number(amount) < 1 || Number(amount) > max) {
      errors.validityAmount = t('badgeClasses.editor.validityInvalid', { max });
    } else {
      validityDays = validityToDays(Number(amount), values.validityUnit);
    }
  }
  if (Object.keys(errors).length || name === undefined || description === undefined || criteriaNarrative === undefined) {
    return { errors };
  }
  return { definition: { name, description, criteriaNarrative, tags, alignment, validityDays }, errors };
}

/** The editor's field that shows a refusal of the service about a definition's field. */
function definitionFieldOf(field: string): string {
  return field === 'validityDays' ? 'validityAmount' : field === 'alignment' ? 'alignment-0-name' : field;
}

interface ImageOutcome {
  image?: BadgeClassImage | null;
  error?: string;
  /** A data: URI of what will be published, for the preview. */
  preview?: string;
}

const dataUri = (mime: string, bytes: Uint8Array | string) => `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;

/** The image the form chose: kept (null), generated, or uploaded (checked), and its preview. */
function imageFrom(values: EditorValues, upload: UploadedFile | undefined, t: Translate, title: string): ImageOutcome {
  if (values.imageSource === 'keep') return { image: null };
  if (values.imageSource === 'generate') {
    const generated = generatedBadgeImage({
      shape: values.shape,
      palette: values.palette,
      pictogram: values.pictogram,
      level: values.level,
      // The accessible name of the drawing; whatever the name field holds, the XML stays well-formed.
      title: withoutForbidden(title).trim().slice(0, LIMITS.name) || 'Badge',
    });
    return { image: { png: generated.png, svg: generated.svg }, preview: dataUri('image/svg+xml', generated.svg) };
  }
  let file = upload && upload.bytes.length ? upload : undefined;
  if (!file && values.keptImage) {
    const bytes = Buffer.from(values.keptImage, 'base64');
    file = { fileName: values.keptImageName, bytes: new Uint8Array(bytes) };
  }
  if (!file) return { error: t('badgeClasses.image.error.noFile') };
  try {
    const checked = checkUploadedImage(file.bytes, file.fileName);
    // Kept for a later save: the original bytes, checked again then.
    values.keptImage = Buffer.from(file.bytes).toString('base64');
    values.keptImageName = file.fileName.slice(0, 200);
    return { image: { png: checked.png, svg: checked.svg ?? null }, preview: dataUri('image/png', checked.png) };
  } catch (error) {
    if (!(error instanceof UploadedImageError)) throw error;
    values.keptImage = '';
    values.keptImageName = '';
    return { error: refusalText(t, error) };
  }
}

const FIELD_LABELS: [string, MessageKey][] = [
  ['name', 'badgeClasses.editor.name'],
  ['description', 'badgeClasses.editor.description'],
  ['criteriaNarrative', 'badgeClasses.editor.criteria'],
  ['tags', 'badgeClasses.editor.tags'],
  ['validityAmount', 'badgeClasses.editor.validity'],
  ['image', 'badgeClasses.image.legend'],
  ['localNote', 'programme.localNote'],
];
const ALIGNMENT_LABELS: [string, MessageKey][] = [
  ['name', 'badgeClasses.editor.alignmentName'],
  ['url', 'badgeClasses.editor.alignmentUrl'],
  ['description', 'badgeClasses.editor.alignmentDescription'],
  ['framework', 'badgeClasses.editor.alignmentFramework'],
  ['code', 'badgeClasses.editor.alignmentCode'],
];

function summaryOf(errors: FieldErrors, values: EditorValues, t: Translate): ErrorSummaryItem[] {
  const items: ErrorSummaryItem[] = [];
  const push = (field: string, label: string) => {
    if (errors[field]) items.push({ field, label, message: errors[field]! });
  };
  for (const [field, key] of FIELD_LABELS.slice(0, 4)) push(field, t(key));
  values.alignments.forEach((_, i) => {
    for (const [part, key] of ALIGNMENT_LABELS)
      push(`alignment-${i}-${part}`, `${t(key)} (${t('badgeClasses.editor.alignmentNumber', { n: i + 1 })})`);
  });
  for (const [field, key] of FIELD_LABELS.slice(4)) push(field, t(key));
  return items;
}

/** The generator's choices, with the words the page shows for each. */
function generatorChoices(t: Translate) {
  return {
    shapes: SHAPES.map((value) => ({ value, label: t(`badgeClasses.image.shape.${value}` as MessageKey) })),
    palettes: GENERATOR_PALETTES.map((value) => ({
      value,
      label: t(`badgeClasses.image.palette.${value}` as MessageKey),
      primary: PALETTES[value].primary,
      secondary: PALETTES[value].secondary,
    })),
    pictograms: PICTOGRAMS.map((value) => ({ value, label: t(`badgeClasses.image.pictogram.${value}` as MessageKey) })),
    levels: ([0, 1, 2] as const).map((value) => ({ value, label: t(`badgeClasses.image.level.${value}` as MessageKey) })),
  };
}

// ---------------------------------------------------------------------------
// The page and its posts

export type EditorTarget =
  | {
      kind: 'create';
      /** Made from a copy of this catalogue badge (« Faire mon propre badge à partir de celui-ci »). */
      copyOf?: string;
    }
  | {
      kind: 'edit';
      id: string;
      version: number;
      awarded: number;
      currentImage: string;
      /** A copy of a catalogue badge: the catalogue's fields, shown read-only and kept whatever is posted. */
      catalogue: BadgeClassDefinition | null;
    }
  | { kind: 'catalogue' }
  | {
      /** The Région changes a published shared entry: every structure's copy follows. */
      kind: 'catalogue-edit';
      id: string;
      currentImage: string;
    };

export function renderEditor(
  request: FastifyRequest,
  reply: FastifyReply,
  target: EditorTarget,
  values: EditorValues,
  state: { errors?: FieldErrors; preview?: string | null } = {},
) {
  const tr = translate(request);
  const errors = state.errors ?? {};
  const heading =
    target.kind === 'create'
      ? tr('badgeClasses.editor.createTitle')
      : target.kind === 'catalogue'
        ? tr('catalogue.editor.title')
        : target.kind === 'catalogue-edit'
          ? tr('catalogue.editEntry.title')
          : tr('badgeClasses.editor.editTitle');
  const action =
    target.kind === 'create'
      ? '/espace/badges/nouveau'
      : target.kind === 'catalogue'
        ? '/espace/plateforme/catalogue/nouveau'
        : target.kind === 'catalogue-edit'
          ? `/espace/plateforme/catalogue/${target.id}/modifier`
          : `/espace/badges/${target.id}/modifier`;
  return reply.view('pages/workspace/badge-classes/editor.eta', {
    ...formPage(tr, heading, errors, summaryOf(errors, values, tr)),
    heading,
    target,
    action,
    cancel:
      target.kind === 'edit'
        ? `/espace/badges/${target.id}`
        : target.kind === 'catalogue' || target.kind === 'catalogue-edit'
          ? '/espace/plateforme/catalogue'
          : '/espace/badges',
    values,
    preview: state.preview ?? null,
    framework: FRAMEWORK_ALIGNMENTS,
    choices: generatorChoices(tr),
    limits: LIMITS,
    maxKilobytes: Math.round(MAX_IMAGE_BYTES / 1024),
  });
}

/**
 * The editor again after a body past the limit (a file far over the image's
 * size), refused by fastify before anything was read: what was typed is lost
 * with it, so the form starts from `values`, saying why the image was refused.
 */
export function renderImageTooLarge(request: FastifyRequest, reply: FastifyReply, target: EditorTarget, values: EditorValues) {
  // Refused while reading the body: the preHandler that sets up the views has not run.
  if (typeof reply.locals?.t !== 'function') reply.locals = { ...reply.locals, ...viewContext(request) };
  const tooLarge = new UploadedImageError('too_large', { kilobytes: Math.round(MAX_IMAGE_BYTES / 1024) });
  return renderEditor(
    request,
    reply.code(413),
    target,
    { ...values, imageSource: 'upload' },
    {
      errors: { image: refusalText(translate(request), tooLarge) },
    },
  );
}

/** A 413 on one of the editor's posts (`paths`, as routes declare them), to be shown as the editor again (their onRequest hook checked the role). */
export const isEditorTooLarge = (error: { statusCode?: number }, request: FastifyRequest, paths: string[]) =>
  error.statusCode === 413 && request.method === 'POST' && paths.includes(request.routeOptions.url ?? '') && Boolean(request.auth);

/**
 * One post of the editor: 'preview' and 'add-alignment' show the form
 * again; 'save' checks everything and calls `save` when all is right.
 */
export async function handleEditorPost(
  request: FastifyRequest,
  reply: FastifyReply,
  target: EditorTarget,
  save: (definition: BadgeClassDefinition, image: BadgeClassImage | null, local: BadgeClassLocalFields) => Promise<FastifyReply>,
) {
  const tr = translate(request);
  const body = formBody(request.body);
  const values = valuesFromBody(body, target.kind === 'edit' || target.kind === 'catalogue-edit');
  const catalogue = target.kind === 'edit' ? target.catalogue : null;
  if (catalogue) {
    // The catalogue's fields are not the structure's to change: kept as they are, whatever the post says.
    const kept = valuesFromDefinition(catalogue);
    Object.assign(values, {
      name: kept.name,
      description: kept.description,
      criteriaNarrative: kept.criteriaNarrative,
      frameworkCodes: kept.frameworkCodes,
      alignments: kept.alignments,
      imageSource: 'keep',
    });
  }
  const upload = isUploadedFile(body.image) ? body.image : undefined;
  const action = str(body, 'action');
  // A file given while another choice is ticked: neither is silently dropped. The form asks, with the file now
  // chosen and previewed (in a browser that runs /static/js/image-source.js, the last one given is ticked already).
  if (upload && upload.bytes.length > 0 && values.imageSource !== 'upload') {
    const other = values.imageSource;
    values.imageSource = 'upload';
    const kept = imageFrom(values, upload, tr, values.name);
    return renderEditor(request, reply.code(422), target, values, {
      errors: { image: kept.error ?? tr('firstUse.image.fileWithOtherChoice', { choice: tr(`badgeClasses.image.${other}`) }) },
      preview: kept.preview ?? null,
    });
  }
  if (action === 'add-alignment') {
    if (values.alignments.length < MAX_ALIGNMENT_ROWS) values.alignments.push(emptyAlignment());
    const kept = values.imageSource === 'upload' ? imageFrom(values, upload, tr, values.name) : undefined;
    return renderEditor(request, reply, target, values, { preview: kept?.preview ?? null });
  }
  const image = imageFrom(values, upload, tr, values.name);
  if (action === 'preview') {
    return renderEditor(request, reply.code(image.error ? 422 : 200), target, values, {
      errors: image.error ? { image: image.error } : {},
      preview: image.preview ?? null,
    });
  }
  const { definition, errors } = definitionFrom(values, tr);
  if (image.error) errors.image = image.error;
  if (!definition || image.image === undefined || Object.keys(errors).length) {
    return renderEditor(request, reply.code(422), target, values, { errors, preview: image.preview ?? null });
  }
  try {
    return await save(definition, image.image, catalogue ? { localNote: values.localNote } : {});
  } catch (error) {
    // The service checks the definition itself; what the form let through is shown next to its field.
    if (!(error instanceof DomainError) || error.code !== 'badge_class_invalid') throw error;
    return renderEditor(request, reply.code(422), target, values, {
      errors: refusalErrors(tr, error, { fallback: 'name', inputOf: definitionFieldOf }),
      preview: image.preview ?? null,
    });
  }
}
