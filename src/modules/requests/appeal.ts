/**
 * Voies et délais de recours, carried by the mail that tells a citizen their request was refused
 * (an administrative decision must state them for the time limit to run against the citizen:
 * code de justice administrative, art. R. 421-5). By default, the two-month rule of CJA art.
 * R. 421-1: a recours gracieux to the maire, a recours contentieux before the tribunal
 * administratif. The electoral roll has its own route (code électoral, art. L. 18 III and L. 20):
 * a recours administratif préalable obligatoire to the commission de contrôle within five days,
 * then the tribunal judiciaire.
 */

export function appealParagraphs(procedureSlug: string | null, communeName: string): string[] {
  if (procedureSlug === 'inscription-liste-electorale') {
    return [
      'Voies et délais de recours\u00a0: si vous contestez ce refus, vous devez d’abord former un recours administratif préalable auprès de la commission de contrôle de la commune, dans un délai de cinq jours à compter de la réception de cette décision (code électoral, article L.\u00a018). La décision de la commission peut ensuite être contestée devant le tribunal judiciaire (code électoral, article L.\u00a020).',
    ];
  }
  return [
    `Voies et délais de recours\u00a0: si vous contestez cette décision, vous pouvez former un recours gracieux auprès du maire de ${communeName}, ou un recours contentieux devant le tribunal administratif territorialement compétent, dans un délai de deux mois à compter de la réception de ce courriel (code de justice administrative, article R.\u00a0421-1). Le recours gracieux interrompt ce délai\u00a0: il court à nouveau à compter de la réponse du maire (son silence pendant deux mois vaut rejet). Le tribunal administratif peut aussi être saisi par l’application Télérecours citoyens (www.telerecours.fr).`,
  ];
}
