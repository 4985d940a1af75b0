import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
} from '../../../catalogue/images.ts';
import { REGIONAL_CATALOGUE } from '../../../catalogue/regional.ts';
import type { AlignmentRecord } from '../../../services/records.ts';
import type { MessageKey, Translate } from '../../../i18n/index.ts';
import type { Actor } from '../../../services/audit.ts';
import { type BadgeClassDefinition, type BadgeClassImage, BadgeClassRefusal } from '../../../services/badge-classes.ts';
import { CatalogueRefusal } from '../../../services/catalogue.ts';
import { DomainError, notFound } from '../../../services/errors.ts';
import { checkUploadedImage, MAX_IMAGE_BYTES, UploadedImageError } from '../../../services/images/uploads.ts';
import type { Services } from '../../../services/index.ts';
import { isUuid } from '../../../services/ids.ts';
import { BADGE_CLASS_LIMITS, VALIDITY_LIMITS, validityInUnits, validityToDays } from '../../../services/rules/badge-class-definition.ts';
import { httpUrl, withoutForbidden } from '../../../services/inputs.ts';
import { type ErrorSummaryItem, type FieldErrors, formBody, LINE_FORBIDDEN, TEXT_FORBIDDEN } from '../../forms.ts';
import { translate } from '../../locale.ts';
import { currentStructureId, requirePlatformAdmin, requireRole, requireUser } from '../../plugins/session.ts';
import { acceptMultipartForms, isUploadedFile, type UploadedFile } from '../../multipart.ts';

// ---------------------------------------------------------------------------
// Multipart bodies

/**
 * Room for the largest image (MAX_IMAGE_BYTES), the same image kept in a
 * hidden field after a preview (base64: 4/3 of it), and the text fields.
 * Past it, fastify answers 413 before anything is read.
 */
const MULTIPART_BODY_LIMIT = 2 * 1024 * 1024;
const MAX_PARTS = 120;

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
function validityFields(days: number | null): { validityAmount: string; validityUnit: 'days' | 'months' } {
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
}

const emptyAlignment = (): AlignmentRow => ({ name: '', url: '', description: '', framework: '', code: '' });

function valuesFromDefinition(d: BadgeClassDefinition): EditorValues {
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
  };
}

function newValues(): EditorValues {
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
  };
}

function zodMessage(result: z.ZodSafeParseError<unknown>, t: Translate, sent: string): string {
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
  if (tags.length > LIMITS.tags) errors.tags = t('badgeClasses.editor.tooManyTags', { max: LIMITS.tags });
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
    errors['alignment-0-name'] ??= t('badgeClasses.editor.tooManyAlignments', { max: LIMITS.alignments });

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

function definitionRefusalText(error: DomainError, t: Translate): string {
  const max = Number(error.params.max);
  switch (error.params.problem) {
    case 'required':
      return t('form.required');
    case 'too_long':
      return t('form.tooLong', { max });
    case 'control_characters':
      return t('form.controlCharacters');
    case 'out_of_range':
      return t('badgeClasses.editor.validityInvalid', { max });
    case 'too_many':
      return error.params.field === 'tags'
        ? t('badgeClasses.editor.tooManyTags', { max })
        : t('badgeClasses.editor.tooManyAlignments', { max });
    default:
      return t('form.invalid');
  }
}

const UPLOAD_MESSAGES: Record<UploadedImageError['code'], MessageKey> = {
  empty: 'badgeClasses.image.error.empty',
  too_large: 'badgeClasses.image.error.tooLarge',
  unsupported_type: 'badgeClasses.image.error.unsupportedType',
  type_mismatch: 'badgeClasses.image.error.typeMismatch',
  not_an_image: 'badgeClasses.image.error.notAnImage',
  too_small: 'badgeClasses.image.error.tooSmall',
  too_big_dimensions: 'badgeClasses.image.error.tooBigDimensions',
  not_square: 'badgeClasses.image.error.notSquare',
  unsafe_svg: 'badgeClasses.image.error.unsafeSvg',
};

export function uploadErrorMessage(error: UploadedImageError, t: Translate): string {
  return t(UPLOAD_MESSAGES[error.code], error.params);
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
    return { error: uploadErrorMessage(error, t) };
  }
}

const FIELD_LABELS: [string, MessageKey][] = [
  ['name', 'badgeClasses.editor.name'],
  ['description', 'badgeClasses.editor.description'],
  ['criteriaNarrative', 'badgeClasses.editor.criteria'],
  ['tags', 'badgeClasses.editor.tags'],
  ['validityAmount', 'badgeClasses.editor.validity'],
  ['image', 'badgeClasses.image.legend'],
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

// ---------------------------------------------------------------------------
// Notices after a redirect

const NOTICES: Record<string, MessageKey> = {
  cree: 'badgeClasses.notice.created',
  modifie: 'badgeClasses.notice.updated',
  inchange: 'badgeClasses.notice.unchanged',
  version: 'badgeClasses.notice.versioned',
  archive: 'badgeClasses.notice.archived',
  desarchive: 'badgeClasses.notice.unarchived',
  adopte: 'badgeClasses.notice.adopted',
  propose: 'badgeClasses.notice.proposed',
  ajoute: 'catalogue.notice.added',
  retire: 'catalogue.notice.withdrawn',
  accepte: 'catalogue.notice.accepted',
  refuse: 'catalogue.notice.declined',
};

function noticeOf(request: FastifyRequest): MessageKey | null {
  const done = (request.query as Record<string, unknown> | undefined)?.fait;
  return typeof done === 'string' ? (NOTICES[done] ?? null) : null;
}

const REFUSALS: Record<BadgeClassRefusal['code'] | CatalogueRefusal['code'], MessageKey> = {
  superseded: 'badgeClasses.refusal.superseded',
  catalogue_key_taken: 'badgeClasses.refusal.catalogueKeyTaken',
  not_archived: 'badgeClasses.refusal.notArchived',
  already_archived: 'badgeClasses.refusal.alreadyArchived',
  already_adopted: 'catalogue.refusal.alreadyAdopted',
  already_proposed: 'catalogue.refusal.alreadyProposed',
  not_own_badge: 'catalogue.refusal.notOwnBadge',
  not_pending: 'catalogue.refusal.notPending',
  not_published: 'catalogue.refusal.notPublished',
  archived: 'catalogue.refusal.archived',
};

const CATALOGUE_KEY = /^[a-z0-9][a-z0-9-]{0,80}$/;

function idParam(request: FastifyRequest): string {
  const id = (request.params as { id?: string }).id ?? '';
  if (!isUuid(id)) throw notFound('badge_class_not_found');
  return id.toLowerCase();
}

const userActor = (request: FastifyRequest): Actor => ({ kind: 'user', userId: request.auth!.user.id });
const imagePath = (id: string) => `/badges/${id}/image.png`;
const catalogueImagePath = (key: string) => `/espace/catalogue/images/${encodeURIComponent(key)}`;

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
// Routes

/** The structure's badge classes (editor, versions, archive) and the shared catalogue. */
export async function badgeClassRoutes(app: FastifyInstance, { services }: { services: Services }) {
  acceptMultipartForms(app, { bodyLimit: MULTIPART_BODY_LIMIT, maxParts: MAX_PARTS });

  const t = (request: FastifyRequest) => translate(request);
  const isAdmin = (request: FastifyRequest) => request.auth?.current?.role === 'admin';

  // ----- The list

  app.get('/espace/badges', { onRequest: requireRole('advisor') }, async (request, reply) => {
    const structureId = currentStructureId(request);
    const { live, archived } = await services.badgeClasses.overview(structureId);
    const decorate = <T extends { id: string }>(row: T) => ({ ...row, imageUrl: imagePath(row.id), url: `/espace/badges/${row.id}` });
    return reply.view('pages/workspace/badge-classes/list.eta', {
      title: t(request)('badgeClasses.list.title'),
      structureName: request.auth!.current!.structureName,
      live: live.map(decorate),
      archived: archived.map(decorate),
      isAdmin: isAdmin(request),
      notice: noticeOf(request),
    });
  });

  // ----- The editor (structure admins)

  type EditorTarget =
    { kind: 'create' } | { kind: 'edit'; id: string; version: number; awarded: number; currentImage: string } | { kind: 'catalogue' };

  function renderEditor(
    request: FastifyRequest,
    reply: FastifyReply,
    target: EditorTarget,
    values: EditorValues,
    state: { errors?: FieldErrors; preview?: string | null } = {},
  ) {
    const tr = t(request);
    const errors = state.errors ?? {};
    const summary = summaryOf(errors, values, tr);
    const heading =
      target.kind === 'create'
        ? tr('badgeClasses.editor.createTitle')
        : target.kind === 'catalogue'
          ? tr('catalogue.editor.title')
          : tr('badgeClasses.editor.editTitle');
    const action =
      target.kind === 'create'
        ? '/espace/badges/nouveau'
        : target.kind === 'catalogue'
          ? '/espace/plateforme/catalogue/nouveau'
          : `/espace/badges/${target.id}/modifier`;
    return reply.view('pages/workspace/badge-classes/editor.eta', {
      title: summary.length ? tr('form.errorTitle', { title: heading }) : heading,
      heading,
      target,
      action,
      cancel:
        target.kind === 'edit'
          ? `/espace/badges/${target.id}`
          : target.kind === 'catalogue'
            ? '/espace/plateforme/catalogue'
            : '/espace/badges',
      values,
      errors,
      summary,
      preview: state.preview ?? null,
      framework: FRAMEWORK_ALIGNMENTS,
      choices: generatorChoices(tr),
      limits: LIMITS,
      maxKilobytes: Math.round(MAX_IMAGE_BYTES / 1024),
    });
  }

  /**
   * One post of the editor: 'preview' and 'add-alignment' show the form
   * again; 'save' checks everything and calls `save` when all is right.
   */
  async function handleEditorPost(
    request: FastifyRequest,
    reply: FastifyReply,
    target: EditorTarget,
    save: (definition: BadgeClassDefinition, image: BadgeClassImage | null) => Promise<FastifyReply>,
  ) {
    const tr = t(request);
    const body = formBody(request.body);
    const values = valuesFromBody(body, target.kind === 'edit');
    const upload = isUploadedFile(body.image) ? body.image : undefined;
    const action = str(body, 'action');
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
      return await save(definition, image.image);
    } catch (error) {
      // The service checks the definition itself; what the form let through is shown next to its field.
      if (!(error instanceof DomainError) || error.code !== 'badge_class_invalid') throw error;
      return renderEditor(request, reply.code(422), target, values, {
        errors: { [definitionFieldOf(String(error.params.field))]: definitionRefusalText(error, tr) },
        preview: image.preview ?? null,
      });
    }
  }

  app.get('/espace/badges/nouveau', { onRequest: requireRole('admin') }, async (request, reply) =>
    renderEditor(request, reply, { kind: 'create' }, newValues()),
  );

  app.post('/espace/badges/nouveau', { onRequest: requireRole('admin') }, async (request, reply) => {
    const structureId = currentStructureId(request);
    return handleEditorPost(request, reply, { kind: 'create' }, async (definition, image) => {
      const row = await services.badgeClasses.create(structureId, definition, image!, userActor(request));
      return reply.redirect(`/espace/badges/${row.id}?fait=cree`, 303);
    });
  });

  async function editTarget(request: FastifyRequest) {
    const details = await services.badgeClasses.details(currentStructureId(request), idParam(request));
    if (details.row.archivedAt) throw new DomainError('badge_class_archived', 409);
    const target: EditorTarget = {
      kind: 'edit',
      id: details.row.id,
      version: details.row.version,
      awarded: details.awarded,
      currentImage: imagePath(details.row.id),
    };
    return { details, target };
  }

  app.get('/espace/badges/:id/modifier', { onRequest: requireRole('admin') }, async (request, reply) => {
    const { details, target } = await editTarget(request);
    return renderEditor(request, reply, target, valuesFromDefinition(details.row));
  });

  app.post('/espace/badges/:id/modifier', { onRequest: requireRole('admin') }, async (request, reply) => {
    const { details, target } = await editTarget(request);
    return handleEditorPost(request, reply, target, async (definition, image) => {
      const result = await services.badgeClasses.update(currentStructureId(request), details.row.id, definition, image, userActor(request));
      const done = result.versioned ? 'version' : result.changed.length ? 'modifie' : 'inchange';
      return reply.redirect(`/espace/badges/${result.row.id}?fait=${done}`, 303);
    });
  });

  // ----- The structure's catalogue page (static paths before /espace/badges/:id)

  app.get('/espace/badges/catalogue', { onRequest: requireRole('admin') }, async (request, reply) => {
    const structureId = currentStructureId(request);
    return renderStructureCatalogue(request, reply, structureId);
  });

  async function renderStructureCatalogue(
    request: FastifyRequest,
    reply: FastifyReply,
    structureId: string,
    refusal: MessageKey | null = null,
  ) {
    const view = await services.catalogue.forStructure(structureId);
    return reply.view('pages/workspace/badge-classes/catalogue.eta', {
      title: t(request)('catalogue.structure.title'),
      items: view.items.map((item) => ({ ...item, imageUrl: catalogueImagePath(item.key) })),
      proposals: view.proposals.map((p) => ({ ...p, imageUrl: catalogueImagePath(p.key) })),
      ownBadgeClasses: view.ownBadgeClasses.map((b) => ({ ...b, imageUrl: imagePath(b.id), url: `/espace/badges/${b.id}` })),
      notice: noticeOf(request),
      refusal,
    });
  }

  app.post('/espace/badges/catalogue/adopter', { onRequest: requireRole('admin') }, async (request, reply) => {
    const structureId = currentStructureId(request);
    const key = str(formBody(request.body), 'key', 100);
    if (!CATALOGUE_KEY.test(key)) throw notFound();
    try {
      const row = await services.catalogue.adopt(structureId, key, userActor(request));
      return reply.redirect(`/espace/badges/${row.id}?fait=adopte`, 303);
    } catch (error) {
      if (error instanceof CatalogueRefusal) {
        return renderStructureCatalogue(request, reply.code(409), structureId, REFUSALS[error.code]);
      }
      throw error;
    }
  });

  // ----- One badge class

  async function renderBadgeClass(request: FastifyRequest, reply: FastifyReply, refusal: MessageKey | null = null) {
    const structureId = currentStructureId(request);
    const details = await services.badgeClasses.details(structureId, idParam(request));
    const { row } = details;
    const view = await services.catalogue.forStructure(structureId);
    const pendingProposal = view.ownBadgeClasses.find((b) => b.id === row.id)?.proposed ?? false;
    return reply.view('pages/workspace/badge-classes/show.eta', {
      title: row.name,
      badgeClass: { ...row, imagePng: undefined, imageSvg: undefined },
      awarded: details.awarded,
      nextVersion: details.nextVersion,
      previousVersion: details.previousVersion,
      validity: validityFields(row.validityDays),
      imageUrl: imagePath(row.id),
      publicUrl: services.urls.badgeClass(row.id),
      isAdmin: isAdmin(request),
      canPropose: !row.archivedAt && !row.catalogueKey && !pendingProposal,
      pendingProposal,
      notice: noticeOf(request),
      refusal,
    });
  }

  app.get('/espace/badges/:id', { onRequest: requireRole('advisor') }, async (request, reply) => renderBadgeClass(request, reply));

  const badgeClassAction = (path: string, run: (structureId: string, id: string, actor: Actor) => Promise<unknown>, done: string) =>
    app.post(path, { onRequest: requireRole('admin') }, async (request, reply) => {
      const id = idParam(request);
      try {
        await run(currentStructureId(request), id, userActor(request));
      } catch (error) {
        if (error instanceof BadgeClassRefusal || error instanceof CatalogueRefusal) {
          return renderBadgeClass(request, reply.code(409), REFUSALS[error.code]);
        }
        throw error;
      }
      return reply.redirect(`/espace/badges/${id}?fait=${done}`, 303);
    });

  badgeClassAction('/espace/badges/:id/archiver', (s, id, a) => services.badgeClasses.archive(s, id, a), 'archive');
  badgeClassAction('/espace/badges/:id/desarchiver', (s, id, a) => services.badgeClasses.unarchive(s, id, a), 'desarchive');
  badgeClassAction('/espace/badges/:id/proposer', (s, id, a) => services.catalogue.propose(s, id, a), 'propose');

  // ----- Catalogue images (workspace pages only)

  app.get('/espace/catalogue/images/:key', { onRequest: requireUser }, async (request, reply) => {
    const key = (request.params as { key: string }).key;
    if (!CATALOGUE_KEY.test(key)) throw notFound();
    const png = await services.catalogue.image(key, {
      isPlatformAdmin: request.auth!.user.isPlatformAdmin,
      structureId: request.auth!.current?.structureId ?? null,
    });
    return reply.type('image/png').header('x-content-type-options', 'nosniff').send(Buffer.from(png));
  });

  // ----- The platform administrator's catalogue

  async function renderPlatformCatalogue(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { refusal?: MessageKey; declineErrors?: Record<string, string>; declineNotes?: Record<string, string> } = {},
  ) {
    const view = await services.catalogue.forPlatform();
    return reply.view('pages/workspace/badge-classes/platform-catalogue.eta', {
      title: t(request)('catalogue.platform.title'),
      items: view.items.map((item) => ({ ...item, imageUrl: catalogueImagePath(item.key) })),
      proposals: view.proposals.map((p) => ({ ...p, imageUrl: catalogueImagePath(p.key) })),
      notice: noticeOf(request),
      refusal: form.refusal ?? null,
      declineErrors: form.declineErrors ?? {},
      declineNotes: form.declineNotes ?? {},
    });
  }

  app.get('/espace/plateforme/catalogue', { onRequest: requirePlatformAdmin }, async (request, reply) =>
    renderPlatformCatalogue(request, reply),
  );

  app.get('/espace/plateforme/catalogue/nouveau', { onRequest: requirePlatformAdmin }, async (request, reply) =>
    renderEditor(request, reply, { kind: 'catalogue' }, newValues()),
  );

  app.post('/espace/plateforme/catalogue/nouveau', { onRequest: requirePlatformAdmin }, async (request, reply) =>
    handleEditorPost(request, reply, { kind: 'catalogue' }, async (definition, image) => {
      await services.catalogue.add(definition, image!, userActor(request));
      return reply.redirect('/espace/plateforme/catalogue?fait=ajoute', 303);
    }),
  );

  const entryId = (request: FastifyRequest) => {
    const id = (request.params as { id?: string }).id ?? '';
    if (!isUuid(id)) throw notFound();
    return id.toLowerCase();
  };

  const platformAction = (path: string, run: (id: string, request: FastifyRequest) => Promise<unknown>, done: string) =>
    app.post(path, { onRequest: requirePlatformAdmin }, async (request, reply) => {
      const id = entryId(request);
      try {
        await run(id, request);
      } catch (error) {
        if (error instanceof CatalogueRefusal) return renderPlatformCatalogue(request, reply.code(409), { refusal: REFUSALS[error.code] });
        throw error;
      }
      return reply.redirect(`/espace/plateforme/catalogue?fait=${done}`, 303);
    });

  platformAction(
    '/espace/plateforme/catalogue/:id/retirer',
    (id, request) => services.catalogue.withdraw(id, userActor(request)),
    'retire',
  );
  platformAction(
    '/espace/plateforme/catalogue/:id/accepter',
    (id, request) => services.catalogue.accept(id, userActor(request)),
    'accepte',
  );

  app.post('/espace/plateforme/catalogue/:id/refuser', { onRequest: requirePlatformAdmin }, async (request, reply) => {
    const id = entryId(request);
    const sent = str(formBody(request.body), 'note', 4000);
    const parsed = text(1000).safeParse(sent);
    if (!parsed.success) {
      return renderPlatformCatalogue(request, reply.code(422), {
        declineErrors: { [id]: zodMessage(parsed, t(request), sent) },
        declineNotes: { [id]: sent },
      });
    }
    try {
      await services.catalogue.decline(id, parsed.data, userActor(request));
    } catch (error) {
      if (error instanceof CatalogueRefusal) return renderPlatformCatalogue(request, reply.code(409), { refusal: REFUSALS[error.code] });
      throw error;
    }
    return reply.redirect('/espace/plateforme/catalogue?fait=refuse', 303);
  });
}
