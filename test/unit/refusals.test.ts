import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.ts';
import { fr } from '../../src/i18n/fr.ts';
import { IMPORT_FILE_REFUSALS, ImportFileError } from '../../src/services/award-imports/csv-file.ts';
import { BADGE_CLASS_REFUSALS, BadgeClassRefusal } from '../../src/services/badge-classes.ts';
import { CATALOGUE_REFUSALS, CatalogueRefusal } from '../../src/services/catalogue.ts';
import { DomainError } from '../../src/services/errors.ts';
import { UPLOADED_IMAGE_REFUSALS, UploadedImageError } from '../../src/services/images/uploads.ts';
import { checkBadgeClassDefinition, DEFINITION_PROBLEMS } from '../../src/services/rules/badge-class-definition.ts';

// Every refusal of every family is one DomainError whose message exists in both languages.
const families: [string, readonly string[], (code: string) => DomainError<string>][] = [
  ['badge class actions', BADGE_CLASS_REFUSALS, (c) => new BadgeClassRefusal(c as never)],
  ['catalogue actions', CATALOGUE_REFUSALS, (c) => new CatalogueRefusal(c as never)],
  ['uploaded images', UPLOADED_IMAGE_REFUSALS, (c) => new UploadedImageError(c as never)],
  ['CSV files', IMPORT_FILE_REFUSALS, (c) => new ImportFileError(c as never)],
];

describe('one refusal type', () => {
  it.each(families)('%s: each code is a DomainError worded in French and English', (_family, codes, make) => {
    for (const code of codes) {
      const refusal = make(code);
      expect(refusal).toBeInstanceOf(DomainError);
      expect(refusal.code).toBe(code);
      expect(fr, refusal.messageKey).toHaveProperty([refusal.messageKey]);
      expect(en, refusal.messageKey).toHaveProperty([refusal.messageKey]);
    }
  });

  it('a badge class definition refused by the rule names its field and is worded in both languages', () => {
    for (const problem of DEFINITION_PROBLEMS) {
      expect(fr).toHaveProperty([`error.definition.${problem}`]);
      expect(en).toHaveProperty([`error.definition.${problem}`]);
    }
    let refusal: unknown;
    try {
      checkBadgeClassDefinition({ name: '', description: 'd', criteriaNarrative: 'c', tags: [], alignment: [], validityDays: null });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'badge_class_invalid', status: 422, field: 'name', messageKey: 'error.definition.required' });
  });

  it('a CSV file refusal is about the form’s file field', () => {
    expect(new ImportFileError('too_large', { maxMb: 2 })).toMatchObject({ status: 413, field: 'file', params: { maxMb: 2 } });
    expect(new ImportFileError('no_rows')).toMatchObject({ status: 422, field: 'file' });
  });
});
