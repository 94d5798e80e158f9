/**
 * Legal pages required on a French public website: mentions légales (LCEN art. 6), information
 * on personal data (RGPD art. 13–14) and the accessibility statement (loi 2005-102 art. 47,
 * décret 2019-768). Text is generated from the commune's own details.
 */
import type { ComponentChildren } from 'preact';
import type { Commune } from '../../platform/tenancy/communes.js';

export interface LegalPage {
  path: string;
  title: string;
  render(commune: Commune | null): ComponentChildren;
}

function publisher(commune: Commune | null): string {
  return commune ? `la commune de ${commune.name}` : 'l’opérateur de ce guichet';
}

function Contact({ commune }: { commune: Commune | null }) {
  if (!commune) return <p class="govuk-body">Adressez-vous à la mairie de votre commune.</p>;
  return (
    <p class="govuk-body">
      Mairie de {commune.name}
      {commune.address ? `, ${commune.address}` : ''}
      {commune.email ? (
        <>
          {' '}
          — courriel :{' '}
          <a class="govuk-link" href={`mailto:${commune.email}`}>
            {commune.email}
          </a>
        </>
      ) : null}
      {commune.phone ? ` — téléphone : ${commune.phone}` : ''}.
    </p>
  );
}

/** An admin-typed text: one paragraph per blank-line block, line breaks kept. */
function MultilineText({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((block, i) => (
        <p class="govuk-body" key={i}>
          {block.split('\n').map((line, j) => (
            <>
              {j > 0 ? <br /> : null}
              {line}
            </>
          ))}
        </p>
      ))}
    </>
  );
}

export const LEGAL_PAGES: LegalPage[] = [
  {
    path: 'mentions-legales',
    title: 'Mentions légales',
    render: (commune) => (
      <>
        <h1 class="govuk-heading-xl">Mentions légales</h1>
        <p class="govuk-body">
          Informations prévues par l’article 6-III de la loi n° 2004-575 du 21 juin 2004 pour la confiance dans
          l’économie numérique.
        </p>
        <h2 class="govuk-heading-m">Éditeur</h2>
        {commune?.legalEditor ? (
          <MultilineText text={commune.legalEditor} />
        ) : (
          <>
            <p class="govuk-body">Ce guichet numérique est édité par {publisher(commune)}.</p>
            <Contact commune={commune} />
          </>
        )}
        <h2 class="govuk-heading-m">Directeur ou directrice de la publication</h2>
        <p class="govuk-body">
          {commune?.legalDirector ??
            (commune ? `Le maire de ${commune.name}.` : 'Le représentant légal de l’opérateur.')}
        </p>
        <h2 class="govuk-heading-m">Hébergeur</h2>
        {commune?.legalHost ? (
          <MultilineText text={commune.legalHost} />
        ) : (
          <p class="govuk-body">
            L’hébergeur n’a pas encore été indiqué par la commune. Il peut être demandé à la mairie
            {commune?.email ? ` (${commune.email})` : ''}.
          </p>
        )}
        <h2 class="govuk-heading-m">Logiciel</h2>
        <p class="govuk-body">
          Ce service utilise Guichet, logiciel libre distribué sous licence AGPL-3.0 ou ultérieure. Il ne fait appel à
          aucun service tiers : polices, styles et scripts sont servis par le guichet lui-même.
        </p>
      </>
    ),
  },
  {
    path: 'donnees-personnelles',
    title: 'Données personnelles',
    render: (commune) => (
      <>
        <h1 class="govuk-heading-xl">Données personnelles</h1>
        <h2 class="govuk-heading-m">Responsable du traitement</h2>
        <p class="govuk-body">
          Le responsable des traitements de données personnelles de ce guichet est {publisher(commune)}. Les données
          sont traitées pour l’exécution des missions de service public de la commune (article 6.1.e du RGPD) ou pour
          respecter une obligation légale (article 6.1.c).
        </p>
        <h2 class="govuk-heading-m">Cookies</h2>
        <p class="govuk-body">
          Ce guichet n’utilise que des cookies strictement nécessaires à son fonctionnement (protection des formulaires
          contre la falsification de requêtes, puis session de connexion). Il n’utilise aucun cookie de mesure
          d’audience ni de publicité ; aucun consentement n’est donc demandé.
        </p>
        <h2 class="govuk-heading-m">Vos droits</h2>
        <p class="govuk-body">
          Vous pouvez accéder à vos données, les faire rectifier, demander leur effacement ou la limitation de leur
          traitement, et vous opposer à leur traitement dans les cas prévus par le RGPD. La commune vous répond dans un
          délai d’un mois, prolongeable de deux mois si la demande est complexe. Pour exercer ces droits, contactez le
          délégué à la protection des données de la commune :
        </p>
        <Contact commune={commune} />
        <p class="govuk-body">
          Si vous estimez que vos droits ne sont pas respectés, vous pouvez adresser une réclamation à la CNIL
          (Commission nationale de l’informatique et des libertés), 3 place de Fontenoy, 75007 Paris.
        </p>
      </>
    ),
  },
  {
    path: 'accessibilite',
    title: 'Déclaration d’accessibilité',
    render: (commune) => (
      <>
        <h1 class="govuk-heading-xl">Déclaration d’accessibilité</h1>
        <p class="govuk-body">
          {commune ? `La commune de ${commune.name}` : 'L’opérateur de ce guichet'} s’engage à rendre ses services en
          ligne accessibles, conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.
        </p>
        <h2 class="govuk-heading-m">État de conformité</h2>
        <p class="govuk-body">
          Ce guichet est <strong>non conforme</strong> au référentiel général d’amélioration de l’accessibilité (RGAA
          4.1) : aucun audit de conformité n’a encore été réalisé. Chaque page est vérifiée automatiquement (outil
          axe-core, critères WCAG 2.1 niveau AA) à chaque évolution du logiciel, et fonctionne sans JavaScript.
        </p>
        <h2 class="govuk-heading-m">Retour d’information et contact</h2>
        <p class="govuk-body">
          Si vous n’arrivez pas à accéder à un contenu ou à un service, contactez la mairie pour être orienté vers une
          alternative accessible ou obtenir le contenu sous une autre forme :
        </p>
        <Contact commune={commune} />
        <h2 class="govuk-heading-m">Voies de recours</h2>
        <p class="govuk-body">
          Si vous avez signalé un défaut d’accessibilité qui vous empêche d’accéder à un contenu ou à un service et que
          vous n’avez pas obtenu de réponse satisfaisante, vous pouvez écrire au Défenseur des droits, contacter son
          délégué dans votre région, ou lui écrire par courrier gratuit, sans affranchissement : Défenseur des droits,
          Libre réponse 71120, 75342 Paris CEDEX 07.
        </p>
      </>
    ),
  },
];
