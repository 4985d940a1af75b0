import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LEVEL_LABELS, LEVELS } from '../../../../catalogue/regional.ts';
import { formatNumber, type Locale, type Translate } from '../../../../i18n/index.ts';
import { spreadsheetCsv } from '../../../../services/csv-writer.ts';
import { DomainError } from '../../../../services/errors.ts';
import type { Figures, MonthFigure, PlatformFigures } from '../../../../services/figures.ts';
import type { Services } from '../../../../services/index.ts';
import { localeOf, translate } from '../../../locale.ts';
import { currentStructureId, requirePlatformAdmin, requireRole } from '../../../plugins/session.ts';
import { monthsInput } from './inputs.ts';

/** One table of figures: what the page shows and what its CSV export holds, from the same cells. */
export interface FigureTable {
  key: string;
  caption: string;
  headers: string[];
  /**
   * The first cell of each row names it (a row header); numbers are
   * right-aligned. The page writes numbers and dates in the reader's words
   * (« 20 000 », « 3 décembre 2026 »); the CSV file keeps them as a
   * spreadsheet reads them (20000, 2026-12-03).
   */
  rows: (string | number | Date | null)[][];
  /** Explains an empty table instead of showing only its headers. */
  empty: string;
}

const TIME_ZONE = 'Europe/Paris';

function monthLabel(month: string, locale: Locale, style: 'long' | 'short'): string {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', {
    month: style,
    year: style === 'long' ? 'numeric' : '2-digit',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year, m - 1, 15)));
}

const isoDay = (date: Date | null) =>
  date ? new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date) : '';

function advisorName(row: { userId: string | null; name: string | null }, t: Translate): string {
  if (row.userId === null) return t('following.figures.api');
  return row.name ?? t('following.figures.unknownPerson');
}

/** The tables of a figures page, in the order they are shown. */
export function figureTables(figures: Figures | PlatformFigures, t: Translate, locale: Locale, region: boolean): FigureTable[] {
  const months = figures.months;
  const tables: FigureTable[] = [
    {
      key: 'mois',
      caption: t('following.figures.monthly.caption', { months }),
      headers: [t('following.figures.month'), t('following.figures.awarded'), t('following.figures.revoked')],
      rows: figures.monthly.map((m) => [monthLabel(m.month, locale, 'long'), m.awarded, m.revoked]),
      empty: '',
    },
    {
      key: 'competences',
      caption: t('following.figures.competences.caption'),
      headers: [t('following.figures.competence'), ...LEVELS.map((l) => LEVEL_LABELS[l]), t('following.figures.total')],
      rows: [
        ...figures.competences.map((c) => [c.name, ...LEVELS.map((l) => c.levels[l]), c.total]),
        [t('following.figures.generalBadge'), '', '', figures.generalBadge],
        [t('following.figures.otherBadges'), '', '', figures.otherBadges],
      ],
      empty: '',
    },
    {
      key: 'badges',
      caption: region ? t('following.figures.badges.captionRegion', { months }) : t('following.figures.badges.caption', { months }),
      headers: [
        t('following.figures.badge'),
        t('following.figures.inPeriod', { months }),
        t('following.figures.total'),
        t('following.figures.revoked'),
      ],
      rows: figures.badgeClasses.map((b) => [
        b.catalogueKey === null && region
          ? t('following.figures.ownBadges')
          : b.version > 1
            ? t('following.figures.badgeVersion', { name: b.name, version: b.version })
            : b.name,
        b.awardedInPeriod,
        b.awarded,
        b.revoked,
      ]),
      empty: t('following.figures.none'),
    },
    {
      key: 'conseillers',
      caption: t('following.figures.advisors.caption', { months }),
      headers: [
        t('following.figures.advisor'),
        t('following.figures.inPeriod', { months }),
        t('following.figures.total'),
        t('following.figures.revoked'),
        t('following.figures.lastAward'),
      ],
      rows: figures.advisors.map((a) => [advisorName(a, t), a.awardedInPeriod, a.awarded, a.revoked, a.lastAward]),
      empty: t('following.figures.none'),
    },
  ];
  if ('structures' in figures) {
    tables.push({
      key: 'structures',
      caption: t('following.platform.structures.caption'),
      headers: [
        t('following.platform.structure'),
        t('following.figures.total'),
        t('following.platform.thisYear', { year: figures.year }),
        t('following.figures.revoked'),
        t('following.figures.lastAward'),
        t('following.platform.members'),
      ],
      rows: figures.structures.map((s) => [s.name, s.awarded, s.awardedThisYear, s.revoked, s.lastAward, s.members]),
      empty: t('following.platform.noStructures'),
    });
  }
  return tables;
}

export interface BarChart {
  width: number;
  height: number;
  plot: { left: number; top: number; right: number; bottom: number };
  ticks: { y: number; label: string }[];
  bars: { x: number; y: number; width: number; height: number; value: number; label: string; showLabel: boolean; labelX: number }[];
  title: string;
  description: string;
}

/** A round number at or above `max`: 1, 2 or 5 times a power of ten (at least 4, so the scale has whole steps). */
function niceMax(max: number): number {
  if (max <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** The geometry of the monthly bar chart; the template draws it as SVG, no script needed. */
export function monthlyChart(monthly: MonthFigure[], t: Translate, locale: Locale): BarChart {
  const width = 720;
  const height = 300;
  const plot = { left: 48, top: 16, right: width - 8, bottom: height - 44 };
  const max = niceMax(Math.max(0, ...monthly.map((m) => m.awarded)));
  const plotHeight = plot.bottom - plot.top;
  const band = (plot.right - plot.left) / Math.max(1, monthly.length);
  const every = monthly.length > 12 ? 3 : 1;
  const total = monthly.reduce((n, m) => n + m.awarded, 0);
  const busiest = monthly.reduce<MonthFigure | null>((best, m) => (m.awarded > (best?.awarded ?? 0) ? m : best), null);
  return {
    width,
    height,
    plot,
    ticks: [0, 0.25, 0.5, 0.75, 1].map((f) => ({ y: plot.bottom - f * plotHeight, label: formatNumber(Math.round(max * f), locale) })),
    bars: monthly.map((m, i) => {
      const barHeight = (m.awarded / max) * plotHeight;
      const x = plot.left + i * band + band * 0.15;
      return {
        x,
        y: plot.bottom - barHeight,
        width: band * 0.7,
        height: barHeight,
        value: m.awarded,
        label: monthLabel(m.month, locale, 'short'),
        showLabel: (monthly.length - 1 - i) % every === 0,
        labelX: x + band * 0.35,
      };
    }),
    title: t('following.figures.chart.title', { months: monthly.length }),
    description: busiest
      ? t('following.figures.chart.desc', {
          total,
          months: monthly.length,
          month: monthLabel(busiest.month, locale, 'long'),
          count: busiest.awarded,
        })
      : t('following.figures.chart.descEmpty', { months: monthly.length }),
  };
}

const monthsOf = (query: z.infer<typeof monthsInput>): 12 | 24 => (query.mois === '24' ? 24 : 12);

/** A figures file: which table, over which months. */
const csvQuery = monthsInput.extend({ table: z.string().max(40) });

function sendCsv(reply: FastifyReply, tables: FigureTable[], wanted: string, prefix: string) {
  const table = tables.find((tb) => tb.key === wanted);
  if (!table) throw new DomainError('validation_failed', 400);
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${prefix}-${table.key}.csv"`)
    .send(
      spreadsheetCsv([
        table.headers,
        ...table.rows.map((row) => row.map((cell) => (cell instanceof Date || cell === null ? isoDay(cell) : cell))),
      ]),
    );
}

/** Figures of the current structure, and of the whole region for the platform administrator. */
export async function followingFigureRoutes(fastify: FastifyInstance, { services }: { services: Services }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const advisorPage = { onRequest: requireRole('advisor'), schema: { querystring: monthsInput } };
  const regionPage = { onRequest: requirePlatformAdmin, schema: { querystring: monthsInput } };

  app.get('/espace/chiffres', advisorPage, async (request, reply) => {
    const t = translate(request);
    const locale = localeOf(request);
    const months = monthsOf(request.query);
    const figures = await services.following.figures(currentStructureId(request), months);
    return reply.view('pages/workspace/following/figures.eta', {
      title: t('following.figures.title'),
      region: false,
      figures,
      chart: monthlyChart(figures.monthly, t, locale),
      tables: figureTables(figures, t, locale, false),
      csvBase: '/espace/chiffres.csv',
      basePath: '/espace/chiffres',
      months,
    });
  });

  app.get('/espace/chiffres.csv', { onRequest: requireRole('advisor'), schema: { querystring: csvQuery } }, async (request, reply) => {
    const figures = await services.following.figures(currentStructureId(request), monthsOf(request.query));
    return sendCsv(reply, figureTables(figures, translate(request), localeOf(request), false), request.query.table, 'chiffres');
  });

  app.get('/espace/plateforme/chiffres', regionPage, async (request, reply) => {
    const t = translate(request);
    const locale = localeOf(request);
    const months = monthsOf(request.query);
    const figures = await services.following.platformFigures(months);
    return reply.view('pages/workspace/following/figures.eta', {
      title: t('following.platform.title'),
      region: true,
      figures,
      chart: monthlyChart(figures.monthly, t, locale),
      tables: figureTables(figures, t, locale, true),
      csvBase: '/espace/plateforme/chiffres.csv',
      basePath: '/espace/plateforme/chiffres',
      months,
    });
  });

  app.get(
    '/espace/plateforme/chiffres.csv',
    { onRequest: requirePlatformAdmin, schema: { querystring: csvQuery } },
    async (request, reply) => {
      const figures = await services.following.platformFigures(monthsOf(request.query));
      return sendCsv(reply, figureTables(figures, translate(request), localeOf(request), true), request.query.table, 'chiffres-region');
    },
  );
}
