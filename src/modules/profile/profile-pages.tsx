/**
 * "Mon profil" pages under /c/<slug>/compte/profil: contact details (phone, postal address) and
 * household members (add, edit, remove). Plain HTML forms without JavaScript; errors re-render
 * the form (422) with French field messages and what was typed.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../platform/context.js';
import { type Tx, withTenant } from '../../platform/db/tenant.js';
import { notFound } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
import {
  Button,
  ConfirmForm,
  CsrfField,
  DateInput,
  type FieldErrors,
  Input,
  Radios,
  SummaryList,
  WarningText,
} from '../../platform/views/components.js';
import { formatDate } from '../../platform/views/format.js';
import { type FormBody, formString, handleForm, sendPage } from '../../platform/views/page-kit.js';
import { dateParts } from '../forms/index.js';
import {
  addHouseholdMember,
  findHouseholdMember,
  getContactDetails,
  getProfile,
  RELATION_LABELS,
  removeHouseholdMember,
  saveContactDetails,
  updateHouseholdMember,
} from './profile.js';
import { HOUSEHOLD_RELATIONS, type HouseholdMember } from './schema.js';

const NOTICES: Record<string, string> = {
  coordonnees: 'Vos coordonnées sont enregistrées.',
  ajoute: 'La personne a été ajoutée à votre foyer.',
  modifie: 'Les informations de la personne sont enregistrées.',
  retire: 'La personne a été retirée de votre foyer.',
};

function memberName(member: Pick<HouseholdMember, 'givenName' | 'familyName'>): string {
  return `${member.givenName} ${member.familyName}`;
}

export function registerProfilePages(app: FastifyInstance, ctx: AppContext): void {
  const base = (request: FastifyRequest) => `/c/${request.commune!.slug}/compte/profil`;
  const accountOf = (request: FastifyRequest) => request.actor!.accountId;
  const inTenant = <T,>(request: FastifyRequest, work: (tx: Tx) => Promise<T>) =>
    withTenant(ctx.database, request.commune!.id, work);

  // — Overview —

  app.get('/c/:slug/compte/profil', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const { contact, household } = await inTenant(request, (tx) => getProfile(tx, accountOf(request)));
    const notice = NOTICES[formString(request.query, 'enregistre')];
    const address = contact.address;
    return sendPage(request, reply, {
      title: 'Mon profil',
      ...(notice ? { notice: { kind: 'success' as const, title: notice } } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Mon profil</h1>
          <p class="govuk-body">
            Donnez ces informations une fois : elles sont proposées dans les démarches que vous faites en ligne. Vous
            pouvez toujours les modifier dans la démarche elle-même.
          </p>
          <h2 class="govuk-heading-m">Mes coordonnées</h2>
          <SummaryList
            rows={[
              {
                key: 'Téléphone',
                value: contact.phone ?? 'Non renseigné',
                actions: [
                  { href: `${base(request)}/coordonnees`, label: 'Modifier', visuallyHiddenText: 'le téléphone' },
                ],
              },
              {
                key: 'Adresse postale',
                value: address ? (
                  <>
                    {address.line1}
                    <br />
                    {address.line2 ? (
                      <>
                        {address.line2}
                        <br />
                      </>
                    ) : null}
                    {address.postcode} {address.city}
                  </>
                ) : (
                  'Non renseignée'
                ),
                actions: [
                  { href: `${base(request)}/coordonnees`, label: 'Modifier', visuallyHiddenText: 'l’adresse postale' },
                ],
              },
            ]}
          />
          <h2 class="govuk-heading-m">Mon foyer</h2>
          {household.length === 0 ? (
            <p class="govuk-body">Vous n’avez déclaré personne.</p>
          ) : (
            <SummaryList
              rows={household.map((member) => ({
                key: memberName(member),
                value: (
                  <>
                    {RELATION_LABELS[member.relation]}
                    <br />
                    Date de naissance : {formatDate(`${member.birthDate}T12:00:00Z`)}
                  </>
                ),
                actions: [
                  {
                    href: `${base(request)}/foyer/${member.id}`,
                    label: 'Modifier',
                    visuallyHiddenText: memberName(member),
                  },
                  {
                    href: `${base(request)}/foyer/${member.id}/retirer`,
                    label: 'Retirer',
                    visuallyHiddenText: memberName(member),
                  },
                ],
              }))}
            />
          )}
          <Button variant="secondary" href={`${base(request)}/foyer/ajouter`}>
            Ajouter une personne à mon foyer
          </Button>
          <h2 class="govuk-heading-m">Mes justificatifs</h2>
          <p class="govuk-body">
            <a class="govuk-link" href={`/c/${request.commune!.slug}/compte/justificatifs`}>
              Gérer les documents que je joins souvent à mes démarches
            </a>
          </p>
        </>
      ),
    });
  });

  // — Contact details —

  function contactForm(request: FastifyRequest, reply: FastifyReply, values: FormBody, errors: FieldErrors = {}) {
    const value = (key: string) => formString(values, key);
    return sendPage(request, reply, {
      title: 'Mes coordonnées',
      errors,
      fieldOrder: ['telephone', 'adresse-line1', 'adresse-line2', 'adresse-postcode', 'adresse-city'],
      children: (
        <>
          <a class="govuk-back-link" href={base(request)}>
            Retour
          </a>
          <h1 class="govuk-heading-xl">Mes coordonnées</h1>
          <form method="post" action={`${base(request)}/coordonnees`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input
              name="telephone"
              type="tel"
              label="Numéro de téléphone (facultatif)"
              hint="Par exemple 06 12 34 56 78, ou +32 470 12 34 56 pour un numéro à l’étranger."
              autocomplete="tel"
              width={20}
              value={value('telephone')}
              error={errors.telephone}
            />
            <div class="govuk-form-group">
              <fieldset class="govuk-fieldset">
                <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Adresse postale (facultatif)</legend>
                <div class="govuk-hint">Laissez tous les champs vides pour ne pas enregistrer d’adresse.</div>
                <Input
                  name="adresse-line1"
                  label="Numéro et voie"
                  autocomplete="address-line1"
                  value={value('adresse-line1')}
                  error={errors['adresse-line1']}
                />
                <Input
                  name="adresse-line2"
                  label="Complément d’adresse (facultatif)"
                  hint="Bâtiment, étage, lieu-dit…"
                  autocomplete="address-line2"
                  value={value('adresse-line2')}
                  error={errors['adresse-line2']}
                />
                <Input
                  name="adresse-postcode"
                  label="Code postal"
                  autocomplete="postal-code"
                  inputmode="numeric"
                  width={5}
                  value={value('adresse-postcode')}
                  error={errors['adresse-postcode']}
                />
                <Input
                  name="adresse-city"
                  label="Commune"
                  autocomplete="address-level2"
                  width="two-thirds"
                  value={value('adresse-city')}
                  error={errors['adresse-city']}
                />
              </fieldset>
            </div>
            <Button>Enregistrer mes coordonnées</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/compte/profil/coordonnees', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const { phone, address } = await inTenant(request, (tx) => getContactDetails(tx, accountOf(request)));
    return contactForm(request, reply, {
      telephone: phone ?? '',
      'adresse-line1': address?.line1 ?? '',
      'adresse-line2': address?.line2 ?? '',
      'adresse-postcode': address?.postcode ?? '',
      'adresse-city': address?.city ?? '',
    });
  });

  app.post('/c/:slug/compte/profil/coordonnees', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => inTenant(request, (tx) => saveContactDetails(tx, accountOf(request), body)),
      (errors) => contactForm(request, reply, body, errors),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}?enregistre=coordonnees`, 303);
  });

  // — Household —

  function memberForm(
    request: FastifyRequest,
    reply: FastifyReply,
    target: { action: string; title: string; submit: string },
    values: FormBody,
    errors: FieldErrors = {},
  ) {
    const value = (key: string) => formString(values, key);
    return sendPage(request, reply, {
      title: target.title,
      errors,
      fieldOrder: ['prenom', 'nom', 'naissance', 'lien'],
      targets: { naissance: 'naissance-day', lien: 'lien' },
      children: (
        <>
          <a class="govuk-back-link" href={base(request)}>
            Retour
          </a>
          <h1 class="govuk-heading-xl">{target.title}</h1>
          <form method="post" action={target.action} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input name="prenom" label="Prénom" spellcheck={false} value={value('prenom')} error={errors.prenom} />
            <Input name="nom" label="Nom" spellcheck={false} value={value('nom')} error={errors.nom} />
            <DateInput
              name="naissance"
              legend="Date de naissance"
              legendSize="s"
              hint="Par exemple 27 3 2015"
              value={{ day: value('naissance-day'), month: value('naissance-month'), year: value('naissance-year') }}
              error={errors.naissance}
            />
            <Radios
              name="lien"
              legend="Lien avec vous"
              legendSize="s"
              value={value('lien')}
              error={errors.lien}
              items={HOUSEHOLD_RELATIONS.map((relation) => ({ value: relation, label: RELATION_LABELS[relation] }))}
            />
            <Button>{target.submit}</Button>
          </form>
        </>
      ),
    });
  }

  const addTarget = (request: FastifyRequest) => ({
    action: `${base(request)}/foyer/ajouter`,
    title: 'Ajouter une personne à mon foyer',
    submit: 'Ajouter cette personne',
  });

  app.get('/c/:slug/compte/profil/foyer/ajouter', { config: { policy: 'signedIn' } }, async (request, reply) =>
    memberForm(request, reply, addTarget(request), {}),
  );

  app.post('/c/:slug/compte/profil/foyer/ajouter', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => inTenant(request, (tx) => addHouseholdMember(tx, accountOf(request), body)),
      (errors) => memberForm(request, reply, addTarget(request), body, errors),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}?enregistre=ajoute`, 303);
  });

  /** The member named in the path, if it is one of the signed-in person's: 404 otherwise. */
  async function ownMember(request: FastifyRequest): Promise<HouseholdMember> {
    const id = (request.params as { member?: string }).member ?? '';
    const member = isUuid(id)
      ? await inTenant(request, (tx) => findHouseholdMember(tx, accountOf(request), id))
      : undefined;
    if (!member) throw notFound('household.member_not_found', 'no such member');
    return member;
  }

  const editTarget = (request: FastifyRequest, member: HouseholdMember) => ({
    action: `${base(request)}/foyer/${member.id}`,
    title: `Modifier ${memberName(member)}`,
    submit: 'Enregistrer les modifications',
  });

  app.get('/c/:slug/compte/profil/foyer/:member', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const member = await ownMember(request);
    const { day, month, year } = dateParts(member.birthDate);
    return memberForm(request, reply, editTarget(request, member), {
      prenom: member.givenName,
      nom: member.familyName,
      'naissance-day': day,
      'naissance-month': month,
      'naissance-year': year,
      lien: member.relation,
    });
  });

  app.post('/c/:slug/compte/profil/foyer/:member', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const member = await ownMember(request);
    const body = (request.body ?? {}) as FormBody;
    const result = await handleForm(
      () => inTenant(request, (tx) => updateHouseholdMember(tx, accountOf(request), member.id, body)),
      (errors) => memberForm(request, reply, editTarget(request, member), body, errors),
    );
    if (!result.ok) return result.response;
    return reply.redirect(`${base(request)}?enregistre=modifie`, 303);
  });

  app.get(
    '/c/:slug/compte/profil/foyer/:member/retirer',
    { config: { policy: 'signedIn' } },
    async (request, reply) => {
      const member = await ownMember(request);
      return sendPage(request, reply, {
        title: `Retirer ${memberName(member)} de mon foyer`,
        children: (
          <>
            <a class="govuk-back-link" href={base(request)}>
              Retour
            </a>
            <h1 class="govuk-heading-xl">Retirer {memberName(member)} de mon foyer ?</h1>
            <WarningText>
              Cette personne ne vous sera plus proposée dans vos démarches. Les démarches déjà envoyées ne changent pas.
            </WarningText>
            <ConfirmForm
              action={`${base(request)}/foyer/${member.id}/retirer`}
              csrfToken={reply.generateCsrf()}
              button="Retirer cette personne"
              cancelHref={base(request)}
            />
          </>
        ),
      });
    },
  );

  app.post(
    '/c/:slug/compte/profil/foyer/:member/retirer',
    { config: { policy: 'signedIn' } },
    async (request, reply) => {
      const id = (request.params as { member?: string }).member ?? '';
      if (!isUuid(id)) throw notFound('household.member_not_found', 'no such member');
      await inTenant(request, (tx) => removeHouseholdMember(tx, accountOf(request), id));
      return reply.redirect(`${base(request)}?enregistre=retire`, 303);
    },
  );
}
