import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { uuid } from '../../../services/ids.ts';
import type { Services } from '../../../services/index.ts';
import { jsonContentType, negotiateDocument, type Representation } from '../../negotiation.ts';
import { PAGE_LIMIT } from '../../plugins/rate-limits.ts';
import { renderAssertionPage, renderBadgeClassPage, renderIssuerPage } from './html-pages.ts';

const uuidParam = uuid;

/**
 * The Open Badges documents, each served at exactly its id. Verifiers get
 * JSON-LD with CORS open; a browser asking for HTML gets a page for people.
 */
export async function openBadgesRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { publication } = services;
  const r = app.withTypeProvider<ZodTypeProvider>();

  const sendJson = (reply: FastifyReply, representation: Representation, document: object, status = 200) =>
    reply
      .code(status)
      .header('access-control-allow-origin', '*')
      .header('vary', 'Accept')
      .header('cache-control', 'no-cache')
      .type(jsonContentType(representation))
      .send(JSON.stringify(document));

  const sendImage = (reply: FastifyReply, image: { mime: string; bytes: Uint8Array | string }, filename?: string) => {
    reply.header('access-control-allow-origin', '*').type(image.mime);
    if (filename) reply.header('content-disposition', `attachment; filename="${filename}"`);
    // An SVG could carry script if one ever slipped through: never let it run on our origin.
    if (image.mime === 'image/svg+xml') reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    return reply.send(typeof image.bytes === 'string' ? image.bytes : Buffer.from(image.bytes));
  };

  r.get('/issuers/:structureId', { schema: { params: z.object({ structureId: uuidParam }) } }, async (request, reply) => {
    const representation = negotiateDocument(request);
    const document = await publication.issuerProfile(request.params.structureId);
    if (representation === 'html') {
      return renderIssuerPage(request, reply, services, request.params.structureId);
    }
    return sendJson(reply, representation, document);
  });

  r.get('/issuers/:structureId/image', { schema: { params: z.object({ structureId: uuidParam }) } }, async (request, reply) =>
    sendImage(reply, await publication.issuerImage(request.params.structureId)),
  );

  r.get(
    '/issuers/:structureId/keys/:keyId',
    { schema: { params: z.object({ structureId: uuidParam, keyId: uuidParam }) } },
    async (request, reply) =>
      sendJson(
        reply,
        negotiateDocument(request) === 'json' ? 'json' : 'ld+json',
        await publication.signingKey(request.params.structureId, request.params.keyId),
      ),
  );

  r.get('/issuers/:structureId/revocations', { schema: { params: z.object({ structureId: uuidParam }) } }, async (request, reply) =>
    sendJson(
      reply,
      negotiateDocument(request) === 'json' ? 'json' : 'ld+json',
      await publication.revocationList(request.params.structureId),
    ),
  );

  r.get('/badges/:badgeClassId', { schema: { params: z.object({ badgeClassId: uuidParam }) } }, async (request, reply) => {
    const representation = negotiateDocument(request);
    const document = await publication.badgeClass(request.params.badgeClassId);
    if (representation === 'html') return renderBadgeClassPage(request, reply, services, request.params.badgeClassId);
    return sendJson(reply, representation, document);
  });

  r.get(
    '/badges/:badgeClassId/image.:format',
    { schema: { params: z.object({ badgeClassId: uuidParam, format: z.enum(['png', 'svg']) }) } },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=3600');
      return sendImage(reply, await publication.badgeClassImage(request.params.badgeClassId, request.params.format));
    },
  );

  r.get(
    '/assertions/:assertionId',
    {
      // People's pages are limited; verifiers fetching the JSON are not.
      config: { rateLimit: { ...PAGE_LIMIT, allowList: (req) => negotiateDocument(req) !== 'html' } },
      schema: { params: z.object({ assertionId: uuidParam }) },
    },
    async (request, reply) => {
    const representation = negotiateDocument(request);
    if (representation === 'html') return renderAssertionPage(request, reply, services, request.params.assertionId);
    const published = await publication.assertion(request.params.assertionId);
    return sendJson(reply, representation, published.document, published.state === 'revoked' ? 410 : 200);
  },
  );

  const downloads = [
    { file: 'hosted.png', flavour: 'hosted', format: 'png' },
    { file: 'hosted.svg', flavour: 'hosted', format: 'svg' },
    { file: 'signed.png', flavour: 'signed', format: 'png' },
    { file: 'signed.svg', flavour: 'signed', format: 'svg' },
  ] as const;
  for (const download of downloads) {
    r.get(
      `/assertions/:assertionId/${download.file}`,
      {
        schema: {
          params: z.object({ assertionId: uuidParam }),
          querystring: z.object({ download: z.literal('1').optional() }),
        },
      },
      async (request, reply) => {
        const image = await publication.bakedImage(request.params.assertionId, download.flavour, download.format);
        reply.header('cache-control', 'no-cache');
        const filename = request.query.download
          ? `badge-${download.flavour === 'signed' ? 'signe' : 'heberge'}-${request.params.assertionId.slice(0, 8)}.${download.format}`
          : undefined;
        return sendImage(reply, image, filename);
      },
    );
  }

  r.get(
    '/assertions/:assertionId/signed.jws',
    {
      schema: {
        params: z.object({ assertionId: uuidParam }),
        querystring: z.object({ download: z.literal('1').optional() }),
      },
    },
    async (request, reply) => {
      const jws = await publication.jws(request.params.assertionId);
      if (request.query.download) {
        reply.header('content-disposition', `attachment; filename="badge-signe-${request.params.assertionId.slice(0, 8)}.jws"`);
      }
      return reply
        .header('access-control-allow-origin', '*')
        .header('cache-control', 'no-cache')
        .type('application/jose; charset=utf-8')
        .send(jws);
    },
  );
}
