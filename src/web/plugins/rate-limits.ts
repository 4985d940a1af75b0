import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Per-address limits on what people do by hand: generous enough that a
 * recruiter checking a few candidates never meets them, tight enough that a
 * script cannot hammer the pages or guess recipients' addresses. Verifiers
 * and Open Badge Passport, which fetch the JSON documents in bulk from one
 * address, are not limited. Counters live in each instance's memory: behind a
 * load balancer the effective limit is the sum over instances.
 */
export const PAGE_LIMIT = { max: 300, timeWindow: '1 minute' } as const;
export const FORM_LIMIT = { max: 20, timeWindow: '1 minute' } as const;
/**
 * POST /api/v1/verifications needs no token, and each call may fetch several
 * documents from other sites: a job board checking its candidates' badges
 * one after the other stays under it, a script using us to hammer a site
 * does not.
 */
export const VERIFICATION_API_LIMIT = { max: 30, timeWindow: '1 minute' } as const;

export const rateLimits = fp(async (app: FastifyInstance, options: { enabled: boolean }) => {
  // RATE_LIMITS=off is for the benchmark, which loads the pages from one address.
  if (!options.enabled) return;
  await app.register(fastifyRateLimit, { global: false });
});
