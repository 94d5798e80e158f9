/**
 * Members of the commune (agents, élus, DGS, mayor, administrators): the list, the invitation
 * form, the page of one member with their roles, and the invitee's page to choose a password.
 */

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ROLE_LABELS } from '../../platform/authz/roles.js';
import type { AppContext } from '../../platform/context.js';
import { withTenant } from '../../platform/db/tenant.js';
import { AppError } from '../../platform/errors.js';
import { isUuid } from '../../platform/ids.js';
import { listServices, type Service } from '../../platform/tenancy/communes.js';
import { adminBase, sendAdminPage } from '../../platform/views/admin-area.js';
import {
  Button,
  ButtonGroup,
  Checkboxes,
  CsrfField,
  type FieldErrors,
  Input,
  InsetText,
  Radios,
  SummaryList,
  Table,
  Tag,
  WarningText,
} from '../../platform/views/components.js';
import { formatDateTime, que } from '../../platform/views/format.js';
import { type FormBody, handleForm } from '../../platform/views/page-kit.js';
import { minimumLength } from './password-policy.js';
import { setSessionCookie } from './sessions.js';
import { IDENTITY_SETTINGS } from './settings.js';
import {
  acceptInvitation,
  changeMemberRoles,
  type InvitationInput,
  invitationValues,
  invitationView,
  inviteMember,
  type RolesInput,
  rolesValues,
} from './staff.js';
import { findStaffMember, listStaffMembers, STAFF_ROLE_LIST, type StaffMember } from './staff-repo.js';

const ROLE_HINTS: Record<string, string> = {
  agent: 'Traite les demandes des services cochés ci-dessous.',
  councillor: 'Consulte les informations de la commune.',
  mayor: 'Voit tous les services, le journal de sécurité et le tableau de cyber-hygiène.',
  dgs: 'Voit tous les services, le journal de sécurité et le tableau de cyber-hygiène.',
  admin: 'Gère les membres, les jetons d’API et les réglages de la commune.',
};

function roleList(roles: readonly string[]): string {
  return roles.map((r) => ROLE_LABELS[r as keyof typeof ROLE_LABELS] ?? r).join(', ');
}

function serviceNames(services: Service[], ids: readonly string[]): string {
  return services
    .filter((s) => ids.includes(s.id))
    .map((s) => s.name)
    .join(', ');
}

function memberName(member: StaffMember): string {
  return `${member.givenName} ${member.familyName}`.trim() || member.email;
}

export function registerMemberPages(app: FastifyInstance, ctx: AppContext): void {
  const services = (request: FastifyRequest) =>
    withTenant(ctx.database, request.commune!.id, (tx) => listServices(tx, request.commune!.id));

  // — List —
  app.get('/c/:slug/admin/membres', { config: { policy: 'communeAdmin' } }, async (request, reply) => {
    const commune = request.commune!;
    const [members, all] = await withTenant(ctx.database, commune.id, async (tx) => [
      await listStaffMembers(tx, commune.id),
      await listServices(tx, commune.id),
    ]);
    const query = request.query as FormBody;
    const notice =
      query.invite === '1'
        ? { kind: 'success' as const, title: 'L’invitation a été envoyée.' }
        : query.modifie === '1'
          ? {
              kind: 'success' as const,
              title: 'Les rôles ont été modifiés. Les sessions de la personne ont été fermées.',
            }
          : query.retire === '1'
            ? {
                kind: 'success' as const,
                title: 'L’accès de la personne à la commune a été retiré. Ses sessions ont été fermées.',
              }
            : query.inchange === '1'
              ? { kind: 'info' as const, title: 'Aucune modification : les rôles étaient déjà ceux-là.' }
              : undefined;
    return sendAdminPage(request, reply, {
      title: 'Membres de la commune',
      wide: true,
      ...(notice ? { notice } : {}),
      children: (
        <>
          <h1 class="govuk-heading-xl">Membres de la commune</h1>
          <p class="govuk-body">
            Les agents, élus et administrateurs de {commune.name}. Chaque membre se connecte avec son propre compte ; la
            double authentification devient obligatoire {IDENTITY_SETTINGS.mfaGraceDays} jours après sa première
            connexion, et dès la première connexion pour les administrateurs.
          </p>
          <Button href={`${adminBase(request)}/membres/inviter`}>Inviter une personne</Button>
          <Table
            caption={`${members.length} membre${members.length > 1 ? 's' : ''}`}
            columns={[
              { label: 'Nom' },
              { label: 'Adresse électronique' },
              { label: 'Rôles' },
              { label: 'Services' },
              { label: 'Double authentification' },
              { label: 'Dernière connexion' },
            ]}
            rows={members.map((m) => [
              <a key={m.accountId} class="govuk-link" href={`${adminBase(request)}/membres/${m.accountId}`}>
                {memberName(m)}
              </a>,
              m.email,
              roleList(m.roles),
              serviceNames(all, m.serviceIds) || '—',
              m.hasSecondFactor ? <Tag colour="green">Oui</Tag> : <Tag colour="red">Non</Tag>,
              m.hasPassword ? (m.lastLoginAt ? formatDateTime(m.lastLoginAt) : 'jamais') : 'invitation en attente',
            ])}
          />
        </>
      ),
    });
  });

  // — Invitation form —
  async function inviteForm(
    request: FastifyRequest,
    reply: FastifyReply,
    values: Partial<InvitationInput>,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const all = await services(request);
    return sendAdminPage(request, reply, {
      title: 'Inviter une personne',
      errors,
      ...(status ? { status } : {}),
      fieldOrder: ['email', 'givenName', 'familyName', 'role', 'services'],
      children: (
        <>
          <a class="govuk-back-link" href={`${adminBase(request)}/membres`}>
            Membres de la commune
          </a>
          <h1 class="govuk-heading-xl">Inviter une personne</h1>
          <p class="govuk-body">
            La personne reçoit un courriel avec un lien valable {IDENTITY_SETTINGS.invitationDays} jours pour choisir
            son mot de passe. Si elle a déjà un compte, elle reçoit simplement son nouveau rôle.
          </p>
          <form method="post" action={`${adminBase(request)}/membres/inviter`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Input
              name="email"
              type="email"
              label="Adresse électronique professionnelle"
              autocomplete="off"
              spellcheck={false}
              value={values.email ?? ''}
              error={errors.email}
            />
            <Input
              name="givenName"
              label="Prénom"
              hint="Facultatif si la personne a déjà un compte."
              autocomplete="off"
              spellcheck={false}
              value={values.givenName ?? ''}
              error={errors.givenName}
            />
            <Input
              name="familyName"
              label="Nom"
              hint="Facultatif si la personne a déjà un compte."
              autocomplete="off"
              spellcheck={false}
              value={values.familyName ?? ''}
              error={errors.familyName}
            />
            <Radios
              name="role"
              legend="Rôle"
              legendSize="m"
              value={values.role ?? ''}
              error={errors.role}
              items={STAFF_ROLE_LIST.map((r) => ({ value: r, label: capitalize(ROLE_LABELS[r]), hint: ROLE_HINTS[r] }))}
            />
            <Checkboxes
              name="services"
              legend="Services"
              legendSize="m"
              hint="Obligatoire pour un agent : il ne verra que les demandes de ces services."
              values={values.services ?? []}
              error={errors.services}
              items={all.map((s) => ({ value: s.id, label: s.name }))}
            />
            <Button>Envoyer l’invitation</Button>
          </form>
        </>
      ),
    });
  }

  app.get(
    '/c/:slug/admin/membres/inviter',
    { config: { policy: 'communeAdmin', stepUp: true } },
    async (request, reply) => {
      return inviteForm(request, reply, {});
    },
  );

  app.post(
    '/c/:slug/admin/membres/inviter',
    { config: { policy: 'communeAdmin', stepUp: (request) => `${adminBase(request)}/membres/inviter` } },
    async (request, reply) => {
      const values = invitationValues((request.body ?? {}) as FormBody);
      const result = await handleForm(
        () => inviteMember(ctx, request.commune!, request.actor!, values, request),
        (errors, status) => inviteForm(request, reply, values, errors, status),
      );
      if (!result.ok) return result.response;
      return reply.redirect(`${adminBase(request)}/membres?invite=1`, 303);
    },
  );

  // — One member —
  async function memberPage(
    request: FastifyRequest,
    reply: FastifyReply,
    accountId: string,
    values?: RolesInput,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const commune = request.commune!;
    const found = isUuid(accountId)
      ? await withTenant(ctx.database, commune.id, async (tx) => ({
          member: await findStaffMember(tx, commune.id, accountId),
          services: await listServices(tx, commune.id),
        }))
      : undefined;
    const member = found?.member;
    if (!found || !member) throw new AppError('member.not_found', `no member ${accountId}`, 404);
    const roles = values ? values.roles : member.roles;
    const serviceIds = values ? values.services : member.serviceIds;
    const self = member.accountId === request.actor!.accountId;
    return sendAdminPage(request, reply, {
      title: memberName(member),
      errors,
      ...(status ? { status } : {}),
      fieldOrder: ['roles', 'services'],
      children: (
        <>
          <a class="govuk-back-link" href={`${adminBase(request)}/membres`}>
            Membres de la commune
          </a>
          <h1 class="govuk-heading-xl">{memberName(member)}</h1>
          <SummaryList
            rows={[
              { key: 'Adresse électronique', value: member.email },
              { key: 'Rôles', value: roleList(member.roles) },
              { key: 'Services', value: serviceNames(found.services, member.serviceIds) || '—' },
              { key: 'Double authentification', value: member.hasSecondFactor ? 'activée' : 'non activée' },
              {
                key: 'Dernière connexion',
                value: member.hasPassword
                  ? member.lastLoginAt
                    ? formatDateTime(member.lastLoginAt)
                    : 'jamais'
                  : 'invitation en attente',
              },
            ]}
          />
          <h2 class="govuk-heading-l">Modifier les rôles</h2>
          <InsetText>
            Toute modification ferme les sessions ouvertes de la personne : elle devra se reconnecter.
            {self ? ' Vous modifiez vos propres rôles : votre session sera renouvelée.' : ''}
          </InsetText>
          <form method="post" action={`${adminBase(request)}/membres/${member.accountId}/roles`} novalidate>
            <CsrfField token={reply.generateCsrf()} />
            <Checkboxes
              name="roles"
              legend="Rôles"
              legendSize="m"
              values={roles}
              error={errors.roles}
              items={STAFF_ROLE_LIST.map((r) => ({ value: r, label: capitalize(ROLE_LABELS[r]), hint: ROLE_HINTS[r] }))}
            />
            <Checkboxes
              name="services"
              legend="Services de l’agent"
              legendSize="m"
              hint="Obligatoire pour le rôle d’agent."
              values={serviceIds}
              error={errors.services}
              items={found.services.map((s) => ({ value: s.id, label: s.name }))}
            />
            <ButtonGroup>
              <Button name="action" value="enregistrer">
                Enregistrer les rôles
              </Button>
              <Button variant="warning" name="action" value="retirer">
                Retirer l’accès à la commune
              </Button>
            </ButtonGroup>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/admin/membres/:id', { config: { policy: 'communeAdmin' } }, async (request, reply) =>
    memberPage(request, reply, (request.params as { id: string }).id),
  );

  const memberPath = (request: FastifyRequest) =>
    `${adminBase(request)}/membres/${encodeURIComponent((request.params as { id: string }).id)}`;
  app.post(
    '/c/:slug/admin/membres/:id/roles',
    { config: { policy: 'communeAdmin', stepUp: memberPath } },
    async (request, reply) => {
      const accountId = (request.params as { id: string }).id;
      const values = rolesValues((request.body ?? {}) as FormBody);
      const result = await handleForm(
        () => changeMemberRoles(ctx, request.commune!, request.actor!, accountId, values, request),
        (errors, status) => memberPage(request, reply, accountId, values, errors, status),
      );
      if (!result.ok) return result.response;
      const outcome = result.value;
      if (outcome.kind === 'unchanged') return reply.redirect(`${adminBase(request)}/membres?inchange=1`, 303);
      if (outcome.newSessionToken) setSessionCookie(reply, outcome.newSessionToken);
      if (!outcome.stillAdmin) return reply.redirect(`/c/${request.commune!.slug}/compte`, 303);
      return reply.redirect(
        `${adminBase(request)}/membres?${outcome.kind === 'removed' ? 'retire' : 'modifie'}=1`,
        303,
      );
    },
  );

  // — The invitee chooses a password —
  function expiredInvitation(request: FastifyRequest, reply: FastifyReply) {
    return sendAdminPage(request, reply, {
      status: 410,
      adminNav: false,
      title: 'Invitation expirée',
      children: (
        <>
          <h1 class="govuk-heading-xl">Ce lien d’invitation a expiré ou a déjà servi</h1>
          <p class="govuk-body">
            Les invitations sont valables {IDENTITY_SETTINGS.invitationDays} jours et ne servent qu’une fois. Si vous
            avez déjà choisi votre mot de passe, connectez-vous ; sinon, demandez une nouvelle invitation à la mairie.
          </p>
          <Button href={`/c/${request.commune!.slug}/connexion`}>Me connecter</Button>
        </>
      ),
    });
  }

  async function invitationForm(
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    errors: FieldErrors = {},
    status?: number,
  ) {
    const view = await invitationView(ctx, request.commune!, token);
    if (!view) return expiredInvitation(request, reply);
    return sendAdminPage(request, reply, {
      title: 'Activer votre compte',
      adminNav: false,
      errors,
      ...(status ? { status } : {}),
      fieldOrder: ['password', 'confirmation'],
      children: (
        <>
          <h1 class="govuk-heading-xl">Activer votre compte</h1>
          <p class="govuk-body">
            Vous êtes invité à rejoindre le guichet numérique de {request.commune!.name} en tant{' '}
            {que(roleList(view.roles) || 'membre')}, avec l’adresse <strong>{view.email}</strong>.
          </p>
          <form
            method="post"
            action={`/c/${request.commune!.slug}/invitation?jeton=${encodeURIComponent(token)}`}
            novalidate
          >
            <CsrfField token={reply.generateCsrf()} />
            <input type="text" name="username" value={view.email} autocomplete="username" hidden />
            <Input
              name="password"
              type="password"
              label="Choisissez votre mot de passe"
              hint={`Au moins ${minimumLength('staff')} caractères pour un compte d’agent, d’élu ou d’administrateur. Une phrase de plusieurs mots est facile à retenir et difficile à deviner. N’utilisez pas votre nom ni le nom de la commune.`}
              autocomplete="new-password"
              error={errors.password}
            />
            <Input
              name="confirmation"
              type="password"
              label="Confirmez le mot de passe"
              autocomplete="new-password"
              error={errors.confirmation}
            />
            <WarningText>
              Dans les {IDENTITY_SETTINGS.mfaGraceDays} jours suivant l’activation, vous devrez activer la double
              authentification (application d’authentification ou clé d’accès).
            </WarningText>
            <Button>Activer mon compte</Button>
          </form>
        </>
      ),
    });
  }

  app.get('/c/:slug/invitation', { config: { policy: 'anonymous' } }, async (request, reply) =>
    invitationForm(request, reply, String((request.query as FormBody).jeton ?? '').slice(0, 100)),
  );

  app.post('/c/:slug/invitation', { config: { policy: 'anonymous' } }, async (request, reply) => {
    const token = String((request.query as FormBody).jeton ?? '').slice(0, 100);
    const result = await handleForm(
      () => acceptInvitation(ctx, request.commune!, token, (request.body ?? {}) as FormBody, request),
      (errors, status) => invitationForm(request, reply, token, errors, status),
    ).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'invitation.invalid') {
        return { ok: false as const, response: expiredInvitation(request, reply) };
      }
      throw error;
    });
    if (!result.ok) return result.response;
    return sendAdminPage(request, reply, {
      title: 'Votre compte est activé',
      adminNav: false,
      children: (
        <>
          <h1 class="govuk-heading-xl">Votre compte est activé</h1>
          <p class="govuk-body">
            Votre adresse est confirmée et votre mot de passe enregistré. Connectez-vous pour accéder à l’espace agent.
          </p>
          <Button href={`/c/${request.commune!.slug}/connexion`}>Me connecter</Button>
        </>
      ),
    });
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
