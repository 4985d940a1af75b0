// One file because it is data: the regional catalogue and the framework page's text, which are read and reviewed together.
/**
 * The regional catalogue of « La Normandie badge les compétences »: four
 * transversal competences at two levels, plus a general badge, and the text of
 * the public page describing the framework (rendered at /referentiel).
 *
 * Everything here is data. The French text is written with ordinary spaces and
 * typographic apostrophes (’); `frenchTypography` then puts the no-break spaces
 * French requires (« guillemets », before : ; ! ?) so that nobody has to type
 * invisible characters in this file.
 */

export type Competence = 'organiser' | 'communiquer' | 's-adapter' | 's-integrer';
export type Level = 'je-pratique' | 'je-maitrise';

export const COMPETENCES: readonly Competence[] = ['organiser', 'communiquer', 's-adapter', 's-integrer'];
export const LEVELS: readonly Level[] = ['je-pratique', 'je-maitrise'];

/** How a level is written in running text, without guillemets. */
export const LEVEL_LABELS: Readonly<Record<Level, string>> = {
  'je-pratique': 'je pratique',
  'je-maitrise': 'je maîtrise',
};

/** Path of the public framework page; alignments point to `${FRAMEWORK_PATH}#${anchor}`. */
export const FRAMEWORK_PATH = '/referentiel';

/** Name of the framework, as used in `targetFramework` of every alignment. */
export const FRAMEWORK_NAME = 'La Normandie badge les compétences';

export interface CatalogueAlignment {
  targetName: string;
  targetFramework: string;
  targetDescription: string;
  targetCode: string;
  /** Fragment on the framework page, e.g. 'organiser'; the platform builds the URL. */
  anchor: string;
}

export interface CatalogueBadge {
  /** Stable key, e.g. 'organiser-je-pratique', 'general'. Never change one once published. */
  key: string;
  competence: Competence | null;
  level: Level | null;
  name: string;
  description: string;
  /** Markdown (plain paragraphs and '- ' lists only). */
  criteriaNarrative: string;
  tags: string[];
  alignment: CatalogueAlignment[];
}

export interface FrameworkLevel {
  level: Level;
  /** e.g. « je pratique » (without guillemets). */
  name: string;
  summary: string;
}

export interface FrameworkCompetence {
  anchor: string;
  competence: Competence;
  name: string;
  definition: string;
  /** What each level means for this competence. */
  levels: Readonly<Record<Level, string>>;
  /** Observable behaviours, as infinitive phrases without final punctuation. */
  behaviours: readonly string[];
}

export interface FrameworkSection {
  anchor: string;
  title: string;
  paragraphs: readonly string[];
}

export interface Framework {
  title: string;
  programme: string;
  introduction: readonly string[];
  levels: { anchor: string; title: string; introduction: string; items: readonly FrameworkLevel[] };
  competences: readonly FrameworkCompetence[];
  generalBadge: FrameworkSection;
  awarding: FrameworkSection;
}

// ---------------------------------------------------------------------------
// French typography

const NBSP = '\u00a0';
const NNBSP = '\u202f';

/**
 * Replaces the ordinary spaces that French typography wants unbreakable: inside
 * « guillemets » and before a colon (no-break space), before ; ! ? (narrow
 * no-break space). Idempotent.
 */
export function frenchTypography(text: string): string {
  return text
    .replace(/« +/g, `«${NBSP}`)
    .replace(/ +»/g, `${NBSP}»`)
    .replace(/ +:/g, `${NBSP}:`)
    .replace(/ +([;!?])/g, `${NNBSP}$1`);
}

/** Identifiers are left alone; every other string goes through `frenchTypography`. */
const IDENTIFIER_KEYS = new Set(['key', 'anchor', 'competence', 'level', 'targetCode']);

function typeset<T>(value: T): T {
  if (typeof value === 'string') return frenchTypography(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => typeset(item)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = IDENTIFIER_KEYS.has(k) ? v : typeset(v);
    return out as T;
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

// ---------------------------------------------------------------------------
// Source text, one entry per competence

interface LevelText {
  /** For the badge description: what a recruiter should understand. */
  description: string;
  /** Observed behaviours at this level (Markdown list items, lower case, no final punctuation). */
  observed: readonly string[];
  /** Closing paragraph: the support still needed (pratique), or what the person can explain (maîtrise). */
  closing: string;
}

interface CompetenceText {
  competence: Competence;
  name: string;
  /** Prefix of the alignment codes: ORG-P, ORG-M… */
  code: string;
  definition: string;
  levels: Record<Level, string>;
  behaviours: readonly string[];
  badges: Record<Level, LevelText>;
}

/** Where structures observe the people they accompany. */
const CONTEXTS_SENTENCE =
  'par exemple pendant une formation, un atelier collectif, une période de mise en situation en milieu professionnel ou une mission en entreprise';
const CONTEXTS_LIST = 'formation, atelier collectif, période de mise en situation en milieu professionnel, mission en entreprise';

const COMPETENCE_TEXTS: readonly CompetenceText[] = [
  {
    competence: 'organiser',
    name: 'Organiser',
    code: 'ORG',
    definition:
      'Organiser, c’est prévoir et ordonner son activité pour atteindre un objectif dans les délais : repérer ce qu’il faut faire, fixer des priorités, préparer ce dont on a besoin, gérer son temps et vérifier le résultat.',
    levels: {
      'je-pratique':
        'La personne organise son activité dans des situations connues, à partir d’une consigne ou d’un modèle. Quand la charge augmente, elle s’appuie sur un rappel ou sur un outil que lui propose la personne qui l’accompagne.',
      'je-maitrise':
        'La personne organise seule son activité, y compris face à une tâche nouvelle ou à un imprévu : elle construit sa propre méthode, réajuste son planning et sait expliquer ses choix de priorité.',
    },
    behaviours: [
      'Respecter les horaires et les échéances convenus, prévenir en cas d’empêchement',
      'Découper une tâche en étapes et les réaliser dans un ordre logique',
      'Préparer le matériel, les documents ou les informations nécessaires avant de commencer',
      'Utiliser un outil de suivi : agenda, liste de tâches, planning',
      'Hiérarchiser ses priorités quand plusieurs demandes arrivent en même temps',
      'Vérifier son travail avant de le rendre',
    ],
    badges: {
      'je-pratique': {
        description:
          'La personne titulaire de ce badge organise son travail de façon fiable dans des situations familières : elle respecte les horaires et les délais, prépare ce dont elle a besoin et suit les étapes d’une tâche jusqu’au bout. Elle s’appuie encore sur une consigne claire ou sur un outil proposé lorsque la charge de travail augmente.',
        observed: [
          'arrive à l’heure et respecte les échéances convenues, ou prévient en cas d’empêchement',
          'suit les étapes d’une tâche dans l’ordre, à partir d’une consigne ou d’un modèle',
          'prépare le matériel ou les documents nécessaires lorsqu’on le lui rappelle',
          'utilise l’outil de suivi qu’on lui propose : agenda, liste de tâches, planning',
          'mène la tâche à son terme dans le délai prévu',
        ],
        closing:
          'Un appui reste nécessaire : consigne reformulée, rappel d’une échéance, aide pour choisir par quoi commencer lorsque plusieurs tâches se présentent.',
      },
      'je-maitrise': {
        description:
          'La personne titulaire de ce badge organise son travail en autonomie, y compris face à une tâche nouvelle ou à un imprévu : elle planifie, fixe ses priorités, anticipe et réajuste son planning sans perdre de vue l’objectif. Elle sait expliquer sa méthode et l’appliquer dans un autre contexte.',
        observed: [
          'planifie une activité de plusieurs jours ou de plusieurs étapes en fixant elle-même ses échéances',
          'hiérarchise ses priorités lorsque plusieurs demandes arrivent en même temps, et sait dire pourquoi',
          'anticipe ce dont elle aura besoin et les difficultés possibles',
          'réorganise son planning face à un imprévu sans perdre de vue l’objectif',
          'vérifie son travail et corrige ses erreurs avant de le rendre',
        ],
        closing:
          'Lors d’un échange, la personne explique sa méthode d’organisation à partir d’une situation vécue et montre comment elle l’applique ailleurs : dans une autre tâche, un autre lieu de travail ou sa vie personnelle.',
      },
    },
  },
  {
    competence: 'communiquer',
    name: 'Communiquer',
    code: 'COM',
    definition:
      'Communiquer, c’est échanger des informations et des idées de façon claire et adaptée à son interlocuteur, à l’oral comme à l’écrit : écouter, se faire comprendre, vérifier que l’on a bien compris et que l’on a été compris.',
    levels: {
      'je-pratique':
        'La personne échange clairement dans les situations habituelles — consignes, échanges avec le groupe, messages simples — et prépare avec un appui les échanges plus exigeants.',
      'je-maitrise':
        'La personne adapte sa façon de communiquer à son interlocuteur et à la situation, y compris face à un public inconnu ou dans un échange délicat, et sait expliquer comment elle s’y prend.',
    },
    behaviours: [
      'Écouter sans interrompre et reformuler pour vérifier sa compréhension',
      'Poser des questions quand une information manque',
      'S’exprimer de façon claire et polie, à l’oral comme à l’écrit',
      'Transmettre une information complète à la bonne personne',
      'Adapter son vocabulaire et son ton à l’interlocuteur : client, collègue, responsable',
      'Exprimer un désaccord ou une difficulté de manière constructive',
    ],
    badges: {
      'je-pratique': {
        description:
          'La personne titulaire de ce badge communique clairement dans les situations courantes de travail : elle écoute les consignes, pose des questions quand un point n’est pas clair, transmet une information simple à l’oral comme à l’écrit et adopte un ton poli. Elle prépare encore avec un appui les échanges plus exigeants.',
        observed: [
          'écoute les consignes, les reformule ou pose une question lorsqu’un point n’est pas clair',
          'prend la parole dans un groupe qu’elle connaît (tour de table, atelier) et se fait comprendre',
          'transmet une information simple, à l’oral ou par un message écrit, sans oubli important',
          'emploie les formules de politesse et le ton qui conviennent aux échanges courants',
          'signale une difficulté à la personne qui l’accompagne ou à son tuteur',
        ],
        closing:
          'Un appui reste nécessaire pour les échanges moins familiers : préparation de l’échange, modèle de message, relecture d’un écrit.',
      },
      'je-maitrise': {
        description:
          'La personne titulaire de ce badge adapte sa communication à son interlocuteur et à la situation, à l’oral comme à l’écrit : elle présente un sujet de façon structurée, rédige un message professionnel clair et garde son calme dans un échange délicat. Elle sait expliquer comment elle prépare un échange important.',
        observed: [
          'adapte son vocabulaire, son ton et son support à l’interlocuteur : client, collègue, responsable, recruteur',
          'présente un sujet ou son parcours de façon structurée devant un groupe ou une personne qu’elle ne connaît pas',
          'rédige seule un message professionnel clair : courriel, compte rendu, réponse à un client',
          'mène un échange délicat (désaccord, réclamation, critique) en restant calme et respectueuse de son interlocuteur',
          'vérifie que son message a été compris et le reformule si nécessaire',
        ],
        closing:
          'Lors d’un échange, la personne explique comment elle prépare une prise de parole ou un message important et montre qu’elle réutilise ces repères dans une autre situation, par exemple un entretien d’embauche ou une réunion d’équipe.',
      },
    },
  },
  {
    competence: 's-adapter',
    name: 'S’adapter',
    code: 'ADA',
    definition:
      'S’adapter, c’est ajuster sa façon d’agir quand la situation change : nouvelle consigne, nouvel outil, nouvel environnement, imprévu. C’est accepter le changement, comprendre ce qu’il implique et trouver une manière efficace d’y répondre.',
    levels: {
      'je-pratique':
        'La personne accepte les changements annoncés et s’y conforme. Elle prend en main une nouvelle manière de faire après une démonstration et sait demander de l’aide face à un imprévu.',
      'je-maitrise':
        'La personne fait face seule aux changements et aux imprévus, y compris dans un environnement qu’elle découvre. Elle propose des solutions, explique comment elle s’est adaptée et réutilise cette expérience ailleurs.',
    },
    behaviours: [
      'Accepter un changement de consigne, d’horaire ou de tâche sans se bloquer',
      'Chercher à comprendre ce qui change et ce qui est attendu',
      'Apprendre à utiliser un nouvel outil ou une nouvelle méthode',
      'Tenir compte des remarques pour modifier sa façon de faire',
      'Garder son calme face à un imprévu et chercher une solution',
      'Transposer ce que l’on sait faire dans un contexte différent',
    ],
    badges: {
      'je-pratique': {
        description:
          'La personne titulaire de ce badge accepte les changements annoncés — nouvelle consigne, nouvel horaire, nouvel outil — et s’y conforme. Elle prend en main une nouvelle procédure après une démonstration, tient compte des remarques qui lui sont faites et sait demander de l’aide face à un imprévu.',
        observed: [
          'accepte un changement d’horaire, de consigne ou de tâche annoncé à l’avance, et s’y conforme',
          'prend en main un nouvel outil ou une nouvelle procédure après une démonstration',
          'tient compte des remarques qui lui sont faites et modifie sa façon de faire',
          'garde son calme face à un imprévu et sollicite de l’aide au bon moment',
          's’approprie les règles d’un nouveau lieu (salle de formation, atelier, entreprise) avec l’aide d’un tuteur',
        ],
        closing: 'Un appui reste nécessaire : explication de ce qui change et pourquoi, démonstration, temps d’adaptation accompagné.',
      },
      'je-maitrise': {
        description:
          'La personne titulaire de ce badge fait face seule aux changements et aux imprévus : elle réorganise son action, se forme d’elle-même à un nouvel outil ou à un nouvel environnement et propose des solutions réalistes. Elle sait expliquer comment elle s’est adaptée et réutiliser ces acquis dans un nouveau poste ou un nouveau secteur.',
        observed: [
          'fait face seule à un changement imprévu (absence d’un collègue, tâche nouvelle, contrainte de dernière minute) et réorganise son action',
          'se renseigne d’elle-même sur un nouvel outil, une nouvelle méthode ou un nouvel environnement',
          'sollicite des retours sur son travail et s’en sert pour progresser',
          'propose une solution réaliste lorsque la façon habituelle de faire ne fonctionne pas',
          'reste efficace dans un environnement qu’elle découvre : nouvelle équipe, nouveau lieu, nouveau rythme',
        ],
        closing:
          'Lors d’un échange, la personne décrit un changement auquel elle a fait face, explique comment elle s’y est adaptée et montre ce qu’elle en réutiliserait dans un autre contexte : nouveau poste, nouveau secteur, nouvelle équipe.',
      },
    },
  },
  {
    competence: 's-integrer',
    name: 'S’intégrer',
    code: 'INT',
    definition:
      'S’intégrer, c’est trouver sa place dans un collectif — équipe de travail, groupe en formation, entreprise — en comprenant son fonctionnement, en respectant ses règles et en contribuant au travail commun.',
    levels: {
      'je-pratique':
        'La personne trouve sa place dans un collectif dont on lui a présenté le fonctionnement : elle en respecte les règles, participe aux activités communes et coopère avec les personnes qu’elle connaît.',
      'je-maitrise':
        'La personne s’intègre d’elle-même dans un collectif qu’elle ne connaissait pas : elle en comprend seule le fonctionnement, crée des relations de travail constructives et prend des initiatives au service du groupe.',
    },
    behaviours: [
      'Respecter les règles de fonctionnement, de sécurité et de savoir-vivre du lieu',
      'Identifier le rôle de chacun et savoir à qui s’adresser',
      'Aller vers les autres, se présenter, saluer',
      'Coopérer, partager l’information et proposer son aide',
      'Respecter les différences et contribuer à un climat de travail serein',
      'Participer à la vie du collectif et à ses temps d’échange',
    ],
    badges: {
      'je-pratique': {
        description:
          'La personne titulaire de ce badge trouve sa place dans un collectif dont on lui a présenté le fonctionnement : elle respecte les règles de fonctionnement et de sécurité, sait à qui s’adresser, participe aux activités collectives et coopère avec respect pour réaliser une tâche commune.',
        observed: [
          'respecte les règles de fonctionnement et de sécurité qui lui ont été présentées',
          'se présente, salue ses interlocuteurs et sait à qui s’adresser',
          'participe aux activités collectives lorsqu’on le lui propose',
          'coopère avec les membres d’un groupe qu’elle connaît pour réaliser une tâche commune',
          'se montre respectueuse envers chacun',
        ],
        closing:
          'Un appui reste nécessaire : présentation de l’équipe et des règles, tuteur ou référent identifié, invitation à participer.',
      },
      'je-maitrise': {
        description:
          'La personne titulaire de ce badge s’intègre rapidement dans un collectif qu’elle ne connaissait pas : elle en comprend seule les règles et le fonctionnement, crée des relations de travail constructives et prend des initiatives au service de l’équipe. Elle sait s’appuyer sur son expérience pour rejoindre un nouveau collectif.',
        observed: [
          'comprend seule le fonctionnement d’un nouveau collectif : rôles, règles écrites et usages, circulation de l’information',
          'va d’elle-même vers les autres et noue des relations de travail constructives dans une équipe qu’elle ne connaissait pas',
          'prend des initiatives au service du collectif : accueillir une personne nouvelle, partager une information utile, proposer son aide',
          'contribue à apaiser une tension ou à dissiper un malentendu dans le groupe',
          'participe aux temps d’échange de l’équipe et y apporte ses idées',
        ],
        closing:
          'Lors d’un échange, la personne explique ce qui l’a aidée à trouver sa place et comment elle s’appuierait sur cette expérience pour rejoindre un nouveau collectif.',
      },
    },
  },
];

// ---------------------------------------------------------------------------
// Catalogue

const COMMON_TAGS = ['compétences transversales', 'soft skills', 'Normandie'];

function bulletList(items: readonly string[]): string {
  return items.map((item, i) => `- ${item}${i === items.length - 1 ? '.' : ' ;'}`).join('\n');
}

function competenceBadge(text: CompetenceText, level: Level): CatalogueBadge {
  const label = LEVEL_LABELS[level];
  const badge = text.badges[level];
  const intro = `Le badge est attribué par une structure du programme après observation de la personne en situation réelle, ${CONTEXTS_SENTENCE}.`;
  const observation =
    level === 'je-pratique'
      ? 'Au niveau « je pratique », la personne met en œuvre la compétence dans des situations familières, avec un appui ponctuel. L’observation montre que la personne :'
      : 'Au niveau « je maîtrise », la personne agit de façon autonome, y compris dans une situation nouvelle pour elle, et sait expliquer sa manière de faire. Les observations, menées à plusieurs reprises et sans appui, montrent que la personne :';
  return {
    key: `${text.competence}-${level}`,
    competence: text.competence,
    level,
    name: `${text.name} — ${label}`,
    description: badge.description,
    criteriaNarrative: [intro, observation + '\n\n' + bulletList(badge.observed), badge.closing].join('\n\n'),
    tags: [...COMMON_TAGS, text.name.toLowerCase(), label],
    alignment: [
      {
        targetName: `${text.name} — ${label}`,
        targetFramework: FRAMEWORK_NAME,
        targetDescription: `${text.definition} Au niveau « ${label} », ${lowerFirst(text.levels[level])}`,
        targetCode: `${text.code}-${level === 'je-pratique' ? 'P' : 'M'}`,
        anchor: text.competence,
      },
    ],
  };
}

function lowerFirst(s: string): string {
  // "La personne…" reads "la personne…" inside a sentence.
  return s.charAt(0).toLowerCase() + s.slice(1);
}

const GENERAL_ANCHOR = 'badge-general';
const AWARDING_ANCHOR = 'attribution';
const LEVELS_ANCHOR = 'niveaux';

const GENERAL_BADGE: CatalogueBadge = {
  key: 'general',
  competence: null,
  level: null,
  name: 'Compétences transversales — badge général',
  description:
    'La personne titulaire de ce badge a démontré, en situation réelle, la maîtrise d’au moins trois des quatre compétences transversales du référentiel régional : organiser, communiquer, s’adapter, s’intégrer. Elle agit de façon autonome dans des situations nouvelles, sait expliquer sa manière de faire et la transférer d’un contexte à un autre.',
  criteriaNarrative: [
    'Le badge général est attribué à une personne qui détient le badge « je maîtrise » dans au moins trois des quatre compétences du référentiel :',
    bulletList(COMPETENCE_TEXTS.map((t) => `${t.name} — je maîtrise`)),
    'Il peut être attribué par toute structure du programme, y compris lorsque les badges « je maîtrise » ont été délivrés par des structures différentes. Avant de l’attribuer, la structure vérifie les badges que la personne lui présente : ils doivent être authentiques, lui avoir été délivrés et ne pas avoir été révoqués.',
  ].join('\n\n'),
  tags: [...COMMON_TAGS, 'badge général', 'je maîtrise'],
  alignment: [
    {
      targetName: 'Badge général',
      targetFramework: FRAMEWORK_NAME,
      targetDescription:
        'Reconnaît la maîtrise d’au moins trois des quatre compétences transversales du référentiel : organiser, communiquer, s’adapter, s’intégrer.',
      targetCode: 'GEN',
      anchor: GENERAL_ANCHOR,
    },
  ],
};

/** The nine badge classes every new structure starts with, in display order. */
export const REGIONAL_CATALOGUE: readonly CatalogueBadge[] = deepFreeze(
  typeset([...COMPETENCE_TEXTS.flatMap((text) => LEVELS.map((level) => competenceBadge(text, level))), GENERAL_BADGE]),
);

export function findCatalogueBadge(key: string): CatalogueBadge | undefined {
  return REGIONAL_CATALOGUE.find((badge) => badge.key === key);
}

// ---------------------------------------------------------------------------
// Framework page

export const FRAMEWORK: Framework = deepFreeze(
  typeset<Framework>({
    title: 'Référentiel régional des compétences transversales',
    programme: FRAMEWORK_NAME,
    introduction: [
      '« La Normandie badge les compétences » est un programme régional qui permet aux structures d’accompagnement — organismes de formation, structures d’insertion, conseillers en évolution professionnelle, entreprises — de reconnaître les compétences transversales des personnes qu’elles accompagnent, en particulier des personnes en recherche d’emploi. Ces compétences, souvent appelées soft skills, se construisent dans la vie professionnelle comme dans la vie personnelle. Elles comptent dans un recrutement, mais un diplôme les atteste rarement.',
      'Le référentiel décrit quatre compétences : organiser, communiquer, s’adapter, s’intégrer. Chacune se reconnaît à deux niveaux, « je pratique » et « je maîtrise », et fait l’objet d’un badge numérique au format Open Badges. Un badge indique la structure qui l’a délivré et la date d’attribution, et renvoie aux critères décrits sur cette page ; il peut être vérifié en ligne par toute personne à qui son titulaire le présente.',
      'Un badge général complète l’ensemble : il reconnaît les personnes qui maîtrisent au moins trois des quatre compétences. Le référentiel compte ainsi neuf badges.',
    ],
    levels: {
      anchor: LEVELS_ANCHOR,
      title: 'Deux niveaux',
      introduction:
        'Les deux niveaux ne mesurent pas une quantité de connaissances : ils décrivent le degré d’autonomie avec lequel la personne mobilise la compétence, et la variété des situations dans lesquelles elle le fait.',
      items: [
        {
          level: 'je-pratique',
          name: LEVEL_LABELS['je-pratique'],
          summary:
            'La personne met en œuvre la compétence dans des situations familières, avec un appui ponctuel : consigne précisée, rappel, exemple, encouragement. Le résultat est là, mais elle a encore besoin d’un cadre.',
        },
        {
          level: 'je-maitrise',
          name: LEVEL_LABELS['je-maitrise'],
          summary:
            'La personne mobilise la compétence de façon autonome, y compris dans une situation nouvelle ou imprévue. Elle sait expliquer comment elle s’y prend et transférer sa manière de faire à un autre contexte.',
        },
      ],
    },
    competences: COMPETENCE_TEXTS.map((text) => ({
      anchor: text.competence,
      competence: text.competence,
      name: text.name,
      definition: text.definition,
      levels: text.levels,
      behaviours: text.behaviours,
    })),
    generalBadge: {
      anchor: GENERAL_ANCHOR,
      title: 'Le badge général',
      paragraphs: [
        'Le badge général reconnaît une personne qui détient le badge « je maîtrise » dans au moins trois des quatre compétences du référentiel. Il atteste une autonomie d’ensemble : savoir s’organiser, communiquer, s’adapter et s’intégrer dans des situations nouvelles, et savoir en parler.',
        'Toute structure du programme peut l’attribuer, y compris lorsque les badges « je maîtrise » ont été délivrés par d’autres structures. Elle vérifie au préalable les badges que la personne lui présente.',
      ],
    },
    awarding: {
      anchor: AWARDING_ANCHOR,
      title: 'Comment les badges sont attribués',
      paragraphs: [
        'Les badges sont attribués par les structures qui participent au programme : organismes de formation, structures d’insertion, conseillers en évolution professionnelle, entreprises. Chaque structure dispose des neuf badges du référentiel dès son arrivée sur la plateforme.',
        `L’attribution repose sur l’observation de la personne en situation réelle (${CONTEXTS_LIST}) et non sur une simple déclaration. La personne qui accompagne s’appuie sur les comportements observables décrits pour chaque compétence et sur les critères de chaque niveau.`,
        'Un échange avec la personne complète l’observation : elle décrit une situation dans laquelle elle a mobilisé la compétence. Cet échange est indispensable pour le niveau « je maîtrise », qui suppose de savoir expliquer sa manière de faire.',
        'La personne qui reçoit un badge peut le conserver, le présenter à un recruteur, l’ajouter à son CV ou à un profil professionnel en ligne.',
      ],
    },
  }),
);

/** Every fragment that exists on the framework page. */
export function frameworkAnchors(framework: Framework = FRAMEWORK): string[] {
  return [framework.levels.anchor, ...framework.competences.map((c) => c.anchor), framework.generalBadge.anchor, framework.awarding.anchor];
}

/** Path (without origin) an alignment points to, e.g. '/referentiel#organiser'. */
export function alignmentPath(anchor: string): string {
  return `${FRAMEWORK_PATH}#${anchor}`;
}
