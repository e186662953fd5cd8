import { ProcedureConfigRow } from '../dossier-source/aggregator-row';

const autorisation = (id: string, label: string, procedures: number[]): ProcedureConfigRow => ({
  procedures,
  group: { id, label, type: 'autorisation' },
});

/**
 * The `procedure_config` rows as ds-aggregator loads them (its `src/util/ds-config.ts`, docs/domain.md#units), in
 * the same order, since the ds-aggregator takes the first row whose procedures contain a procedure id.
 */
export const PROCEDURE_CONFIGS: ProcedureConfigRow[] = [
  autorisation('02', '02 - Aisne', [19147, 19142]),
  autorisation('10', '10 - Aube', [16146, 16148]),
  autorisation('13', '13 - Bouches du Rhône', [12858, 12859]),
  autorisation('21', "21 - Côte-d'or", [22884, 22885]),
  autorisation('25', '25 - Doubs', [18274, 18275]),
  autorisation('33', '33 - Gironde', [17034, 19561]),
  autorisation('35', '35 - Ille-et-Vilaine', [17197, 17198]),
  autorisation('36', '36 - Indre', [20837, 20738]),
  autorisation('38', '38 - Isère', [31241, 31233]),
  autorisation('42', '42 - Loire', [16517, 16520]),
  autorisation('45', '45 - Loiret', [11959, 11968]),
  autorisation('51', '51 - Marne', [18472, 18473]),
  autorisation('52', '52 - Haute-Marne', [17450, 17460]),
  autorisation('54', '54 - Meurthe-et-Moselle', [15700, 15705]),
  autorisation('55', '55 - Meuse', [16590, 16592]),
  autorisation('57', '57 - Moselle', [15749, 15750]),
  autorisation('59', '59 - Nord', [18829, 18830]),
  autorisation('60', '60 - Oise', [19149, 19152]),
  autorisation('62', '62 - Pas-de-Calais', [18826, 18828]),
  autorisation('63', '63 - Puy-de-Dôme', [17073, 17076]),
  autorisation('64', '64 - Pyrénées-atlantiques', [31242, 31243]),
  autorisation('67', '67 - Bas-Rhin', [15751, 15752]),
  autorisation('68', '68 - Haut-Rhin', [17617, 17659]),
  autorisation('69', '69 - Rhône', [6274, 6286]),
  autorisation('74', '74 - Haute-Savoie', [22512, 22515]),
  autorisation('75', '75 - Paris', [14131, 13760, 3272]),
  { procedures: [33588], group: { id: '75', label: '75 - Paris', type: 'introduction' } },
  autorisation('76', '76 - Seine Maritime', [13093, 13094]),
  autorisation('77', '77 - Seine et marne', [12023, 12101]),
  autorisation('78', '78 - Yvelines', [15275, 15276]),
  autorisation('80', '80 - Somme', [19160, 19168]),
  autorisation('88', '88 - Vosges', [15747, 15748]),
  autorisation('91', '91 - Essonne', [15151, 15149]),
  autorisation('92', '92 - Hauts de Seine', [12828, 12854]),
  autorisation('93', '93 - Seine-Saint-Denis', [16476, 16478]),
  autorisation('94', '94 - Val de Marne', [16073, 16075]),
  autorisation('95', "95 - Val-d'Oise", [12332, 12345]),
];
