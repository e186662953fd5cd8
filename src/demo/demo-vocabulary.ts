import { WeightedTable } from './random';
import { upperAscii } from './demo-spelling';

/**
 * The words the demo dossiers are made of (invented people, real places): name pools, countries, départements and
 * their cities, streets, sectors and jobs, company names and legal forms, and the messages exchanged on a dossier.
 */

export interface NamePool {
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

export const FRENCH_NAMES: NamePool = {
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

export interface Country {
  name: string;
  names: NamePool;
  cities: string[];
}

// Skewed like the real APT population, so that a monthly top 10 means something.
export const COUNTRIES = new WeightedTable<Country>(
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

export interface City {
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

export const DEPARTEMENTS: Record<string, Departement> = {
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
export const GROUP_WEIGHTS: Record<string, number> = {
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
export const INTRODUCTION_WEIGHT = 10;

export const STREETS: [string, string][] = [
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

export type JobKind = 'student' | 'alternance' | 'introduction';

export interface Job {
  labels: [string, string];
  kind: JobKind;
}

export interface Sector {
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

export const SECTORS = new WeightedTable<Sector>([
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

export const COMPANY_WORDS = [
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

export const LEGAL_FORMS = new WeightedTable<[string, string]>([
  [['SAS, société par actions simplifiée', '5710'], 40],
  [['SARL, société à responsabilité limitée', '5499'], 30],
  [['SASU, société par actions simplifiée unipersonnelle', '5720'], 12],
  [['SA à conseil d’administration', '5599'], 5],
  [['Association déclarée', '9220'], 5],
  [['Entrepreneur individuel', '1000'], 8],
]);

export const WORKFORCE_CODES = new WeightedTable<string>([
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

export const STUDENT_HOURS = new WeightedTable<[string, number]>([
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

export const REFUSAL_MOTIVATIONS = [
  'Le nombre d’heures dépasse la durée maximale autorisée pour un étudiant (964 heures par an).',
  'Le titre de séjour ne permet pas l’exercice d’une activité salariée.',
  'Les pièces justificatives demandées n’ont pas été fournies.',
  'La rémunération proposée est inférieure au salaire minimum.',
];
export const WITHOUT_CONTINUATION_MOTIVATIONS = [
  'Dossier incomplet, sans réponse du demandeur.',
  'Doublon d’un dossier déjà instruit.',
  'Le salarié dispose déjà d’un titre de séjour l’autorisant à travailler.',
  'Demande retirée par l’employeur.',
];
export const INSTRUCTOR_QUESTIONS = [
  'Merci de transmettre le contrat de travail signé.',
  'Pouvez-vous préciser le nombre d’heures hebdomadaires ?',
  'Le titre de séjour joint est illisible, merci de le déposer à nouveau.',
  'Merci de joindre le certificat de scolarité de l’année en cours.',
];
export const APPLICANT_ANSWERS = [
  'Voici le contrat signé.',
  'Vous trouverez ci-joint le document demandé.',
  'Le salarié travaillera 20 heures par semaine.',
  'Nouveau scan du titre de séjour en pièce jointe.',
];
export const APPLICANT_FOLLOW_UPS = [
  'Bonjour, pouvez-vous me dire où en est notre dossier ?',
  'Bonjour, le salarié doit commencer lundi, merci de votre retour.',
];
export const APPLICANT_AFTER_DECISION = [
  'Bonjour, la date de fin indiquée sur l’attestation est erronée.',
  'Bonjour, pouvez-vous nous indiquer le motif de la décision ?',
  'Bonjour, nous n’avons pas reçu l’attestation.',
  'Le contrat a été prolongé, faut-il déposer une nouvelle demande ?',
];
export const INSTRUCTOR_AFTER_DECISION = [
  'Bonjour, l’attestation a été corrigée.',
  'Bonjour, merci de déposer un nouveau dossier.',
  'Le motif figure dans la décision jointe au dossier.',
];
export const GARBAGE_APT_DATES = ['bientôt', 'à définir', '15/09/2021', '2021-02-30'];
export const ATTACHMENTS = ['contrat.pdf', 'contrat_signe.pdf', 'titre_sejour.pdf', 'certificat_scolarite.pdf'];
