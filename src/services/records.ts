// The database's records as the services hand them to the web layer. Routes
// name these types from here, never from src/db (the layers' rule, which
// `npm run lint` enforces): what a service returns is part of its interface.
export type { AssertionRow } from '../db/repositories/assertions.ts';
export type { AuditListRow, AuditReferences } from '../db/repositories/audit.ts';
export type { AwardImportRecord, AwardImportSummary } from '../db/repositories/award-imports.ts';
export type { BadgeClassRow } from '../db/repositories/badge-classes.ts';
export type { AlignmentRecord, AwardImportRow, EvidenceRecord } from '../db/schema.ts';
