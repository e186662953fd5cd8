import { parisDay } from '../common/paris-time';
import {
  AggregatorGroup,
  DossierMetadata,
  DossierRecordRow,
  ProcedureConfigRow,
} from '../dossier-source/aggregator-row';
import { PROCEDURE_CONFIGS } from './procedure-configs';
import { Random, WeightedTable } from './random';

/**
 * Synthetic ds-aggregator `dossier_record` rows (domain.md 2 and 3), invented but shaped like production: for demos,
 * medium tests and benchmarks. Rows stream out of a generator so that 100,000+ of them take constant memory, and one
 * seeded PRNG drives everything so that a seed, a `now` and a count always give the same rows.
 *
 * Besides ordinary dossiers, small shares of rows are made to hit every alert rule and every known data defect, so
 * that each code path has something to chew on (the APT anomalies, after-decision messages and defects below).
 */
export const DEMO_SEED = 20260101;

export interface DemoDatasetOptions {
  count: number;
  seed?: number;
  now: Date;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FIRST_DOSSIER_ID = 300_000;
const HISTORY_START = Date.UTC(2018, 0, 2, 8);
// The introduction procedure (33588) only opened in the autumn of 2020.
const INTRODUCTION_OPENING = Date.UTC(2020, 9, 1);
// DIRECCTE became DREETS on 1 April 2021, and the instructors' addresses moved with it.
const DREETS_RENAME = Date.UTC(2021, 3, 1);
const DS_CONTACT = 'contact@demarches-simplifiees.fr';
// The last weeks hold more dossiers than the history average, so that "fresh" cases exist even in small data sets.
const TAIL_SHARE = 0.025;
const TAIL_DAYS = 30;

/** Caches a string function whose inputs all come from the finite tables below, so the cache stays small. */
function memoize(fn: (text: string) => string): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let out = cache.get(text);
    if (out === undefined) {
      out = fn(text);
      cache.set(text, out);
    }
    return out;
  };
}

const upperAscii = memoize((text) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[’']/g, ' ')
    .toUpperCase(),
);

const slug = memoize((text) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, ''),
);

// ---------------------------------------------------------------------------------------------------------------
// Reference data (invented people, real places)
// ---------------------------------------------------------------------------------------------------------------

interface NamePool {
  surnames: string[];
  men: string[];
  women: string[];
}

const NAMES: Record<string, NamePool> = {
  maghreb: {
    surnames: [
      'Benali',
      'El Amrani',
      'Bouzid',
      'Haddad',
      'Mansouri',
      'Cherif',
      'Belkacem',
      'Ziani',
      'Ait Ahmed',
      'Benjelloun',
      'Tazi',
      'Ben Salah',
      'Trabelsi',
      'Gharbi',
      'Saïdi',
      'Hamdi',
    ],
    men: ['Mohamed', 'Yassine', 'Amine', 'Karim', 'Mehdi', 'Sofiane', 'Youssef', 'Anis', 'Walid', 'Omar', 'Ayoub'],
    women: ['Fatima Zahra', 'Imane', 'Salma', 'Nour', 'Yasmine', 'Amira', 'Meriem', 'Sara', 'Rania', 'Khadija'],
  },
  westAfrica: {
    surnames: [
      'Diallo',
      'Ndiaye',
      'Traoré',
      'Koné',
      'Diop',
      'Sow',
      'Camara',
      'Coulibaly',
      'Ouédraogo',
      'Kouassi',
      'Mensah',
      'Agbodjan',
      'Sylla',
      'Fall',
      'Okafor',
      'Adeyemi',
    ],
    men: ['Mamadou', 'Ousmane', 'Moussa', 'Ibrahima', 'Abdoulaye', 'Cheikh', 'Serge', 'Koffi', 'Yao', 'Seydou'],
    women: ['Aminata', 'Fatou', 'Awa', 'Mariama', 'Aïssatou', 'Adjoa', 'Rokia', 'Bintou', 'Ramatoulaye', 'Grâce'],
  },
  centralAfrica: {
    surnames: [
      'Mbarga',
      'Nkoulou',
      'Tchamba',
      'Ngono',
      'Essomba',
      'Mouanda',
      'Nzeza',
      'Ondo',
      'Mbida',
      'Ekani',
      'Massamba',
      'Loembe',
      'Rakoto',
      'Randrianarisoa',
      'Said',
      'Soilihi',
    ],
    men: ['Jean-Paul', 'Arnaud', 'Brice', 'Hervé', 'Junior', 'Cédric', 'Franck', 'Landry', 'Hery', 'Tiana'],
    women: ['Grâce', 'Carine', 'Estelle', 'Laeticia', 'Nadège', 'Murielle', 'Prisca', 'Armelle', 'Voahangy', 'Fara'],
  },
  china: {
    surnames: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun'],
    men: ['Wei', 'Hao', 'Jun', 'Lei', 'Yang', 'Tao', 'Peng', 'Zihan', 'Yuchen'],
    women: ['Xin', 'Jing', 'Yue', 'Mei', 'Lin', 'Xiaoyu', 'Ying', 'Qian', 'Yiwen'],
  },
  southEastAsia: {
    surnames: ['Nguyen', 'Tran', 'Le', 'Pham', 'Hoang', 'Vu', 'Dang', 'Bui', 'Sok', 'Chan', 'Santoso', 'Reyes'],
    men: ['Minh', 'Duc', 'Quang', 'Hung', 'Tuan', 'Anh', 'Dara', 'Budi'],
    women: ['Thi Lan', 'Thu Trang', 'Mai', 'Linh', 'Huong', 'Ngoc Anh', 'Sreymom', 'Siti'],
  },
  southAsia: {
    surnames: [
      'Sharma',
      'Patel',
      'Singh',
      'Kumar',
      'Gupta',
      'Reddy',
      'Khan',
      'Rahman',
      'Hossain',
      'Perera',
      'Iyer',
      'Das',
      'Ramgoolam',
    ],
    men: ['Rahul', 'Arjun', 'Vikram', 'Aditya', 'Rohan', 'Imran', 'Karthik', 'Sanjay'],
    women: ['Priya', 'Ananya', 'Divya', 'Sneha', 'Pooja', 'Ayesha', 'Nisha', 'Kavya'],
  },
  latinAmerica: {
    surnames: [
      'García',
      'Rodríguez',
      'Martínez',
      'López',
      'González',
      'Hernández',
      'Silva',
      'Santos',
      'Oliveira',
      'Pérez',
      'Ramírez',
      'Torres',
    ],
    men: ['Juan Pablo', 'Carlos', 'Andrés', 'Diego', 'Santiago', 'Lucas', 'Mateo', 'Felipe'],
    women: ['María José', 'Valentina', 'Camila', 'Ana Clara', 'Daniela', 'Isabela', 'Gabriela', 'Lucía'],
  },
  middleEast: {
    surnames: [
      'Khoury',
      'Saab',
      'Nasser',
      'Hassan',
      'Ibrahim',
      'Karimi',
      'Ahmadi',
      'Yilmaz',
      'Demir',
      'Kaya',
      'Abdallah',
      'Mostafa',
    ],
    men: ['Ali', 'Hassan', 'Omar', 'Reza', 'Emre', 'Elie', 'Georges', 'Ahmed'],
    women: ['Maya', 'Léa', 'Rim', 'Zeinab', 'Elif', 'Yasmine', 'Dina', 'Nour'],
  },
  easternEurope: {
    surnames: [
      'Petrenko',
      'Kovalenko',
      'Shevchenko',
      'Beridze',
      'Kapanadze',
      'Grigoryan',
      'Petrosyan',
      'Rusu',
      'Melnyk',
      'Bondarenko',
      'Tkachenko',
      'Ceban',
    ],
    men: ['Dmitri', 'Oleksandr', 'Giorgi', 'Artem', 'Andrei', 'Levan', 'Ivan', 'Mikhail'],
    women: ['Anastasia', 'Olena', 'Nino', 'Daria', 'Anna', 'Ekaterina', 'Mariam', 'Iryna'],
  },
  eastAsia: {
    surnames: ['Kim', 'Park', 'Lee', 'Choi', 'Tanaka', 'Sato', 'Suzuki', 'Nakamura', 'Smith', 'Johnson', 'Miller'],
    men: ['Min-jun', 'Ji-hoon', 'Haruto', 'Kenji', 'James', 'Ethan'],
    women: ['Seo-yeon', 'Ji-woo', 'Yuki', 'Aiko', 'Emily', 'Hannah'],
  },
  caribbean: {
    surnames: ['Jean-Baptiste', 'Pierre', 'Joseph', 'Louis', 'Charles', 'Saint-Fleur', 'Estimé', 'Dorvil'],
    men: ['Jean', 'Ricardo', 'Stanley', 'Jimmy', 'Wilson', 'Peterson'],
    women: ['Mirlande', 'Nadège', 'Roseline', 'Fabienne', 'Wideline', 'Djenane'],
  },
};

const FRENCH_NAMES: NamePool = {
  surnames: [
    'Martin',
    'Bernard',
    'Dubois',
    'Thomas',
    'Robert',
    'Richard',
    'Petit',
    'Durand',
    'Leroy',
    'Moreau',
    'Simon',
    'Laurent',
    'Lefebvre',
    'Michel',
    'Garcia',
    'David',
    'Bertrand',
    'Roux',
    'Vincent',
    'Fournier',
    'Morel',
    'Girard',
    'André',
    'Mercier',
    'Dupont',
    'Lambert',
    'Bonnet',
    'François',
    'Legrand',
    'Chevalier',
  ],
  men: [
    'Paul',
    'Nicolas',
    'Julien',
    'Thomas',
    'Pierre',
    'Laurent',
    'Mathieu',
    'Olivier',
    'Stéphane',
    'Antoine',
    'Frédéric',
    'Sébastien',
  ],
  women: [
    'Claire',
    'Sophie',
    'Isabelle',
    'Nathalie',
    'Céline',
    'Émilie',
    'Sandrine',
    'Caroline',
    'Aurélie',
    'Camille',
    'Hélène',
    'Valérie',
  ],
};

interface Country {
  name: string;
  names: NamePool;
  cities: string[];
}

// Skewed like the real APT population, so that a monthly top 10 means something.
const COUNTRIES = new WeightedTable<Country>(
  (
    [
      ['MAROC', 16, 'maghreb', ['Casablanca', 'Rabat', 'Fès', 'Marrakech', 'Tanger', 'Agadir']],
      ['ALGERIE', 13, 'maghreb', ['Alger', 'Oran', 'Constantine', 'Annaba', 'Tizi Ouzou', 'Béjaïa']],
      ['TUNISIE', 8, 'maghreb', ['Tunis', 'Sfax', 'Sousse', 'Bizerte', 'Monastir']],
      ['CHINE', 7, 'china', ['Pékin', 'Shanghai', 'Canton', 'Wuhan', 'Chengdu', 'Nankin']],
      ['SENEGAL', 6, 'westAfrica', ['Dakar', 'Thiès', 'Saint-Louis', 'Ziguinchor', 'Kaolack']],
      ["COTE D'IVOIRE", 5, 'westAfrica', ['Abidjan', 'Bouaké', 'Yamoussoukro', 'Daloa']],
      ['CAMEROUN', 5, 'centralAfrica', ['Yaoundé', 'Douala', 'Bafoussam', 'Garoua']],
      ['INDE', 4, 'southAsia', ['New Delhi', 'Mumbai', 'Bangalore', 'Chennai', 'Pune']],
      ['LIBAN', 3, 'middleEast', ['Beyrouth', 'Tripoli', 'Saïda', 'Zahlé']],
      ['VIETNAM', 3, 'southEastAsia', ['Hanoï', 'Hô-Chi-Minh-Ville', 'Da Nang', 'Hué']],
      ['GUINEE', 2.5, 'westAfrica', ['Conakry', 'Kankan', 'Labé']],
      ['MALI', 2, 'westAfrica', ['Bamako', 'Kayes', 'Ségou']],
      ['BRESIL', 2, 'latinAmerica', ['São Paulo', 'Rio de Janeiro', 'Belo Horizonte', 'Recife']],
      ['COLOMBIE', 2, 'latinAmerica', ['Bogota', 'Medellín', 'Cali']],
      ['RUSSIE', 1.5, 'easternEurope', ['Moscou', 'Saint-Pétersbourg', 'Kazan']],
      ['UKRAINE', 1.5, 'easternEurope', ['Kiev', 'Kharkiv', 'Odessa', 'Lviv']],
      ['TURQUIE', 1.5, 'middleEast', ['Istanbul', 'Ankara', 'Izmir']],
      ['BENIN', 1.5, 'westAfrica', ['Cotonou', 'Porto-Novo', 'Parakou']],
      ['CONGO', 1.5, 'centralAfrica', ['Brazzaville', 'Pointe-Noire']],
      ['GABON', 1.5, 'centralAfrica', ['Libreville', 'Port-Gentil', 'Franceville']],
      ['MADAGASCAR', 1.5, 'centralAfrica', ['Antananarivo', 'Toamasina', 'Fianarantsoa']],
      ['TOGO', 1.2, 'westAfrica', ['Lomé', 'Sokodé', 'Kara']],
      ['BURKINA FASO', 1.2, 'westAfrica', ['Ouagadougou', 'Bobo-Dioulasso']],
      ['IRAN', 1.2, 'middleEast', ['Téhéran', 'Ispahan', 'Chiraz', 'Tabriz']],
      ['EGYPTE', 1, 'middleEast', ['Le Caire', 'Alexandrie', 'Gizeh']],
      ['PAKISTAN', 1, 'southAsia', ['Karachi', 'Lahore', 'Islamabad']],
      ['BANGLADESH', 1, 'southAsia', ['Dacca', 'Chittagong', 'Sylhet']],
      ['MEXIQUE', 1, 'latinAmerica', ['Mexico', 'Guadalajara', 'Monterrey', 'Puebla']],
      ['PEROU', 0.8, 'latinAmerica', ['Lima', 'Arequipa', 'Cuzco']],
      ['SYRIE', 0.8, 'middleEast', ['Damas', 'Alep', 'Homs']],
      ['HAITI', 0.8, 'caribbean', ['Port-au-Prince', 'Cap-Haïtien', 'Jacmel']],
      ['COREE DU SUD', 0.8, 'eastAsia', ['Séoul', 'Busan', 'Incheon']],
      ['ETATS-UNIS', 0.7, 'eastAsia', ['New York', 'Chicago', 'Boston', 'San Francisco']],
      ['JAPON', 0.6, 'eastAsia', ['Tokyo', 'Osaka', 'Kyoto', 'Nagoya']],
      ['GEORGIE', 0.6, 'easternEurope', ['Tbilissi', 'Koutaïssi', 'Batoumi']],
      ['NIGERIA', 0.6, 'westAfrica', ['Lagos', 'Abuja', 'Ibadan']],
      ['COMORES', 0.6, 'centralAfrica', ['Moroni', 'Mutsamudu']],
      ['ARMENIE', 0.5, 'easternEurope', ['Erevan', 'Gyumri']],
      ['MAURICE', 0.5, 'southAsia', ['Port-Louis', 'Curepipe']],
      ['INDONESIE', 0.5, 'southEastAsia', ['Jakarta', 'Surabaya', 'Bandung']],
      ['CAMBODGE', 0.4, 'southEastAsia', ['Phnom Penh', 'Siem Reap']],
      ['ARGENTINE', 0.4, 'latinAmerica', ['Buenos Aires', 'Córdoba', 'Rosario']],
      ['CHILI', 0.4, 'latinAmerica', ['Santiago', 'Valparaíso']],
      ['TAIWAN', 0.4, 'china', ['Taipei', 'Kaohsiung']],
      ['NEPAL', 0.3, 'southAsia', ['Katmandou', 'Pokhara']],
      ['SRI LANKA', 0.3, 'southAsia', ['Colombo', 'Kandy']],
      ['GHANA', 0.3, 'westAfrica', ['Accra', 'Kumasi']],
      ['VENEZUELA', 0.3, 'latinAmerica', ['Caracas', 'Maracaibo']],
      ['MOLDAVIE', 0.3, 'easternEurope', ['Chisinau', 'Bălți']],
      ['PHILIPPINES', 0.3, 'southEastAsia', ['Manille', 'Cebu']],
    ] as const
  ).map(([name, weight, region, cities]) => [{ name, names: NAMES[region], cities: [...cities] }, weight]),
);

interface City {
  name: string;
  postalCode: string;
  insee: string;
  /** SIRENE spelling, as DS copies it into `etablissement.localite`. */
  localite: string;
}

interface Departement {
  prefecture: string;
  cities: City[];
}

function city(spec: string): City {
  const [name, postalCode, insee, localite] = spec.split('|');
  return { name, postalCode, insee, localite: localite ?? upperAscii(name) };
}

function departement(prefecture: string, ...cities: string[]): Departement {
  return { prefecture, cities: cities.map(city) };
}

const PARIS_ARRONDISSEMENTS = Array.from({ length: 20 }, (_, i) => {
  const n = String(i + 1).padStart(2, '0');
  return city(`Paris|750${n}|751${n}|PARIS ${i + 1}`);
});

const DEPARTEMENTS: Record<string, Departement> = {
  '02': departement('Préfecture de l’Aisne', 'Saint-Quentin|02100|02691', 'Laon|02000|02408', 'Soissons|02200|02722'),
  '10': departement('Préfecture de l’Aube', 'Troyes|10000|10387', 'Romilly-sur-Seine|10100|10323'),
  '13': departement(
    'Préfecture des Bouches-du-Rhône',
    'Marseille|13001|13201|MARSEILLE 1',
    'Marseille|13005|13205|MARSEILLE 5',
    'Marseille|13013|13213|MARSEILLE 13',
    'Aix-en-Provence|13100|13001',
  ),
  '21': departement('Préfecture de la Côte-d’Or', 'Dijon|21000|21231', 'Beaune|21200|21054'),
  '25': departement('Préfecture du Doubs', 'Besançon|25000|25056', 'Montbéliard|25200|25388'),
  '33': departement(
    'Préfecture de la Gironde',
    'Bordeaux|33000|33063',
    'Mérignac|33700|33281',
    'Pessac|33600|33318',
    'Talence|33400|33522',
  ),
  '35': departement('Préfecture d’Ille-et-Vilaine', 'Rennes|35000|35238', 'Saint-Malo|35400|35288'),
  '36': departement('Préfecture de l’Indre', 'Châteauroux|36000|36044', 'Issoudun|36100|36088'),
  '38': departement('Préfecture de l’Isère', 'Grenoble|38000|38185', 'Saint-Martin-d’Hères|38400|38421'),
  '42': departement('Préfecture de la Loire', 'Saint-Étienne|42000|42218', 'Roanne|42300|42187'),
  '45': departement('Préfecture du Loiret', 'Orléans|45000|45234', 'Montargis|45200|45208'),
  '51': departement('Préfecture de la Marne', 'Reims|51100|51454', 'Châlons-en-Champagne|51000|51108'),
  '52': departement('Préfecture de la Haute-Marne', 'Chaumont|52000|52121', 'Saint-Dizier|52100|52448'),
  '54': departement('Préfecture de Meurthe-et-Moselle', 'Nancy|54000|54395', 'Vandœuvre-lès-Nancy|54500|54547'),
  '55': departement('Préfecture de la Meuse', 'Bar-le-Duc|55000|55029', 'Verdun|55100|55545'),
  '57': departement('Préfecture de la Moselle', 'Metz|57000|57463', 'Thionville|57100|57672'),
  '59': departement(
    'Préfecture du Nord',
    'Lille|59000|59350',
    'Roubaix|59100|59512',
    'Villeneuve-d’Ascq|59650|59009',
    'Dunkerque|59140|59183',
  ),
  '60': departement('Préfecture de l’Oise', 'Beauvais|60000|60057', 'Compiègne|60200|60159'),
  '62': departement('Préfecture du Pas-de-Calais', 'Arras|62000|62041', 'Lens|62300|62498'),
  '63': departement('Préfecture du Puy-de-Dôme', 'Clermont-Ferrand|63000|63113', 'Riom|63200|63300'),
  '64': departement('Préfecture des Pyrénées-Atlantiques', 'Pau|64000|64445', 'Bayonne|64100|64102'),
  '67': departement('Préfecture du Bas-Rhin', 'Strasbourg|67000|67482', 'Haguenau|67500|67180'),
  '68': departement('Préfecture du Haut-Rhin', 'Mulhouse|68100|68224', 'Colmar|68000|68066'),
  '69': departement(
    'Préfecture du Rhône',
    'Lyon|69003|69383|LYON 3',
    'Lyon|69007|69387|LYON 7',
    'Lyon|69008|69388|LYON 8',
    'Villeurbanne|69100|69266',
  ),
  '74': departement('Préfecture de la Haute-Savoie', 'Annecy|74000|74010', 'Annemasse|74100|74012'),
  '75': { prefecture: 'Préfecture de Police', cities: PARIS_ARRONDISSEMENTS },
  '76': departement('Préfecture de la Seine-Maritime', 'Rouen|76000|76540', 'Le Havre|76600|76351'),
  '77': departement(
    'Préfecture de Seine-et-Marne',
    'Melun|77000|77288',
    'Meaux|77100|77284',
    'Champs-sur-Marne|77420|77083',
  ),
  '78': departement('Préfecture des Yvelines', 'Versailles|78000|78646', 'Guyancourt|78280|78297'),
  '80': departement('Préfecture de la Somme', 'Amiens|80000|80021', 'Abbeville|80100|80001'),
  '88': departement('Préfecture des Vosges', 'Épinal|88000|88160', 'Saint-Dié-des-Vosges|88100|88413'),
  '91': departement(
    'Préfecture de l’Essonne',
    'Évry-Courcouronnes|91000|91228',
    'Massy|91300|91377',
    'Orsay|91400|91471',
  ),
  '92': departement(
    'Préfecture des Hauts-de-Seine',
    'Nanterre|92000|92050',
    'Boulogne-Billancourt|92100|92012',
    'Courbevoie|92400|92026',
  ),
  '93': departement(
    'Préfecture de la Seine-Saint-Denis',
    'Saint-Denis|93200|93066',
    'Montreuil|93100|93048',
    'Bobigny|93000|93008',
  ),
  '94': departement(
    'Préfecture du Val-de-Marne',
    'Créteil|94000|94028',
    'Vitry-sur-Seine|94400|94081',
    'Ivry-sur-Seine|94200|94041',
  ),
  '95': departement('Préfecture du Val-d’Oise', 'Cergy|95000|95127', 'Argenteuil|95100|95018'),
};

// Relative volume per département; Paris dominates as it does in production.
const GROUP_WEIGHTS: Record<string, number> = {
  '02': 0.5,
  '10': 0.5,
  '13': 4,
  '21': 1.5,
  '25': 1.2,
  '33': 3,
  '35': 2.5,
  '36': 0.4,
  '38': 2.5,
  '42': 1,
  '45': 1.3,
  '51': 1.2,
  '52': 0.3,
  '54': 2,
  '55': 0.3,
  '57': 1.5,
  '59': 3.5,
  '60': 1,
  '62': 1,
  '63': 1.5,
  '64': 1,
  '67': 3,
  '68': 1.2,
  '69': 5,
  '74': 1,
  '75': 28,
  '76': 2,
  '77': 2,
  '78': 2.5,
  '80': 1.2,
  '88': 0.5,
  '91': 2.5,
  '92': 4,
  '93': 3.5,
  '94': 3,
  '95': 2,
};
// Weight of the Paris introduction row among all groups, once it exists (about 8% of all rows overall).
const INTRODUCTION_WEIGHT = 10;

const STREETS: [string, string][] = [
  ['rue', 'de la République'],
  ['avenue', 'Victor Hugo'],
  ['rue', 'Jean Jaurès'],
  ['boulevard', 'Gambetta'],
  ['rue', 'Pasteur'],
  ['avenue', 'de la Gare'],
  ['rue', 'des Lilas'],
  ['place', 'du Marché'],
  ['rue', 'Nationale'],
  ['avenue', 'du Général de Gaulle'],
  ['rue', 'du Commerce'],
  ['rue', 'des Écoles'],
  ['quai', 'de la Loire'],
  ['boulevard', 'Voltaire'],
  ['rue', 'Saint-Honoré'],
  ['allée', 'des Tilleuls'],
  ['rue', 'Émile Zola'],
];

type JobKind = 'student' | 'alternance' | 'introduction';

interface Job {
  labels: [string, string];
  kind: JobKind;
}

interface Sector {
  naf: string;
  libelleNaf: string;
  names: string[];
  jobs: Job[];
}

function jobs(kind: JobKind, ...labels: string[]): Job[] {
  // "Serveur/Serveuse" gives the masculine and feminine forms; a single label is used for both.
  return labels.map((label) => {
    const [masculine, feminine] = label.split('/');
    return { labels: [masculine, feminine ?? masculine], kind };
  });
}

const SECTORS = new WeightedTable<Sector>([
  [
    {
      naf: '5610A',
      libelleNaf: 'Restauration traditionnelle',
      names: ['LE PETIT {W}', 'BRASSERIE {W}', 'BISTROT {W}'],
      jobs: [
        ...jobs('student', 'Serveur/Serveuse', 'Commis de cuisine', 'Plongeur/Plongeuse'),
        ...jobs('introduction', 'Chef de cuisine', 'Cuisinier/Cuisinière'),
      ],
    },
    16,
  ],
  [
    {
      naf: '5610C',
      libelleNaf: 'Restauration de type rapide',
      names: ['{W} BURGER', 'SUSHI {W}', 'PIZZA {W}'],
      jobs: jobs(
        'student',
        'Équipier polyvalent/Équipière polyvalente',
        'Livreur/Livreuse',
        'Employé polyvalent/Employée polyvalente',
      ),
    },
    16,
  ],
  [
    {
      naf: '4711D',
      libelleNaf: 'Supermarchés',
      names: ['{W} DISTRIBUTION', 'SUPERMARCHE {W}'],
      jobs: jobs('student', 'Hôte de caisse/Hôtesse de caisse', 'Employé libre-service/Employée libre-service'),
    },
    9,
  ],
  [
    {
      naf: '1071C',
      libelleNaf: 'Boulangerie et boulangerie-pâtisserie',
      names: ['BOULANGERIE {W}', 'LA MIE {W}'],
      jobs: jobs('student', 'Vendeur/Vendeuse', 'Employé polyvalent/Employée polyvalente'),
    },
    6,
  ],
  [
    {
      naf: '8121Z',
      libelleNaf: 'Nettoyage courant des bâtiments',
      names: ['{W} PROPRETE', '{W} NETTOYAGE'],
      jobs: jobs('student', "Agent d'entretien/Agente d'entretien"),
    },
    7,
  ],
  [
    {
      naf: '5510Z',
      libelleNaf: 'Hôtels et hébergement similaire',
      names: ['HOTEL {W}', 'RESIDENCE {W}'],
      jobs: [
        ...jobs('student', 'Réceptionniste de nuit', 'Valet de chambre/Femme de chambre'),
        ...jobs('introduction', 'Responsable de réception'),
      ],
    },
    6,
  ],
  [
    {
      naf: '8810A',
      libelleNaf: 'Aide à domicile',
      names: ['{W} SERVICES A DOMICILE', 'FAMILLES {W}'],
      jobs: jobs('student', 'Baby-sitter', 'Aide à domicile'),
    },
    6,
  ],
  [
    {
      naf: '6201Z',
      libelleNaf: 'Programmation informatique',
      names: ['{W} DIGITAL', '{W} TECHNOLOGIES'],
      jobs: [
        ...jobs('alternance', 'Développeur web/Développeuse web', 'Data analyst'),
        ...jobs('introduction', 'Ingénieur logiciel/Ingénieure logiciel', 'Data scientist', 'Architecte cloud'),
      ],
    },
    8,
  ],
  [
    {
      naf: '7022Z',
      libelleNaf: 'Conseil pour les affaires et autres conseils de gestion',
      names: ['{W} CONSEIL', '{W} PARTNERS'],
      jobs: [
        ...jobs('alternance', 'Assistant marketing/Assistante marketing', "Chargé d'études/Chargée d'études"),
        ...jobs('introduction', 'Consultant/Consultante', 'Chef de projet/Cheffe de projet'),
      ],
    },
    6,
  ],
  [
    {
      naf: '7820Z',
      libelleNaf: 'Activités des agences de travail temporaire',
      names: ['{W} INTERIM', '{W} EMPLOI'],
      jobs: jobs('student', 'Préparateur de commandes/Préparatrice de commandes', 'Manutentionnaire'),
    },
    6,
  ],
  [
    {
      naf: '5320Z',
      libelleNaf: 'Autres activités de poste et de courrier',
      names: ['{W} EXPRESS', '{W} LIVRAISON'],
      jobs: jobs('student', 'Livreur/Livreuse', 'Agent de tri/Agente de tri'),
    },
    4,
  ],
  [
    {
      naf: '4771Z',
      libelleNaf: "Commerce de détail d'habillement en magasin",
      names: ['{W} MODE', 'BOUTIQUE {W}'],
      jobs: jobs('student', 'Vendeur/Vendeuse', 'Conseiller de vente/Conseillère de vente'),
    },
    5,
  ],
  [
    {
      naf: '8559B',
      libelleNaf: 'Autres enseignements',
      names: ['{W} SOUTIEN SCOLAIRE', 'ACADEMIE {W}'],
      jobs: jobs('student', 'Professeur particulier/Professeure particulière', 'Animateur/Animatrice'),
    },
    4,
  ],
  [
    {
      naf: '7112B',
      libelleNaf: 'Ingénierie, études techniques',
      names: ['{W} INGENIERIE', 'BUREAU ETUDES {W}'],
      jobs: [
        ...jobs('alternance', "Technicien d'études/Technicienne d'études"),
        ...jobs('introduction', "Ingénieur d'études/Ingénieure d'études"),
      ],
    },
    4,
  ],
]);

const COMPANY_WORDS = [
  'DU MARCHE',
  'DES ARTS',
  'SAINT-MARTIN',
  'HORIZON',
  'ATLAS',
  'LUMIERE',
  'LES TILLEULS',
  'ETOILE',
  'NOVA',
  'CENTRAL',
  'DE LA GARE',
  'DU PORT',
  'ALPHA',
  'BELLEVUE',
  'LES AMIS',
  'GRAND SUD',
  'VICTORIA',
  'ORION',
  'DU PARC',
  'MONTCALM',
  'OPALE',
  'AZUR',
];

const LEGAL_FORMS = new WeightedTable<[string, string]>([
  [['SAS, société par actions simplifiée', '5710'], 40],
  [['SARL, société à responsabilité limitée', '5499'], 30],
  [['SASU, société par actions simplifiée unipersonnelle', '5720'], 12],
  [['SA à conseil d’administration', '5599'], 5],
  [['Association déclarée', '9220'], 5],
  [['Entrepreneur individuel', '1000'], 8],
]);

const WORKFORCE_CODES = new WeightedTable<string>([
  ['00', 4],
  ['01', 10],
  ['02', 12],
  ['03', 12],
  ['11', 15],
  ['12', 12],
  ['21', 10],
  ['22', 8],
  ['31', 6],
  ['32', 4],
  ['41', 3],
  ['42', 2],
  ['51', 1],
  ['52', 1],
]);

const STUDENT_HOURS = new WeightedTable<[string, number]>([
  [['10 heures/semaine', 10], 8],
  [['12 heures/semaine', 12], 10],
  [['15 heures/semaine', 15], 18],
  [['16 heures/semaine', 16], 8],
  [['18 heures/semaine', 18], 8],
  [['20 heures/semaine', 20], 25],
  [['60 heures/mois', 14], 6],
  [['80 heures/mois', 18.5], 10],
  [['964 heures/an', 18.5], 4],
]);

const APT_MONTHS = new WeightedTable<number>([
  [1, 5],
  [2, 6],
  [3, 15],
  [4, 6],
  [5, 4],
  [6, 20],
  [8, 5],
  [9, 8],
  [10, 5],
  [11, 3],
  [12, 23],
]);

const REFUSAL_MOTIVATIONS = [
  'Le nombre d’heures dépasse la durée maximale autorisée pour un étudiant (964 heures par an).',
  'Le titre de séjour ne permet pas l’exercice d’une activité salariée.',
  'Les pièces justificatives demandées n’ont pas été fournies.',
  'La rémunération proposée est inférieure au salaire minimum.',
];
const WITHOUT_CONTINUATION_MOTIVATIONS = [
  'Dossier incomplet, sans réponse du demandeur.',
  'Doublon d’un dossier déjà instruit.',
  'Le salarié dispose déjà d’un titre de séjour l’autorisant à travailler.',
  'Demande retirée par l’employeur.',
];
const INSTRUCTOR_QUESTIONS = [
  'Merci de transmettre le contrat de travail signé.',
  'Pouvez-vous préciser le nombre d’heures hebdomadaires ?',
  'Le titre de séjour joint est illisible, merci de le déposer à nouveau.',
  'Merci de joindre le certificat de scolarité de l’année en cours.',
];
const APPLICANT_ANSWERS = [
  'Voici le contrat signé.',
  'Vous trouverez ci-joint le document demandé.',
  'Le salarié travaillera 20 heures par semaine.',
  'Nouveau scan du titre de séjour en pièce jointe.',
];
const APPLICANT_FOLLOW_UPS = [
  'Bonjour, pouvez-vous me dire où en est notre dossier ?',
  'Bonjour, le salarié doit commencer lundi, merci de votre retour.',
];
const APPLICANT_AFTER_DECISION = [
  'Bonjour, la date de fin indiquée sur l’attestation est erronée.',
  'Bonjour, pouvez-vous nous indiquer le motif de la décision ?',
  'Bonjour, nous n’avons pas reçu l’attestation.',
  'Le contrat a été prolongé, faut-il déposer une nouvelle demande ?',
];
const INSTRUCTOR_AFTER_DECISION = [
  'Bonjour, l’attestation a été corrigée.',
  'Bonjour, merci de déposer un nouveau dossier.',
  'Le motif figure dans la décision jointe au dossier.',
];
const GARBAGE_APT_DATES = ['bientôt', 'à définir', '15/09/2021', '2021-02-30'];
const ATTACHMENTS = ['contrat.pdf', 'contrat_signe.pdf', 'titre_sejour.pdf', 'certificat_scolarite.pdf'];

// ---------------------------------------------------------------------------------------------------------------
// DS form: the champs of the WIF procedures (domain.md 3.2 and 4.1)
// ---------------------------------------------------------------------------------------------------------------

// Descriptions are shortened from the real form's: 100,000 rows of them weigh on the benchmarks.
const HOURS_DESCRIPTION = 'Par exemple : 35 heures/semaine';
const SALARY_DESCRIPTION = 'Par exemple : 1485 euros/mois';

// [libellé, type_champ, description]; order_place 19 is left out as on the real form.
const PUBLIC_CHAMPS: [string, string, string?][] = [
  ['Salarié', 'header_section'],
  ['Commune de résidence en France', 'text', 'Par exemple : Paris'],
  ['Code postal de résidence en France', 'text', 'Par exemple : 75010'],
  ['Civilité', 'civilite'],
  ['Nom', 'text'],
  ['Prénom', 'text'],
  ['Nationalité', 'pays'],
  ['Date de naissance', 'date'],
  ['Lieu de naissance', 'text'],
  ['E-mail', 'email'],
  ['Téléphone', 'phone'],
  ['Demande', 'drop_down_list'],
  ['Référence de l’ancienne autorisation de travail', 'text'],
  ['Document autorisant le séjour en France', 'header_section'],
  ['Numéro', 'text'],
  ['Date d’expiration', 'date'],
  ['Département qui figure sur le titre de séjour', 'drop_down_list'],
  ['Délivré par', 'text'],
  ['Employeur', 'header_section'],
  ["Nom de l'employeur", 'text'],
  ["Prénom de l'employeur", 'text'],
  ["E-mail de l'employeur", 'email'],
  ["Téléphone de l'employeur", 'phone'],
  ['Informations sur le contrat', 'header_section'],
  ['Emploi occupé', 'text'],
  ["Adresse ou l'étudiant va travailler", 'textarea'],
  ['Type de contrat', 'drop_down_list'],
  ['Date de début', 'date'],
  ['Date de fin', 'date'],
  ["Nombre d'heures", 'text', HOURS_DESCRIPTION],
  ['Salaire brut', 'text', SALARY_DESCRIPTION],
];

const DEBUT_APT = 'Date de début APT';
const FIN_APT = 'Date de fin APT';
const ADMIN_FRAME = "Cadre réservé à l'administration";

interface TypeDeChamp {
  id: number;
  libelle: string;
  type_champ: string;
  order_place: number;
  description: string;
}

interface ProcedureForm {
  champs: TypeDeChamp[];
  champsPrivate: TypeDeChamp[];
}

/** Each DS procedure has its own type_de_champ ids; derive stable ones from the procedure id. */
function procedureForm(procedureId: number, type: AggregatorGroup['type']): ProcedureForm {
  const base = procedureId * 50;
  const champs = PUBLIC_CHAMPS.map(([libelle, typeChamp, description], i) => ({
    id: base + i,
    libelle,
    type_champ: typeChamp,
    order_place: i < 19 ? i : i + 1,
    description: description ?? '',
  }));
  const privateSpecs: [string, string, string][] =
    type === 'introduction'
      ? [[ADMIN_FRAME, 'textarea', "Ce cadre n'est pas visible par les usagers"]]
      : [
          [DEBUT_APT, 'date', ''],
          [FIN_APT, 'date', ''],
          [ADMIN_FRAME, 'textarea', "Ce cadre n'est pas visible par les usagers"],
        ];
  const champsPrivate = privateSpecs.map(([libelle, typeChamp, description], i) => ({
    id: base + 40 + i,
    libelle,
    type_champ: typeChamp,
    order_place: i,
    description,
  }));
  return { champs, champsPrivate };
}

// ---------------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------------

// Formatting dates is most of the generator's work; these caches and tables make it several times cheaper than
// `toISOString`, and stay small (one entry per calendar day used).
const DAY_STRINGS = new Map<number, string>();
const DAY_STARTS = new Map<string, number>();
const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
function dayOf(ms: number): string {
  const epochDay = Math.floor(ms / DAY);
  let day = DAY_STRINGS.get(epochDay);
  if (day === undefined) {
    day = new Date(epochDay * DAY).toISOString().slice(0, 10);
    DAY_STRINGS.set(epochDay, day);
  }
  return day;
}

/** Same as `new Date(ms).toISOString()`, for instants with whole milliseconds. */
function iso(ms: number): string {
  const t = ms - Math.floor(ms / DAY) * DAY;
  const h = Math.floor(t / HOUR);
  const m = Math.floor((t % HOUR) / MINUTE);
  const sec = Math.floor((t % MINUTE) / SECOND);
  return `${dayOf(ms)}T${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[t % SECOND]}Z`;
}

function dayStart(day: string): number {
  let ms = DAY_STARTS.get(day);
  if (ms === undefined) {
    ms = Date.parse(`${day}T00:00:00.000Z`);
    DAY_STARTS.set(day, ms);
  }
  return ms;
}

function addDays(day: string, days: number): string {
  return dayOf(dayStart(day) + days * DAY);
}

/** Adds calendar months; the 31st becomes the last day of a shorter month, as date-fns `addMonths` does. */
function addMonths(day: string, months: number): string {
  const y = Number(day.slice(0, 4));
  const m = Number(day.slice(5, 7)) - 1 + months;
  const d = Number(day.slice(8, 10));
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return dayOf(Date.UTC(y, m, Math.min(d, lastDay)));
}

function daysBetween(from: string, to: string): number {
  return Math.round((dayStart(to) - dayStart(from)) / DAY);
}

/** Luhn check digit, which SIREN and SIRET numbers carry. */
function luhnDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

// ---------------------------------------------------------------------------------------------------------------
// Generator
// ---------------------------------------------------------------------------------------------------------------

type Outcome = 'closed' | 'refused' | 'without_continuation' | 'stuckInitiated' | 'stuckReceived';

const OUTCOMES = new WeightedTable<Outcome>([
  ['closed', 84],
  ['refused', 8.5],
  ['without_continuation', 5.5],
  ['stuckInitiated', 1],
  ['stuckReceived', 1],
]);

type AptAnomaly = 'none' | 'debutEmpty' | 'debutAbsent' | 'finEmpty' | 'endBeforeStart' | 'overOneYear' | 'oneYear';

// Shares among closed autorisations (about 2/3 of all rows), so each family is around 1% of all rows.
const APT_ANOMALIES = new WeightedTable<AptAnomaly>([
  ['none', 91.5],
  ['debutEmpty', 1.5],
  ['debutAbsent', 1],
  ['finEmpty', 1.5],
  ['endBeforeStart', 1.2],
  ['overOneYear', 1.6],
  ['oneYear', 1.2],
]);
// Decisions of the last days get far more anomalies, so that alert mails (blocked after 2 days) have something to send.
const RECENT_APT_ANOMALIES = new WeightedTable<AptAnomaly>([
  ['none', 60],
  ['debutEmpty', 7],
  ['debutAbsent', 5],
  ['finEmpty', 7],
  ['endBeforeStart', 7],
  ['overOneYear', 8],
  ['oneYear', 6],
]);

type AfterDecision = 'none' | 'applicantArchived' | 'applicantNotArchived' | 'instructorAnswered';

const AFTER_DECISION = new WeightedTable<AfterDecision>([
  ['none', 94.8],
  ['applicantArchived', 2.5],
  ['applicantNotArchived', 0.7],
  ['instructorAnswered', 2],
]);

type Defect =
  | 'missingNom'
  | 'missingBirthDate'
  | 'malformedBirthDate'
  | 'nullEtablissement'
  | 'missingNationalite'
  | 'garbageAptDate';

const DEFECT_SHARE = 0.005;
const DEFECTS: Defect[] = [
  'missingNom',
  'missingBirthDate',
  'malformedBirthDate',
  'nullEtablissement',
  'missingNationalite',
  'garbageAptDate',
];
// Share of closed autorisations decided in the last year whose APT is made to end yesterday, today or tomorrow.
const ENDS_AROUND_TODAY_SHARE = 0.03;

interface Procedure {
  id: number;
  form: ProcedureForm;
}

interface Person {
  first: string;
  last: string;
}

interface Employer {
  raisonSociale: string;
  siren: string;
  siret: string;
  sector: Sector;
  legalForm: [string, string];
  capital: number;
  workforce: string;
  createdOn: string;
  headOffice: boolean;
  city: City;
  streetNumber: number;
  street: [string, string];
  contact: Person;
  accountEmail: string;
  phone: string;
}

interface Applicant {
  civilite: 'M.' | 'Mme';
  person: Person;
  country: Country;
  birthDate: string;
  birthPlace: string;
  email: string;
  phone: string;
}

interface Message {
  email: string;
  body: string;
  created_at: string;
  attachment: string | null;
}

interface Timeline {
  createdMs: number;
  initiatedMs: number;
  receivedMs: number | null;
  processedMs: number | null;
  state: string;
}

interface Exchange {
  messages: Message[];
  lastMessageMs: number;
  archived: boolean;
}

interface Annotation {
  present: boolean;
  value: string | null;
}

const EMPTY_ANNOTATION: Annotation = { present: true, value: '' };

interface AptAnnotations {
  debut: Annotation;
  fin: Annotation;
  contractStart: string;
  contractEnd: string;
  isIntroduction: boolean;
}

interface Champ {
  value: string | null;
  type_de_champ: TypeDeChamp;
}

const DECISION_SUBJECTS: Record<string, string> = {
  closed: 'a été accepté',
  refused: 'a été refusé',
  without_continuation: 'a été classé sans suite',
};

function groupKey(group: AggregatorGroup): string {
  return `${group.id}/${group.type ?? 'autorisation'}`;
}

class DossierFactory {
  private readonly today: string;
  private readonly start: number;
  private readonly tailStart: number;
  private readonly allGroups: WeightedTable<ProcedureConfigRow>;
  private readonly autorisationGroups: WeightedTable<ProcedureConfigRow>;
  private readonly procedures = new Map<ProcedureConfigRow, WeightedTable<Procedure>>();
  private readonly instructors = new Map<ProcedureConfigRow, Person[]>();
  private readonly employers = new Map<string, Employer[]>();

  constructor(
    private readonly random: Random,
    private readonly now: number,
    private readonly count: number,
  ) {
    this.today = parisDay(new Date(now));
    // A `now` close to 2018 still gets a year of history rather than a handful of days.
    this.start = Math.min(HISTORY_START, now - 365 * DAY);
    this.tailStart = now - TAIL_DAYS * DAY;
    const weight = (c: ProcedureConfigRow) =>
      c.group.type === 'introduction' ? INTRODUCTION_WEIGHT : (GROUP_WEIGHTS[c.group.id] ?? 1);
    this.allGroups = new WeightedTable(PROCEDURE_CONFIGS.map((c) => [c, weight(c)]));
    this.autorisationGroups = new WeightedTable(
      PROCEDURE_CONFIGS.filter((c) => c.group.type !== 'introduction').map((c) => [c, weight(c)]),
    );
    for (const config of PROCEDURE_CONFIGS) {
      // The first procedure of a group is the main one; Paris keeps two older ones alive.
      const weights = config.procedures.length === 3 ? [60, 25, 15] : [65, 35];
      this.procedures.set(
        config,
        new WeightedTable(
          config.procedures.map((id, i): [Procedure, number] => [
            { id, form: procedureForm(id, config.group.type) },
            weights[i] ?? 1,
          ]),
        ),
      );
      const size = config.group.id === '75' ? 8 : random.int(2, 5);
      this.instructors.set(
        config,
        Array.from({ length: size }, () => this.person(FRENCH_NAMES, random.chance(0.6))),
      );
    }
  }

  /** Creation instants increase with the index, as DS numbers increase with time; recent months are denser. */
  createdAt(index: number): number {
    const u = (index + this.random.next()) / this.count;
    const bodyShare = 1 - TAIL_SHARE;
    if (u < bodyShare) return Math.floor(this.start + (this.tailStart - this.start) * (u / bodyShare) ** 0.7);
    return Math.floor(this.tailStart + (this.now - 10 * MINUTE - this.tailStart) * ((u - bodyShare) / TAIL_SHARE));
  }

  build(index: number, dossierId: number): DossierRecordRow {
    const r = this.random;
    const createdMs = this.createdAt(index);
    const groups = createdMs < INTRODUCTION_OPENING ? this.autorisationGroups : this.allGroups;
    const config = groups.pick(r);
    const procedure = this.procedures.get(config)!.pick(r);
    const group: AggregatorGroup = { ...config.group };
    const isIntroduction = group.type === 'introduction';

    const t = this.timeline(createdMs);
    const applicant = this.applicant(createdMs, isIntroduction);
    const employer = this.employer(config, createdMs);
    const instructorPool = this.instructors.get(config)!;
    const followers = this.followers(t, instructorPool);
    const exchange = this.messages(dossierId, t, employer.accountEmail, followers);
    const apt = this.aptAnnotations(t, isIntroduction);
    const defect = this.defect(isIntroduction, apt);

    let lastEvent = Math.max(t.processedMs ?? t.receivedMs ?? t.initiatedMs, exchange.lastMessageMs);
    // Instructors often type the APT dates in after the decision.
    if (t.processedMs !== null && apt.debut.present && r.chance(0.3)) {
      lastEvent = Math.min(this.now, lastEvent + r.int(1, 600) * MINUTE);
    }
    const updatedMs = Math.min(this.now, lastEvent + r.int(50, 5000));
    // AGG saves a change within the hour (hourly list sync, then the 10-minute task job).
    const lastModifiedMs = Math.min(this.now, updatedMs + r.int(20, 4200) * SECOND);
    const instructeurs = followers.map((p) => this.instructorEmail(p, updatedMs));
    const firstFollowed = t.receivedMs ?? t.initiatedMs;
    const history = this.instructorsHistory(followers, instructeurs, firstFollowed, updatedMs, instructorPool);

    const values = this.publicValues(applicant, employer, group, apt);
    if (defect === 'missingNom') values.delete('Nom');
    if (defect === 'missingBirthDate') values.delete('Date de naissance');
    if (defect === 'missingNationalite') values.delete('Nationalité');
    if (defect === 'malformedBirthDate') values.set('Date de naissance', this.malformedBirthDate(applicant.birthDate));
    const champs: Champ[] = [];
    for (const typeDeChamp of procedure.form.champs) {
      if (values.has(typeDeChamp.libelle)) {
        champs.push({ value: values.get(typeDeChamp.libelle) ?? null, type_de_champ: { ...typeDeChamp } });
      }
    }
    const champsPrivate: Champ[] = [];
    for (const typeDeChamp of procedure.form.champsPrivate) {
      const annotation =
        typeDeChamp.libelle === DEBUT_APT ? apt.debut : typeDeChamp.libelle === FIN_APT ? apt.fin : EMPTY_ANNOTATION;
      if (annotation.present) champsPrivate.push({ value: annotation.value, type_de_champ: { ...typeDeChamp } });
    }

    const { state, initiatedMs, receivedMs, processedMs } = t;
    const dsData: Record<string, unknown> = {
      id: dossierId,
      created_at: iso(createdMs),
      updated_at: iso(updatedMs),
      archived: exchange.archived,
      email: employer.accountEmail,
      state,
      simplified_state: SIMPLIFIED_STATES[state],
      initiated_at: iso(initiatedMs),
      received_at: receivedMs === null ? null : iso(receivedMs),
      processed_at: processedMs === null ? null : iso(processedMs),
      motivation: this.motivation(state),
      instructeurs,
      individual: null,
      entreprise: this.entreprise(employer),
      etablissement: defect === 'nullEtablissement' ? null : this.etablissement(employer),
      cerfa: [],
      commentaires: exchange.messages,
      champs_private: champsPrivate,
      pieces_justificatives: [],
      types_de_piece_justificative: [],
      champs,
    };
    const metadata: DossierMetadata = {
      state,
      procedure_id: procedure.id,
      group,
      created_at: createdMs,
      initiated_at: initiatedMs,
      updated_at: updatedMs,
      received_at: receivedMs,
      processed_at: processedMs,
      instructors_history: history,
    };
    return {
      ds_key: `${procedure.id}-${dossierId}`,
      ds_data: dsData,
      metadata,
      procedure_id: procedure.id,
      created_at: new Date(createdMs),
      // AGG stores DS's null as the epoch rather than SQL NULL (domain.md 2.1).
      processed_at: new Date(processedMs ?? 0),
      last_modified: new Date(lastModifiedMs),
      state,
    };
  }

  /** Submission, instruction and decision, cut short by `now` (or on purpose) for the pending dossiers. */
  private timeline(createdMs: number): Timeline {
    const r = this.random;
    const latest = this.now - MINUTE;
    const outcome = OUTCOMES.pick(r);
    let initiatedMs = createdMs + this.draftDuration();
    // DS never lists drafts, so every dossier has been submitted by now.
    if (initiatedMs > latest) initiatedMs = r.int(createdMs, latest);
    const receivedMs = initiatedMs + this.waitBeforeInstruction();
    const processedMs = receivedMs + this.instructionDuration();
    if (outcome === 'stuckInitiated' || receivedMs > latest) {
      return { createdMs, initiatedMs, receivedMs: null, processedMs: null, state: 'initiated' };
    }
    if (outcome === 'stuckReceived' || processedMs > latest) {
      return { createdMs, initiatedMs, receivedMs, processedMs: null, state: 'received' };
    }
    return { createdMs, initiatedMs, receivedMs, processedMs, state: outcome };
  }

  private followers(t: Timeline, pool: Person[]): Person[] {
    const r = this.random;
    if (t.receivedMs === null && !r.chance(0.1)) return [];
    const followers = [r.pick(pool)];
    if (t.processedMs !== null && r.chance(0.3)) {
      const second = r.pick(pool);
      if (second !== followers[0]) followers.push(second);
    }
    return followers;
  }

  /** DS notifications, questions and answers during instruction, and sometimes a message after the decision. */
  private messages(dossierId: number, t: Timeline, applicantEmail: string, followers: Person[]): Exchange {
    const r = this.random;
    const now = this.now;
    const messages: Message[] = [];
    let lastMessageMs = 0;
    const say = (email: string, body: string, at: number, attachment: string | null = null) => {
      messages.push({ email, body, created_at: iso(at), attachment });
      lastMessageMs = at;
    };
    const notify = (at: number, subject: string) =>
      say(DS_CONTACT, `[Votre dossier WorkInFrance nº ${dossierId} ${subject}]<br><br><div>Bonjour,</div>`, at);
    const { initiatedMs, receivedMs, processedMs } = t;

    notify(initiatedMs + r.int(1, 4) * SECOND, 'a bien été reçu');
    const waitingEnd = receivedMs ?? now;
    if (r.chance(0.08) && waitingEnd - initiatedMs > 2 * HOUR) {
      say(applicantEmail, r.pick(APPLICANT_FOLLOW_UPS), r.int(initiatedMs + HOUR, waitingEnd - MINUTE));
    }
    if (receivedMs !== null) {
      notify(receivedMs + r.int(1, 4) * SECOND, 'va être instruit');
      const end = processedMs ?? now;
      if (r.chance(0.3) && end - receivedMs > 10 * MINUTE) {
        const asked = r.int(receivedMs + MINUTE, receivedMs + Math.floor((end - receivedMs) / 2));
        say(this.instructorEmail(followers[0], asked), r.pick(INSTRUCTOR_QUESTIONS), asked);
        if (r.chance(0.8)) {
          const answered = r.int(asked + MINUTE, end - MINUTE);
          say(applicantEmail, r.pick(APPLICANT_ANSWERS), answered, r.chance(0.5) ? this.attachmentUrl() : null);
        }
      }
    }
    if (processedMs === null) return { messages, lastMessageMs, archived: false };

    notify(processedMs + r.int(1, 4) * SECOND, DECISION_SUBJECTS[t.state]);
    let archived = r.chance(now - processedMs < 7 * DAY ? 0.3 : 0.85);
    const room = now - processedMs;
    const afterDecision = room > 5 * MINUTE ? AFTER_DECISION.pick(r) : 'none';
    if (afterDecision !== 'none') {
      const written = processedMs + r.int(MINUTE, Math.min(room - 2 * MINUTE, 60 * DAY));
      say(applicantEmail, r.pick(APPLICANT_AFTER_DECISION), written);
      if (afterDecision === 'instructorAnswered') {
        const answered = r.int(written + 30 * SECOND, Math.min(now - 10 * SECOND, written + 10 * DAY));
        say(this.instructorEmail(followers[0], answered), r.pick(INSTRUCTOR_AFTER_DECISION), answered);
      }
      archived = afterDecision !== 'applicantNotArchived';
    }
    return { messages, lastMessageMs, archived };
  }

  /** APT dates of accepted autorisations (sometimes wrong on purpose), and the contract dates that go with them. */
  private aptAnnotations(t: Timeline, isIntroduction: boolean): AptAnnotations {
    const r = this.random;
    // Introductions have no APT annotations at all.
    const debut: Annotation = { present: !isIntroduction, value: '' };
    const fin: Annotation = { present: !isIntroduction, value: '' };
    let contractStart = addDays(dayOf(t.initiatedMs), r.int(5, 30));
    let contractEnd = addDays(addMonths(contractStart, r.pick([3, 6, 9, 12])), -1);
    if (!isIntroduction && t.state === 'closed' && t.processedMs !== null) {
      [debut.value, fin.value] = this.aptDates(t.processedMs);
      contractStart = debut.value;
      if (r.chance(0.7)) contractEnd = fin.value;
      const recent = this.now - t.processedMs < 3 * DAY;
      this.applyAptAnomaly((recent ? RECENT_APT_ANOMALIES : APT_ANOMALIES).pick(r), debut, fin);
    }
    return { debut, fin, contractStart, contractEnd, isIntroduction };
  }

  private defect(isIntroduction: boolean, apt: AptAnnotations): Defect | null {
    const r = this.random;
    if (!r.chance(DEFECT_SHARE)) return null;
    let defect = r.pick(DEFECTS);
    if (defect === 'garbageAptDate' && isIntroduction) defect = r.pick(DEFECTS.slice(0, -1));
    if (defect === 'garbageAptDate') {
      if (apt.fin.value && r.chance(0.5)) apt.fin.value = r.pick(GARBAGE_APT_DATES);
      else {
        apt.debut.present = true;
        apt.debut.value = r.pick(GARBAGE_APT_DATES);
      }
    }
    return defect;
  }

  private draftDuration(): number {
    const r = this.random;
    const x = r.next();
    if (x < 0.6) return r.int(5 * MINUTE, 90 * MINUTE);
    if (x < 0.9) return r.int(HOUR, 2 * DAY);
    return r.int(2 * DAY, 20 * DAY);
  }

  private waitBeforeInstruction(): number {
    const r = this.random;
    const x = r.next();
    if (x < 0.4) return r.int(HOUR, DAY);
    if (x < 0.85) return r.int(DAY, 7 * DAY);
    return r.int(7 * DAY, 30 * DAY);
  }

  private instructionDuration(): number {
    const r = this.random;
    const x = r.next();
    if (x < 0.5) return r.int(10 * MINUTE, DAY);
    if (x < 0.85) return r.int(DAY, 10 * DAY);
    return r.int(10 * DAY, 45 * DAY);
  }

  /** Start a few days after the decision, 1 to 12 months long; a few end right around today. */
  private aptDates(processedMs: number): [string, string] {
    const r = this.random;
    const start = addDays(dayOf(processedMs), r.pick([1, 1, 2, 2, 3, 4, 5, 7, 10]));
    const sinceDecision = daysBetween(dayOf(processedMs), this.today);
    if (sinceDecision > 40 && sinceDecision < 360 && r.chance(ENDS_AROUND_TODAY_SHARE)) {
      const end = addDays(this.today, r.int(-1, 1));
      if (daysBetween(start, end) >= 27 && end < addMonths(start, 12)) return [start, end];
    }
    if (r.chance(0.1)) return [start, addDays(start, r.int(30, 360))];
    return [start, addDays(addMonths(start, APT_MONTHS.pick(r)), -1)];
  }

  private applyAptAnomaly(anomaly: AptAnomaly, debut: Annotation, fin: Annotation): void {
    const r = this.random;
    const start = debut.value as string;
    switch (anomaly) {
      case 'none':
        return;
      case 'debutEmpty':
        debut.value = r.chance(0.7) ? '' : null;
        return;
      case 'debutAbsent':
        debut.present = false;
        // On some old procedures neither annotation existed.
        if (r.chance(0.5)) fin.present = false;
        return;
      case 'finEmpty':
        fin.value = r.chance(0.7) ? '' : null;
        return;
      case 'endBeforeStart':
        fin.value = addDays(start, -r.int(1, 300));
        return;
      case 'overOneYear':
        // Half of them are within 12 months and 30 days, which only the calendar-month rule catches (B11).
        fin.value = r.chance(0.5) ? addDays(addMonths(start, 12), r.int(1, 27)) : addMonths(start, r.int(13, 24));
        return;
      case 'oneYear': {
        // Exactly 12 months, the longest allowed; avoid the 29th-31st where "12 months later" is ambiguous.
        const day = Number(start.slice(8, 10));
        const first = day > 28 ? addDays(start, 32 - day).slice(0, 8) + '01' : start;
        debut.value = first;
        fin.value = addMonths(first, 12);
        return;
      }
    }
  }

  private person(pool: NamePool, woman: boolean): Person {
    const r = this.random;
    return { first: r.pick(woman ? pool.women : pool.men), last: r.pick(pool.surnames) };
  }

  private instructorEmail(p: Person, at: number): string {
    const domain = at < DREETS_RENAME ? 'direccte.gouv.fr' : 'dreets.gouv.fr';
    return `${slug(p.first)}.${slug(p.last)}@${domain}`;
  }

  /** Followers in order of appearance, and both addresses for those who lived through the DREETS rename. */
  private instructorsHistory(
    followers: Person[],
    instructeurs: string[],
    firstFollowed: number,
    updatedMs: number,
    pool: Person[],
  ): string[] {
    const r = this.random;
    const history: string[] = [];
    if (followers.length > 0 && r.chance(0.2)) {
      const previous = r.pick(pool);
      if (!followers.includes(previous)) history.push(this.instructorEmail(previous, firstFollowed));
    }
    if (firstFollowed < DREETS_RENAME && updatedMs >= DREETS_RENAME) {
      for (const p of followers) history.push(this.instructorEmail(p, firstFollowed));
    }
    for (const email of instructeurs) if (!history.includes(email)) history.push(email);
    return history;
  }

  private applicant(createdMs: number, isIntroduction: boolean): Applicant {
    const r = this.random;
    const country = COUNTRIES.pick(r);
    const woman = r.chance(0.5);
    const person = this.person(country.names, woman);
    // Students are mostly in their early twenties; introductions bring in older, qualified workers.
    const age = isIntroduction ? r.int(23, 40) : 17 + Math.floor(24 * r.next() ** 2);
    const birthDate = addDays(addMonths(dayOf(createdMs), -12 * age), -r.int(0, 360));
    const emailName = `${slug(person.first).replace(/-/g, '')}.${slug(person.last).replace(/-/g, '')}`;
    return {
      civilite: woman ? 'Mme' : 'M.',
      person,
      country,
      birthDate,
      birthPlace: r.pick(country.cities),
      email: `${emailName}${r.chance(0.3) ? r.int(1, 99) : ''}@${r.pick(['courriel.example', 'mail.example'])}`,
      // Numbers reserved by ARCEP for fiction.
      phone: `063998${r.digits(4)}`,
    };
  }

  /** Employers recur: most dossiers come from one already seen in the département, a few big ones most often. */
  private employer(config: ProcedureConfigRow, createdMs: number): Employer {
    const r = this.random;
    const key = groupKey(config.group);
    let pool = this.employers.get(key);
    if (!pool) {
      pool = [];
      this.employers.set(key, pool);
    }
    if (pool.length >= 8 && r.chance(0.7)) return pool[Math.floor(pool.length * r.next() ** 2)];
    const employer = this.newEmployer(config.group.id, createdMs);
    // A bounded pool keeps memory constant however many rows are generated.
    if (pool.length < 200) pool.push(employer);
    else pool[r.int(0, pool.length - 1)] = employer;
    return employer;
  }

  private newEmployer(groupId: string, createdMs: number): Employer {
    const r = this.random;
    const sector = SECTORS.pick(r);
    const raisonSociale = r.pick(sector.names).replace('{W}', r.pick(COMPANY_WORDS));
    const sirenBody = String(r.int(3, 9)) + r.digits(7);
    const siren = sirenBody + luhnDigit(sirenBody);
    const nicBody = siren + r.digits(4);
    const departement = DEPARTEMENTS[groupId] ?? DEPARTEMENTS['75'];
    const contact = this.person(FRENCH_NAMES, r.chance(0.55));
    const domain = `${slug(raisonSociale)}.example`;
    const localPart = r.pick(['rh', 'recrutement', 'contact', `${slug(contact.first)}.${slug(contact.last)}`]);
    const createdYear = Math.min(new Date(createdMs).getUTCFullYear() - 1, r.int(1985, 2023));
    return {
      raisonSociale,
      siren,
      siret: nicBody + luhnDigit(nicBody),
      sector,
      legalForm: LEGAL_FORMS.pick(r),
      capital: r.pick([1000, 5000, 7500, 10000, 37000, 100000]),
      workforce: WORKFORCE_CODES.pick(r),
      createdOn: `${createdYear}-${String(r.int(1, 12)).padStart(2, '0')}-01`,
      headOffice: r.chance(0.8),
      city: r.pick(departement.cities),
      streetNumber: r.int(1, 180),
      street: r.pick(STREETS),
      contact,
      accountEmail: `${localPart}@${domain}`,
      phone: `0199${r.digits(6)}`,
    };
  }

  private publicValues(
    a: Applicant,
    e: Employer,
    group: AggregatorGroup,
    apt: AptAnnotations,
  ): Map<string, string | null> {
    const r = this.random;
    const { isIntroduction, contractStart, contractEnd } = apt;
    const aptFin = apt.fin.value;
    const departement = DEPARTEMENTS[group.id] ?? DEPARTEMENTS['75'];
    const job = this.job(e.sector, isIntroduction);
    const jobLabel = job.labels[a.civilite === 'Mme' ? 1 : 0];
    let contract: string;
    let hours: string;
    let salary: string;
    if (job.kind === 'introduction') {
      contract = r.chance(0.7) ? 'contrat à durée indéterminée (CDI)' : 'contrat à durée déterminée (CDD)';
      hours = r.chance(0.8) ? '35 heures/semaine' : '39 heures/semaine';
      salary = `${r.int(30, 65) * 1000} euros/an`;
    } else if (job.kind === 'alternance') {
      contract = r.chance(0.65) ? "contrat d'apprentissage" : 'contrat de professionnalisation';
      hours = '35 heures/semaine';
      salary = `${r.int(850, 1500)} euros/mois`;
    } else {
      contract = r.chance(0.65) ? 'contrat à durée déterminée (CDD)' : 'contrat à durée indéterminée (CDI)';
      const [label, weekly] = STUDENT_HOURS.pick(r);
      hours = label;
      salary = `${Math.round(weekly * 4.33 * r.between(11, 13.5))} euros/mois`;
    }
    const residence = r.pick(departement.cities);
    const renewal = !isIntroduction && r.chance(0.2);
    const permitEnd = aptFin && /^\d{4}-\d{2}-\d{2}$/.test(aptFin) ? aptFin : contractEnd;
    const [streetType, streetName] = e.street;
    return new Map<string, string | null>([
      ['Salarié', null],
      ['Commune de résidence en France', isIntroduction ? '' : residence.name],
      ['Code postal de résidence en France', isIntroduction ? '' : residence.postalCode],
      ['Civilité', a.civilite],
      ['Nom', a.person.last],
      ['Prénom', a.person.first],
      ['Nationalité', a.country.name],
      ['Date de naissance', a.birthDate],
      ['Lieu de naissance', a.birthPlace],
      ['E-mail', a.email],
      ['Téléphone', a.phone],
      ['Demande', renewal ? 'Renouvellement' : 'Première demande'],
      ['Référence de l’ancienne autorisation de travail', renewal ? String(r.int(200000, 299999)) : ''],
      ['Document autorisant le séjour en France', null],
      ['Numéro', isIntroduction ? '' : r.digits(10)],
      ['Date d’expiration', isIntroduction ? '' : addDays(permitEnd, r.int(0, 240))],
      ['Département qui figure sur le titre de séjour', isIntroduction ? '' : group.label],
      ['Délivré par', isIntroduction ? '' : departement.prefecture],
      ['Employeur', null],
      ["Nom de l'employeur", e.contact.last],
      ["Prénom de l'employeur", e.contact.first],
      ["E-mail de l'employeur", e.accountEmail],
      ["Téléphone de l'employeur", e.phone],
      ['Informations sur le contrat', null],
      ['Emploi occupé', jobLabel],
      [
        "Adresse ou l'étudiant va travailler",
        `${e.streetNumber} ${streetType} ${streetName}\r\n${e.city.postalCode} ${e.city.name}`,
      ],
      ['Type de contrat', contract],
      ['Date de début', contractStart],
      ['Date de fin', contract.includes('CDI') ? '' : contractEnd],
      ["Nombre d'heures", hours],
      ['Salaire brut', salary],
    ]);
  }

  private job(sector: Sector, isIntroduction: boolean): Job {
    const r = this.random;
    const wanted = sector.jobs.filter((j) => (j.kind === 'introduction') === isIntroduction);
    if (wanted.length > 0) return r.pick(wanted);
    // Introductions from sectors that do not recruit abroad still need a plausible job.
    return isIntroduction ? { labels: ['Cuisinier', 'Cuisinière'], kind: 'introduction' } : r.pick(sector.jobs);
  }

  private malformedBirthDate(birthDate: string): string {
    const r = this.random;
    const year = birthDate.slice(0, 4);
    switch (r.int(0, 2)) {
      case 0:
        return `31/02/${year}`;
      case 1:
        return `${year}-02-30`;
      default:
        return `${birthDate.slice(8, 10)}/${birthDate.slice(5, 7)}/${year}`;
    }
  }

  private motivation(state: string): string | null {
    const r = this.random;
    if (state === 'refused') return r.pick(REFUSAL_MOTIVATIONS);
    if (state === 'without_continuation') return r.pick(WITHOUT_CONTINUATION_MOTIVATIONS);
    return null;
  }

  private attachmentUrl(): string {
    return `https://static.demarches-simplifiees.fr/${this.random.digits(12)}/${this.random.pick(ATTACHMENTS)}`;
  }

  /** A shortened DS `entreprise`: the keys nobody reads are left out to keep rows small. */
  private entreprise(e: Employer): Record<string, unknown> {
    const month = Number(e.createdOn.slice(5, 7));
    return {
      siren: e.siren,
      capital_social: e.legalForm[1] === '1000' ? null : e.capital,
      forme_juridique: e.legalForm[0],
      raison_sociale: e.raisonSociale,
      siret_siege_social: e.headOffice ? e.siret : `${e.siren}00011`,
      code_effectif_entreprise: e.workforce,
      date_creation: `${e.createdOn}T00:00:00.000${month >= 4 && month <= 10 ? '+02:00' : '+01:00'}`,
    };
  }

  private etablissement(e: Employer): Record<string, unknown> {
    const [streetType, streetName] = e.street;
    const typeVoie = upperAscii(streetType);
    const nomVoie = upperAscii(streetName);
    return {
      siret: e.siret,
      siege_social: e.headOffice,
      naf: e.sector.naf,
      libelle_naf: e.sector.libelleNaf,
      adresse: `${e.raisonSociale}\r\n${e.streetNumber} ${typeVoie} ${nomVoie}\r\n${e.city.postalCode} ${e.city.localite}\r\nFRANCE`,
      numero_voie: String(e.streetNumber),
      type_voie: typeVoie,
      nom_voie: nomVoie,
      complement_adresse: null,
      code_postal: e.city.postalCode,
      localite: e.city.localite,
      code_insee_localite: e.city.insee,
    };
  }
}

const SIMPLIFIED_STATES: Record<string, string> = {
  initiated: 'En construction',
  received: 'En instruction',
  closed: 'Accepté',
  refused: 'Refusé',
  without_continuation: 'Sans suite',
};

/**
 * Yields `count` dossier records in increasing dossier-number (and creation) order. The same `seed`, `now` and
 * `count` always give the same rows; nothing is held in memory beyond a few bounded pools.
 */
export function* generateDossierRecords(options: DemoDatasetOptions): Generator<DossierRecordRow> {
  const { count, now } = options;
  if (!Number.isInteger(count) || count < 0) throw new Error(`count must be a non-negative integer, got ${count}`);
  if (Number.isNaN(now.getTime())) throw new Error('now must be a valid date');
  const random = new Random(options.seed ?? DEMO_SEED);
  const factory = new DossierFactory(random, now.getTime(), count);
  let dossierId = FIRST_DOSSIER_ID;
  for (let i = 0; i < count; i++) {
    // Gaps: DS numbers dossiers across all its procedures, and drafts never reach the aggregator.
    dossierId += 1 + (random.chance(0.3) ? random.int(1, 40) : 0);
    yield factory.build(i, dossierId);
  }
}
