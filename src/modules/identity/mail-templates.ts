/** The mails of identity: accounts, passwords, second factors and staff invitations (rendered by the platform outbox). */
import { z } from 'zod';
import { defineMailTemplate, mailCommuneVariables } from '../../platform/mail/templates.js';
import { que } from '../../platform/views/format.js';

export const IDENTITY_MAILS = {
  verifyEmail: defineMailTemplate({
    name: 'verifyEmail',
    priority: 'security',
    hourlyCapPerRecipient: 3,
    variables: z.object({
      ...mailCommuneVariables,
      givenName: z.string(),
      link: z.url(),
      validHours: z.number().int(),
    }),
    render: (v) => ({
      subject: `Confirmez votre adresse électronique – ${v.communeName}`,
      paragraphs: [
        `Bonjour ${v.givenName},`,
        `Vous venez de créer votre compte sur le guichet numérique de ${v.communeName}. Pour l’activer, confirmez votre adresse électronique.`,
        `Ce lien est valable ${v.validHours} heures. Si vous n’êtes pas à l’origine de cette inscription, ignorez ce message : aucun compte ne sera activé.`,
      ],
      link: { href: v.link, label: 'Confirmer mon adresse électronique' },
    }),
  }),
  accountAlreadyExists: defineMailTemplate({
    name: 'accountAlreadyExists',
    priority: 'security',
    hourlyCapPerRecipient: 3,
    variables: z.object({ ...mailCommuneVariables, signInLink: z.url(), resetLink: z.url() }),
    render: (v) => ({
      subject: `Vous avez déjà un compte – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `Quelqu’un — probablement vous — a demandé à créer un compte sur le guichet numérique de ${v.communeName} avec cette adresse électronique. Vous avez déjà un compte : connectez-vous simplement.`,
        `Si vous avez oublié votre mot de passe, vous pouvez le réinitialiser : ${v.resetLink}`,
        'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message.',
      ],
      link: { href: v.signInLink, label: 'Me connecter' },
    }),
  }),
  passwordReset: defineMailTemplate({
    name: 'passwordReset',
    priority: 'security',
    hourlyCapPerRecipient: 3,
    variables: z.object({ ...mailCommuneVariables, link: z.url(), validMinutes: z.number().int() }),
    render: (v) => ({
      subject: `Réinitialisation de votre mot de passe – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        'Vous avez demandé à réinitialiser votre mot de passe. Le lien ci-dessous ne fonctionne qu’une fois.',
        `Il expire dans ${v.validMinutes} minutes. Si vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.`,
      ],
      link: { href: v.link, label: 'Choisir un nouveau mot de passe' },
    }),
  }),
  passwordChanged: defineMailTemplate({
    name: 'passwordChanged',
    priority: 'security',
    variables: z.object({ ...mailCommuneVariables, when: z.string(), resetLink: z.url() }),
    render: (v) => ({
      subject: `Votre mot de passe a été modifié – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `Le mot de passe de votre compte a été modifié le ${v.when}. Toutes vos sessions ouvertes ont été fermées.`,
        `Si vous n’êtes pas à l’origine de ce changement, réinitialisez immédiatement votre mot de passe : ${v.resetLink}, puis contactez la mairie.`,
      ],
    }),
  }),
  mfaEnabled: defineMailTemplate({
    name: 'mfaEnabled',
    priority: 'security',
    variables: z.object({ ...mailCommuneVariables, when: z.string(), securityLink: z.url() }),
    render: (v) => ({
      subject: `Double authentification activée – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `La double authentification par application a été activée sur votre compte le ${v.when}. À chaque connexion, un code à 6 chiffres de votre application vous sera demandé en plus de votre mot de passe.`,
        'Gardez vos codes de secours en lieu sûr : ils vous permettent de vous connecter si vous perdez votre téléphone.',
        'Si vous n’êtes pas à l’origine de ce changement, réinitialisez immédiatement votre mot de passe et contactez la mairie.',
      ],
      link: { href: v.securityLink, label: 'Voir la sécurité de mon compte' },
    }),
  }),
  mfaDisabled: defineMailTemplate({
    name: 'mfaDisabled',
    priority: 'security',
    variables: z.object({ ...mailCommuneVariables, when: z.string(), securityLink: z.url() }),
    render: (v) => ({
      subject: `Double authentification désactivée – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `La double authentification par application a été désactivée sur votre compte le ${v.when}. Votre mot de passe suffit désormais pour vous connecter.`,
        'Si vous n’êtes pas à l’origine de ce changement, réinitialisez immédiatement votre mot de passe, réactivez la double authentification et contactez la mairie.',
      ],
      link: { href: v.securityLink, label: 'Voir la sécurité de mon compte' },
    }),
  }),
  recoveryCodeUsed: defineMailTemplate({
    name: 'recoveryCodeUsed',
    priority: 'security',
    variables: z.object({
      ...mailCommuneVariables,
      when: z.string(),
      remaining: z.number().int(),
      securityLink: z.url(),
    }),
    render: (v) => ({
      subject: `Un code de secours a été utilisé – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `Un code de secours a servi à vous connecter le ${v.when}. Chaque code ne fonctionne qu’une fois : il vous en reste ${v.remaining}.`,
        v.remaining <= 3
          ? 'Il vous reste peu de codes : générez-en de nouveaux depuis la page de sécurité de votre compte.'
          : 'Vous pouvez générer de nouveaux codes à tout moment depuis la page de sécurité de votre compte.',
        'Si vous n’êtes pas à l’origine de cette connexion, réinitialisez immédiatement votre mot de passe et contactez la mairie.',
      ],
      link: { href: v.securityLink, label: 'Voir la sécurité de mon compte' },
    }),
  }),
  recoveryCodesRegenerated: defineMailTemplate({
    name: 'recoveryCodesRegenerated',
    priority: 'security',
    variables: z.object({ ...mailCommuneVariables, when: z.string(), securityLink: z.url() }),
    render: (v) => ({
      subject: `Nouveaux codes de secours – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `De nouveaux codes de secours ont été générés pour votre compte le ${v.when}. Les anciens codes ne fonctionnent plus.`,
        'Si vous n’êtes pas à l’origine de ce changement, réinitialisez immédiatement votre mot de passe et contactez la mairie.',
      ],
      link: { href: v.securityLink, label: 'Voir la sécurité de mon compte' },
    }),
  }),
  staffInvitation: defineMailTemplate({
    name: 'staffInvitation',
    priority: 'security',
    variables: z.object({
      ...mailCommuneVariables,
      inviterName: z.string().min(1),
      roleLabel: z.string().min(1),
      link: z.url(),
      validDays: z.number().int(),
    }),
    render: (v) => ({
      subject: `Invitation à rejoindre le guichet numérique – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `${v.inviterName} vous invite à rejoindre le guichet numérique de ${v.communeName} en tant ${que(v.roleLabel)}.`,
        `Pour activer votre compte, ouvrez le lien ci-dessous et choisissez votre mot de passe. Le lien est valable ${v.validDays} jours et ne sert qu’une fois.`,
        'Vous devrez ensuite activer la double authentification pour continuer à accéder à l’espace agent.',
        'Si vous ne vous attendiez pas à cette invitation, ignorez ce message et prévenez la mairie.',
      ],
      link: { href: v.link, label: 'Activer mon compte' },
    }),
  }),
  staffRoleGranted: defineMailTemplate({
    name: 'staffRoleGranted',
    priority: 'security',
    variables: z.object({
      ...mailCommuneVariables,
      inviterName: z.string().min(1),
      roleLabel: z.string().min(1),
      signInLink: z.url(),
    }),
    render: (v) => ({
      subject: `Nouveau rôle sur le guichet numérique – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `${v.inviterName} vous a donné le rôle de ${v.roleLabel} sur le guichet numérique de ${v.communeName}. Connectez-vous avec votre compte habituel pour y accéder.`,
        'Si vous ne vous attendiez pas à ce message, prévenez la mairie.',
      ],
      link: { href: v.signInLink, label: 'Me connecter' },
    }),
  }),
} as const;
