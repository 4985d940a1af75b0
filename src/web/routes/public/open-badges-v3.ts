import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uuid } from '../../../services/ids.ts';
import type { Services } from '../../../services/index.ts';
import { negotiateDocument } from '../../negotiation.ts';

/** The media type of a credential with an embedded proof, and of a status list (spec/docformat.md). */
const VC_LD_JSON = 'application/vc+ld+json; charset=utf-8';

/**
 * The Open Badges 3.0 documents, each at exactly its id, with CORS open and
 * no login, as verifiers and wallets fetch them (ISSUING-3.0.md §12).
 */
export async function openBadges3Routes(app: FastifyInstance, { services }: { services: Services }) {
  const { openBadges3 } = services;
  const r = app.withTypeProvider<ZodTypeProvider>();

  const send = (reply: FastifyReply, type: string, document: object) =>
    reply
      .header('access-control-allow-origin', '*')
      .header('vary', 'Accept')
      .header('cache-control', 'no-cache')
      .type(type)
      .send(JSON.stringify(document));

  const ldJson = (accept: 'json' | 'ld+json' | 'html') => (accept === 'json' ? 'application/json; charset=utf-8' : 'application/ld+json; charset=utf-8');

  r.get('/ob3/issuers/:structureId', { schema: { params: z.object({ structureId: uuid }) } }, async (request, reply) =>
    send(reply, ldJson(negotiateDocument(request)), await openBadges3.profileDocument(request.params.structureId)),
  );

  r.get('/ob3/issuers/:structureId/keys/:keyId', { schema: { params: z.object({ structureId: uuid, keyId: uuid }) } }, async (request, reply) =>
    send(reply, ldJson(negotiateDocument(request)), await openBadges3.keyDocument(request.params.structureId, request.params.keyId)),
  );

  r.get(
    '/ob3/issuers/:structureId/status/:list',
    { schema: { params: z.object({ structureId: uuid, list: z.coerce.number().int().min(0).max(10_000) }) } },
    async (request, reply) => send(reply, VC_LD_JSON, await openBadges3.statusList(request.params.structureId, request.params.list)),
  );

  r.get('/ob3/achievements/:badgeClassId', { schema: { params: z.object({ badgeClassId: uuid }) } }, async (request, reply) =>
    send(reply, ldJson(negotiateDocument(request)), await openBadges3.achievementDocument(request.params.badgeClassId)),
  );

  r.get(
    '/assertions/:assertionId/credential.json',
    { schema: { params: z.object({ assertionId: uuid }), querystring: z.object({ download: z.literal('1').optional() }) } },
    async (request, reply) => {
      const credential = await openBadges3.credential(request.params.assertionId);
      if (request.query.download) {
        reply.header('content-disposition', `attachment; filename="badge-ob3-${request.params.assertionId.slice(0, 8)}.json"`);
      }
      return send(reply, VC_LD_JSON, credential);
    },
  );

  for (const format of ['png', 'svg'] as const) {
    r.get(
      `/assertions/:assertionId/credential.${format}`,
      { schema: { params: z.object({ assertionId: uuid }), querystring: z.object({ download: z.literal('1').optional() }) } },
      async (request, reply) => {
        const image = await openBadges3.baked(request.params.assertionId, format);
        reply.header('access-control-allow-origin', '*').header('cache-control', 'no-cache').type(image.mime);
        if (request.query.download) {
          reply.header('content-disposition', `attachment; filename="badge-ob3-${request.params.assertionId.slice(0, 8)}.${format}"`);
        }
        // An SVG could carry script if one ever slipped through: never let it run on our origin.
        if (format === 'svg') reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
        return reply.send(typeof image.bytes === 'string' ? image.bytes : Buffer.from(image.bytes));
      },
    );
  }
}
