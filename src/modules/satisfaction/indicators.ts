/**
 * The survey's KPIs for pilotage (decision 0056): answers, JDMA's satisfaction note out of 10 and
 * the shares of « Très bien », per commune or service, over the months a period touches (answers
 * are dated by their month only). Computed by `summarize` (survey.ts) from one query's counts.
 */
import type { IndicatorSource } from '../../platform/module.js';
import { countAnswers } from './repo.js';
import { summarize } from './survey.js';

export const satisfactionIndicators: IndicatorSource = {
  title: 'Avis des usagers',
  byService: true,
  order: 70,
  details: { path: 'agent/avis', label: 'Les avis par démarche et les commentaires des usagers' },
  async compute(tx, communeId, query) {
    const s = summarize(
      await countAnswers(tx, communeId, {
        from: query.from,
        to: query.to,
        serviceIds: query.serviceId ? [query.serviceId] : null,
      }),
    );
    return new Map<string, number | null>([
      ['satisfaction.answers', s.answers],
      ['satisfaction.score', s.score],
      ['satisfaction.satisfied_share', s.satisfiedShare],
      ['satisfaction.easy_share', s.easyShare],
      ['satisfaction.clear_share', s.clearShare],
      ['satisfaction.comments', s.comments],
    ]);
  },
  indicators: [
    {
      key: 'satisfaction.answers',
      label: 'Avis reçus',
      unit: 'count',
      definition:
        'Réponses au questionnaire « Je donne mon avis » données pendant les mois de la période (un avis est daté de son mois seulement).',
    },
    {
      key: 'satisfaction.score',
      label: 'Note de satisfaction',
      unit: 'score',
      definition:
        '« Comment s’est passée cette démarche pour vous ? » : Très bien 10, Moyen 5, Pas bien 0, en moyenne (la note de « Je donne mon avis »).',
    },
    {
      key: 'satisfaction.satisfied_share',
      label: 'Usagers très satisfaits',
      unit: 'percent',
      definition: 'Part des avis « Très bien » à la question de satisfaction.',
    },
    {
      key: 'satisfaction.easy_share',
      label: 'Démarche jugée facile',
      unit: 'percent',
      definition: 'Part des « Très bien » à « Était-ce facile à utiliser ? », parmi ceux qui y ont répondu.',
    },
    {
      key: 'satisfaction.clear_share',
      label: 'Langage jugé clair',
      unit: 'percent',
      definition:
        'Part des « Très bien » à « Le langage employé était-il facile à comprendre ? », parmi ceux qui y ont répondu.',
    },
    {
      key: 'satisfaction.comments',
      label: 'Commentaires libres',
      unit: 'count',
      definition: 'Avis accompagnés d’un commentaire, lisibles par le service sur la page « Avis des usagers ».',
    },
  ],
};
