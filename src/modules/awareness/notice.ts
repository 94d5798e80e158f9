/**
 * The staff information notice (issue 17): the CNIL expects staff to be told, before any exercise,
 * that simulated phishing messages may be sent to them, why, what is measured and who sees what
 * (loyauté of processing, Code du travail L1222-4 and L1221-9: no collection of information on
 * a person without telling them first). Generated from the commune's name; published by an
 * administrator, it must exist before the first campaign starts.
 */
export function staffNoticeText(communeName: string): string {
  return [
    `Information du personnel de la mairie de ${communeName} : exercices de sensibilisation à l’hameçonnage`,
    'La commune organise des exercices de sensibilisation aux risques numériques. Dans ce cadre, vous pourrez recevoir sur votre adresse professionnelle des messages simulant une tentative d’hameçonnage (fausse facture, faux colis, fausse demande de mot de passe…). Ces messages sont envoyés par la commune elle-même, par son guichet numérique ; ils ne contiennent aucun logiciel malveillant.',
    'Ce qui est mesuré : la distribution du message, son ouverture (de façon indicative seulement), le clic sur le lien, le fait d’avoir validé la fausse page de connexion — jamais ce que vous y auriez tapé : la page n’envoie aucune saisie — et le signalement du message.',
    'Ce que cela sert à faire : mesurer, par service et par campagne, les progrès collectifs (moins de clics, plus de signalements) et proposer à chacun une courte formation au moment où il en a besoin.',
    'Qui voit quoi : vos résultats individuels ne sont visibles que par vous-même (page « Sensibilisation » de votre espace agent) et par la personne chargée de la sécurité informatique de la commune (l’administrateur de la commune). Ils ne sont jamais communiqués à votre hiérarchie et ne servent à aucune évaluation ni sanction. Les résultats publiés sont des taux par service et par campagne.',
    'Le bon réflexe : en cas de doute sur un message, utilisez le bouton « Signaler un hameçonnage » de votre espace agent. Un signalement n’est jamais un dérangement : s’il s’agit d’un exercice, il compte comme la bonne réaction ; s’il s’agit d’une vraie tentative, il protège toute la commune.',
    'Vos droits : vous pouvez accéder à vos résultats à tout moment et en demander l’effacement, conformément au règlement général sur la protection des données (articles 15 et 17), auprès de l’administrateur de la commune ou de son délégué à la protection des données.',
  ].join('\n\n');
}
