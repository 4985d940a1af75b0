import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { MessageKey, Translate } from '../../../../i18n/index.ts';
import { PERSONAL_MESSAGE_MAX } from '../../../../services/awarding.ts';
import { DomainError } from '../../../../services/errors.ts';
import { DuplicateAward } from '../../../../services/rules/duplicate-award.ts';
import { GeneralBadgeRefusal } from '../../../../services/rules/general-badge.ts';
import { refusalText } from '../../../refusals.ts';
import { isUuid, uuid } from '../../../../services/ids.ts';
import { email, httpUrl, personalMessage } from '../../../../services/inputs.ts';
import type { Services } from '../../../../services/index.ts';
import type { BadgeClassRow, EvidenceRecord } from '../../../../services/records.ts';
import { StructureLearnerService } from '../../../../services/structure-learners.ts';
import { errorSummary, type FieldErrors, fieldErrors, formBody, LINE_FORBIDDEN, TEXT_FORBIDDEN, textValue } from '../../../forms.ts';
import { translate } from '../../../locale.ts';
import { validityText } from '../../../validity.ts';
import { actorOf, currentStructureId, requireRole } from '../../../plugins/session.ts';
import { pathId, query } from '../../../schemas.ts';

// ---------------------------------------------------------------------------
// The single award form

const nameLine = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((v) => !LINE_FORBIDDEN.test(v), 'control_characters');
const optional = <T extends z.ZodType>(schema: T) => z.union([z.literal('').transform(() => undefined), schema]).optional();

const awardForm = z.object({
  email,
  firstName: nameLine,
  lastName: nameLine,
  badgeClassId: uuid,
  evidence: optional(
    z
      .string()
      .transform((v) => v.replace(/\r\n?/g, '\n').trim())
      .pipe(
        z
          .string()
          .max(2000)
          .refine((v) => !TEXT_FORBIDDEN.test(v), 'control_characters'),
      ),
  ),
  evidenceUrl: optional(httpUrl),
  message: optional(personalMessage),
  expires: optional(z.string().trim().max(40)),
});

const AWARD_FIELDS: [string, MessageKey][] = [
  ['email', 'awarding.field.email'],
  ['firstName', 'awarding.field.firstName'],
  ['lastName', 'awarding.field.lastName'],
  ['badgeClassId', 'awarding.field.badge'],
  ['evidence', 'awarding.field.evidence'],
  ['evidenceUrl', 'awarding.field.evidenceUrl'],
  ['message', 'awarding.field.message'],
  ['expires', 'awarding.field.expires'],
];
const FORM_VALUE_FIELDS = ['email', 'firstName', 'lastName', 'badgeClassId', 'evidence', 'evidenceUrl', 'message', 'expires'] as const;

interface CheckedAward {
  email: string;
  firstName: string;
  lastName: string;
  badgeClass: BadgeClassRow;
  evidence: EvidenceRecord[];
  message: string | null;
  expires: Date | null;
}

/** How the validity of a badge class reads: in years when it is a whole number of them. */
function validityLabel(t: Translate, days: number | null): string {
  if (!days) return t('awarding.validity.none');
  return t('awarding.validity.for', { duration: validityText(t, days) });
}

/** One badge for one person: the form, its confirmation, the award and the page that follows it. */
export async function oneAwardRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const advisor = { onRequest: requireRole('advisor') };

  async function renderAwardForm(
    request: FastifyRequest,
    reply: FastifyReply,
    form: { values?: Record<string, string>; errors?: FieldErrors; notice?: MessageKey | null } = {},
  ) {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const [badgeClasses, known] = await Promise.all([
      services.badgeClasses.listAwardable(structureId),
      services.structureLearners.suggestions(structureId),
    ]);
    const errors = form.errors ?? {};
    const summary = errorSummary(errors, AWARD_FIELDS, t);
    const values = form.values ?? {};
    if (!isUuid(values.key)) values.key = randomUUID();
    return reply.view('pages/workspace/awarding/form.eta', {
      title: summary.length ? t('form.errorTitle', { title: t('awarding.title') }) : t('awarding.title'),
      values,
      errors,
      summary,
      notice: form.notice ?? null,
      badgeClasses: badgeClasses.map((b) => ({
        id: b.id,
        name: b.name,
        description: b.description,
        validity: validityLabel(t, b.validityDays),
      })),
      known,
      messageMax: PERSONAL_MESSAGE_MAX,
    });
  }

  /** The form's values as sent, bounded, for redisplay. */
  function sentValues(body: Record<string, unknown>): Record<string, string> {
    const values: Record<string, string> = {};
    for (const f of FORM_VALUE_FIELDS)
      values[f] = textValue(body, f, f === 'evidence' ? 2000 : f === 'message' ? PERSONAL_MESSAGE_MAX : 400);
    values.key = textValue(body, 'key', 40);
    return values;
  }

  /** Checks the form; either the award to make, or one message per field. */
  async function checkAward(
    request: FastifyRequest,
    body: Record<string, unknown>,
  ): Promise<{ award: CheckedAward } | { errors: FieldErrors }> {
    const t = translate(request);
    const structureId = currentStructureId(request);
    const parsed = awardForm.safeParse({
      email: body.email,
      firstName: body.firstName,
      lastName: body.lastName,
      badgeClassId: body.badgeClassId,
      evidence: body.evidence,
      evidenceUrl: body.evidenceUrl,
      message: body.message,
      expires: body.expires,
    });
    const errors: FieldErrors = parsed.success ? {} : fieldErrors(parsed.error, t, body);
    if (errors.badgeClassId) errors.badgeClassId = t('awarding.error.badge');
    if (errors.evidenceUrl && typeof body.evidenceUrl === 'string' && body.evidenceUrl.trim().length <= 2000) {
      errors.evidenceUrl = t('awarding.error.url');
    }
    let badgeClass: BadgeClassRow | undefined;
    if (parsed.success) {
      badgeClass = (await services.badgeClasses.listAwardable(structureId)).find((b) => b.id === parsed.data.badgeClassId);
      if (!badgeClass) errors.badgeClassId = t('awarding.error.badge');
    }
    let expires: Date | null = null;
    if (parsed.success && parsed.data.expires) {
      // The one rule of the form, the CSV and the API: the end of that day in Paris, today or later.
      const expiry = services.awarding.expiryOfDay(parsed.data.expires);
      if ('expires' in expiry) expires = expiry.expires;
      else errors.expires = t(expiry.refusal === 'expires_format' ? 'awarding.error.date' : 'error.expires_before_issue');
    }
    if (!parsed.success || Object.keys(errors).length || !badgeClass) return { errors };
    const d = parsed.data;
    const evidence: EvidenceRecord[] =
      d.evidence || d.evidenceUrl
        ? [{ ...(d.evidence ? { narrative: d.evidence } : {}), ...(d.evidenceUrl ? { url: d.evidenceUrl } : {}) }]
        : [];
    return {
      award: {
        // As it will be stored and shown: what the confirmation page promises.
        email: d.email.toLowerCase(),
        firstName: d.firstName,
        lastName: d.lastName,
        badgeClass,
        evidence,
        message: d.message ?? null,
        expires,
      },
    };
  }

  // Links from a learner's card and a badge class's page fill the form in; a wrong link opens an empty form.
  const formQuery = query({ apprenant: z.string().max(200).optional().catch(undefined), badge: uuid.optional().catch(undefined) });

  app.get('/espace/delivrer', { ...advisor, schema: { querystring: formQuery } }, async (request, reply) => {
    const values: Record<string, string> = {};
    const { apprenant, badge } = request.query;
    if (apprenant !== undefined) {
      const learner = await services.structureLearners.find(currentStructureId(request), apprenant);
      // One name is stored; the first word is most often the first name, and the advisor can fix it.
      const [first, ...rest] = learner.name.split(' ');
      Object.assign(values, { email: learner.email, firstName: first ?? '', lastName: rest.join(' ') });
    }
    if (badge) values.badgeClassId = badge;
    return renderAwardForm(request, reply, { values });
  });

  /** The form is sent: the confirmation shows the award as the learner and a recruiter will see it. */
  app.post('/espace/delivrer', advisor, async (request, reply) => {
    const body = formBody(request.body);
    const values = sentValues(body);
    const checked = await checkAward(request, body);
    if ('errors' in checked) return renderAwardForm(request, reply.code(422), { values, errors: checked.errors });
    // The programme's rules, before the confirmation: the general badge's is told on the form, a duplicate asks to confirm.
    const [refusal] = await services.awarding.ruleRefusals(currentStructureId(request), [
      { email: checked.award.email, badgeClass: checked.award.badgeClass },
    ]);
    if (refusal instanceof GeneralBadgeRefusal) {
      return renderAwardForm(request, reply.code(422), { values, errors: { badgeClassId: refusalText(translate(request), refusal) } });
    }
    return renderConfirmation(request, reply, values, checked.award, refusal instanceof DuplicateAward ? { refusal } : null);
  });

  function renderConfirmation(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Record<string, string>,
    award: CheckedAward,
    duplicate: { refusal: DuplicateAward; error?: string } | null = null,
  ) {
    const t = translate(request);
    const { issuedOn, expires } = services.awarding.preview(award.badgeClass, award.expires);
    return reply.view('pages/workspace/awarding/confirm.eta', {
      title: t('awarding.confirm.title'),
      values,
      award: { ...award, name: `${award.firstName} ${award.lastName}`, issuedOn, expiresShown: expires },
      badgeClass: award.badgeClass,
      structureName: request.auth!.current!.structureName,
      advisorName: request.auth!.user.name,
      duplicate: duplicate ? { issuedOn: duplicate.refusal.held.issuedOn, error: duplicate.error ?? null } : null,
    });
  }

  app.post('/espace/delivrer/confirmer', advisor, async (request, reply) => {
    const t = translate(request);
    const body = formBody(request.body);
    const values = sentValues(body);
    const checked = await checkAward(request, body);
    if (body.action === 'edit' || 'errors' in checked) {
      return renderAwardForm(request, 'errors' in checked ? reply.code(422) : reply, {
        values,
        errors: 'errors' in checked ? checked.errors : {},
      });
    }
    if (!isUuid(values.key)) {
      return renderAwardForm(request, reply.code(422), { values: { ...values, key: '' }, notice: 'awarding.error.staleForm' });
    }
    const a = checked.award;
    try {
      const result = await services.awarding.award(
        {
          structureId: currentStructureId(request),
          badgeClassId: a.badgeClass.id,
          recipient: { email: a.email, name: `${a.firstName} ${a.lastName}` },
          evidence: a.evidence,
          ...(a.expires ? { expires: a.expires } : {}),
          ...(a.message ? { message: a.message } : {}),
          allowDuplicate: body.allowDuplicate === 'yes',
          idempotencyKey: `espace:${values.key}`,
        },
        actorOf(request),
      );
      return reply.redirect(`/espace/delivrer/delivre/${result.assertion.id}`, 303);
    } catch (error) {
      // The same form, changed after it already awarded a badge: a new form, not a second award in disguise.
      if (error instanceof DomainError && error.code === 'idempotency_key_reused') {
        return renderAwardForm(request, reply.code(409), { values: { ...values, key: '' }, notice: 'awarding.error.alreadyUsed' });
      }
      if (error instanceof DuplicateAward) {
        return renderConfirmation(request, reply.code(409), values, a, { refusal: error, error: t('programme.duplicate.required') });
      }
      if (error instanceof GeneralBadgeRefusal) {
        return renderAwardForm(request, reply.code(422), { values, errors: { badgeClassId: refusalText(t, error) } });
      }
      if (error instanceof DomainError && (error.code === 'badge_class_archived' || error.code === 'badge_class_not_found')) {
        return renderAwardForm(request, reply.code(422), { values, errors: { badgeClassId: t('awarding.error.badge') } });
      }
      throw error;
    }
  });

  app.get(
    '/espace/delivrer/delivre/:assertionId',
    { ...advisor, schema: { params: z.object({ assertionId: pathId }) } },
    async (request, reply) => {
      const t = translate(request);
      const structureId = currentStructureId(request);
      const id = request.params.assertionId;
      const assertion = await services.awarding.get(structureId, id);
      const badgeClass = await services.badgeClasses.get(structureId, assertion.badgeClassId);
      return reply.view('pages/workspace/awarding/done.eta', {
        title: t('awarding.done.title'),
        assertion,
        badgeClass,
        verifyUrl: services.urls.assertion(assertion.id),
        learnerKey: StructureLearnerService.keyOf(structureId, assertion.recipientEmail),
      });
    },
  );
}
