import type { Translate } from '../i18n/index.ts';
import { validityInUnits } from '../services/rules/badge-class-definition.ts';

/**
 * A badge class's validity as people say it: in years or months when the
 * editor stored a whole number of months (« 2 ans », « 18 mois »), in days
 * otherwise. The days ↔ months rule is the badge class rule's own.
 */
export function validityText(t: Translate, days: number): string {
  const shown = validityInUnits(days);
  if (shown?.unit === 'months') {
    return shown.amount % 12 === 0 ? t('duration.years', { n: shown.amount / 12 }) : t('duration.months', { n: shown.amount });
  }
  return t('duration.days', { n: days });
}
