import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../../services/index.ts';
import { acceptMultipartForms } from '../../../multipart.ts';
import { badgeClassRoutes } from './badge-classes.ts';
import { catalogueRoutes } from './catalogue.ts';

/**
 * Room for the largest image (MAX_IMAGE_BYTES), the same image kept in a
 * hidden field after a preview (base64: 4/3 of it), and the text fields.
 * Past it, fastify answers 413 before anything is read.
 */
const MULTIPART_BODY_LIMIT = 2 * 1024 * 1024;
const MAX_PARTS = 120;

/** Badge classes and the shared catalogue, whose editor forms (multipart: they carry an image) are the same. */
export async function badgeClassAndCatalogueRoutes(app: FastifyInstance, options: { services: Services }) {
  acceptMultipartForms(app, { bodyLimit: MULTIPART_BODY_LIMIT, maxParts: MAX_PARTS });
  await app.register(badgeClassRoutes, options);
  await app.register(catalogueRoutes, options);
}
