import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../../../services/index.ts';
import { email, httpUrl, isPlainLine, isPlainText, personalMessage, personName } from '../../../../services/inputs.ts';
import { uuid } from '../../../../services/ids.ts';
import { endOfProgrammeDay, parseCalendarDay } from '../../../../services/rules/expiry-date.ts';
import { callerOf } from './index.ts';
import { apiErrorBody, apiErrorResponses, assertionResource, toAssertionResource } from './resources.ts';

/**
 * A date-time is kept as given; a date means the end of that day in Paris,
 * as in the workspace's form and CSV import (one rule: endOfProgrammeDay).
 * A past expiry is refused by the award itself (expires_before_issue).
 */
const dateTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()], { error: 'expires_format' }).transform((value) => {
  const day = value.length === 10 ? parseCalendarDay(value) : null;
  return day ? endOfProgrammeDay(day) : new Date(value);
});

/** Free text of an award (its narrative, a piece of evidence): line breaks kept, the refused characters refused. */
const narrativeText = (min: number) => z.string().trim().min(min).max(5000).refine(isPlainText, 'control_characters');

// Strict: a misspelt field (`expire`) is refused with its name, not silently dropped.
const awardBody = z.strictObject({
  badgeClass: uuid,
  recipient: z.strictObject({
    email,
    name: personName,
  }),
  evidence: z
    .array(
      z
        .strictObject({ narrative: narrativeText(1).optional(), url: httpUrl.optional() })
        .refine((e) => e.narrative || e.url, 'evidence_needs_narrative_or_url'),
    )
    .max(20)
    .optional(),
  narrative: narrativeText(0).optional(),
  expires: dateTime
    .optional()
    .describe('ISO 8601 date-time, or a date (the badge then expires at the end of that day in France, 23:59:59 Europe/Paris)'),
  message: personalMessage
    .optional()
    .describe(
      'A personal message to the learner, quoted in the award email (plain text, at most 1000 characters); it is not part of the badge',
    ),
  allowDuplicate: z
    .boolean()
    .optional()
    .describe(
      'Award even though the learner already holds this badge, valid, from your structure; without it such an award answers 409 `duplicate_award`',
    ),
});

const idParams = z.object({ id: uuid });

export async function assertionRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { awarding, urls } = services;

  r.post(
    '/assertions',
    {
      schema: {
        summary: 'Award a badge to a learner',
        description:
          'Signs and stores the assertion. Send an `Idempotency-Key` header to make retries safe: ' +
          'the same key with the same body returns the first result (200) instead of awarding twice. ' +
          'The learner is sent an email (in French) with a link to their space and the optional `message`; ' +
          'it is recorded with the award and sent in the background. ' +
          'A badge the learner already holds, valid, from your structure answers 409 `duplicate_award` unless `allowDuplicate` is true; ' +
          'the general badge answers 422 `not_eligible` (naming the missing competences) unless the learner holds « je maîtrise » ' +
          'in at least three of the four competences, valid, from any structures.',
        tags: ['Assertions'],
        headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }),
        body: awardBody,
        response: { 200: assertionResource, 201: assertionResource, ...apiErrorResponses, 409: apiErrorBody, 422: apiErrorBody },
      },
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const body = request.body;
      const { assertion, replayed } = await awarding.award(
        {
          structureId: caller.structureId,
          badgeClassId: body.badgeClass,
          recipient: body.recipient,
          evidence: body.evidence?.map((e) => ({ ...(e.narrative ? { narrative: e.narrative } : {}), ...(e.url ? { url: e.url } : {}) })),
          narrative: body.narrative,
          expires: body.expires,
          message: body.message,
          allowDuplicate: body.allowDuplicate,
          idempotencyKey: request.headers['idempotency-key'],
        },
        { kind: 'token', tokenId: caller.tokenId, structureId: caller.structureId },
      );
      // A replay may find the award revoked since: a revoked badge has no signed file to hand out.
      const jws = assertion.revokedAt ? undefined : await awarding.currentJws(assertion);
      reply.code(replayed ? 200 : 201).header('location', urls.assertion(assertion.id));
      return toAssertionResource(assertion, urls, { jws, status: awarding.status(assertion) });
    },
  );

  r.get(
    '/assertions',
    {
      schema: {
        summary: "List your structure's assertions, newest first",
        tags: ['Assertions'],
        querystring: z.object({
          badgeClass: uuid.optional(),
          recipientEmail: z.string().trim().max(320).refine(isPlainLine, 'control_characters').optional(),
          page: z.coerce.number().int().min(1).default(1),
          perPage: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: {
          200: z.object({
            items: z.array(assertionResource),
            page: z.number(),
            perPage: z.number(),
            total: z.number(),
          }),
          ...apiErrorResponses,
        },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const { page, perPage, badgeClass, recipientEmail } = request.query;
      const { rows, total } = await awarding.list({
        structureId: caller.structureId,
        badgeClassId: badgeClass,
        recipientEmail,
        page,
        perPage,
      });
      return { items: rows.map((row) => toAssertionResource(row, urls, { status: awarding.status(row) })), page, perPage, total };
    },
  );

  r.get(
    '/assertions/:id',
    {
      schema: {
        summary: 'One assertion of your structure',
        tags: ['Assertions'],
        params: idParams,
        response: { 200: assertionResource, ...apiErrorResponses },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const assertion = await awarding.get(caller.structureId, request.params.id);
      const jws = assertion.revokedAt ? undefined : await awarding.currentJws(assertion);
      return toAssertionResource(assertion, urls, { jws, status: awarding.status(assertion) });
    },
  );

  r.post(
    '/assertions/:id/revoke',
    {
      schema: {
        summary: 'Revoke an assertion',
        description: 'The assertion is kept: its URL then answers 410 Gone and its signed id joins the revocation list.',
        tags: ['Assertions'],
        params: idParams,
        body: z.strictObject({ reason: z.string().trim().min(1).max(500).refine(isPlainText, 'control_characters') }),
        response: { 200: assertionResource, ...apiErrorResponses, 409: apiErrorBody },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const revoked = await awarding.revoke(caller.structureId, request.params.id, request.body.reason, {
        kind: 'token',
        tokenId: caller.tokenId,
        structureId: caller.structureId,
      });
      return toAssertionResource(revoked, urls, { status: awarding.status(revoked) });
    },
  );
}
