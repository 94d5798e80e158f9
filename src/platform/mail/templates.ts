/**
 * French mail templates. Each template renders a subject, a plain-text body and an HTML body
 * from typed variables; HTML is produced by preact, so every variable is escaped. A paragraph
 * may hold line breaks: `<br>` in HTML.
 */
import { h } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';
import { z } from 'zod';
import { que } from '../views/format.js';
import { isMailAddress } from './address.js';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailTemplate<S extends z.ZodType = z.ZodType> {
  name: string;
  variables: S;
  render(vars: z.infer<S>): {
    subject: string;
    paragraphs: string[];
    link?: { href: string; label: string };
    /** Replaces the default "do not reply" footer (mails whose replies reach a person). */
    footer?: string;
  };
}

const communeVars = { communeName: z.string().min(1) };

/**
 * The part of a citizen notification written by the commune (or Guichet's default text), already
 * filled: a one-line subject and plain-text paragraphs (see modules/requests/notifications).
 */
const communeText = z.object({
  subject: z.string().min(1),
  paragraphs: z.array(z.string().min(1)).min(1),
});

/** Declares a template with its variables' type inferred from the schema. */
function defineTemplate<S extends z.ZodType>(template: MailTemplate<S>): MailTemplate<S> {
  return template;
}

export const MAIL_TEMPLATES = {
  notification: defineTemplate({
    name: 'notification',
    variables: z.object({
      ...communeVars,
      subject: z.string().min(1).max(200),
      paragraphs: z.array(z.string()).min(1),
      link: z.object({ href: z.url(), label: z.string().min(1) }).optional(),
    }),
    render: (v) => ({ subject: v.subject, paragraphs: v.paragraphs, ...(v.link ? { link: v.link } : {}) }),
  }),
  smtpTest: defineTemplate({
    name: 'smtpTest',
    variables: z.object({ ...communeVars, sentAt: z.string() }),
    render: (v) => ({
      subject: `Test d’envoi de courriel – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `Ce message confirme que Guichet peut envoyer des courriels au nom de ${v.communeName}.`,
        `Envoyé le ${v.sentAt}.`,
      ],
    }),
  }),
  demoWelcome: defineTemplate({
    name: 'demoWelcome',
    variables: z.object({ ...communeVars, homeUrl: z.url() }),
    render: (v) => ({
      subject: `Bienvenue sur le guichet numérique de ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `Le guichet numérique de ${v.communeName} est prêt. Ce courriel de démonstration montre comment les messages envoyés par la commune apparaissent.`,
        'Vous n’avez rien à faire : ce message est envoyé automatiquement.',
      ],
      link: { href: v.homeUrl, label: 'Ouvrir le guichet de la commune' },
    }),
  }),
  verifyEmail: defineTemplate({
    name: 'verifyEmail',
    variables: z.object({ ...communeVars, givenName: z.string(), link: z.url(), validHours: z.number().int() }),
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
  accountAlreadyExists: defineTemplate({
    name: 'accountAlreadyExists',
    variables: z.object({ ...communeVars, signInLink: z.url(), resetLink: z.url() }),
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
  passwordReset: defineTemplate({
    name: 'passwordReset',
    variables: z.object({ ...communeVars, link: z.url(), validMinutes: z.number().int() }),
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
  passwordChanged: defineTemplate({
    name: 'passwordChanged',
    variables: z.object({ ...communeVars, when: z.string(), resetLink: z.url() }),
    render: (v) => ({
      subject: `Votre mot de passe a été modifié – ${v.communeName}`,
      paragraphs: [
        'Bonjour,',
        `Le mot de passe de votre compte a été modifié le ${v.when}. Toutes vos sessions ouvertes ont été fermées.`,
        `Si vous n’êtes pas à l’origine de ce changement, réinitialisez immédiatement votre mot de passe : ${v.resetLink}, puis contactez la mairie.`,
      ],
    }),
  }),
  mfaEnabled: defineTemplate({
    name: 'mfaEnabled',
    variables: z.object({ ...communeVars, when: z.string(), securityLink: z.url() }),
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
  mfaDisabled: defineTemplate({
    name: 'mfaDisabled',
    variables: z.object({ ...communeVars, when: z.string(), securityLink: z.url() }),
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
  recoveryCodeUsed: defineTemplate({
    name: 'recoveryCodeUsed',
    variables: z.object({ ...communeVars, when: z.string(), remaining: z.number().int(), securityLink: z.url() }),
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
  recoveryCodesRegenerated: defineTemplate({
    name: 'recoveryCodesRegenerated',
    variables: z.object({ ...communeVars, when: z.string(), securityLink: z.url() }),
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
  staffInvitation: defineTemplate({
    name: 'staffInvitation',
    variables: z.object({
      ...communeVars,
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
  staffRoleGranted: defineTemplate({
    name: 'staffRoleGranted',
    variables: z.object({
      ...communeVars,
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
  requestReceipt: defineTemplate({
    name: 'requestReceipt',
    variables: z.object({
      ...communeVars,
      text: communeText,
      /** The legal mention of silence (accord/rejet) with its date, when the démarche has one. */
      silenceMention: z.string().optional(),
      /** The request's page (signed-in requesters); the receipt PDF is attached to the mail. */
      trackingUrl: z.url().optional(),
      receiptUrl: z.url().optional(),
    }),
    render: (v) => ({
      subject: v.text.subject,
      paragraphs: [
        ...v.text.paragraphs,
        'Vous trouverez l’accusé de réception en pièce jointe (PDF).',
        ...(v.silenceMention ? [v.silenceMention] : []),
        ...(v.receiptUrl ? [`Accusé de réception en ligne : ${v.receiptUrl}`] : []),
        v.trackingUrl
          ? 'Vous pouvez suivre votre demande et échanger avec la mairie depuis votre espace « Mes demandes ».'
          : 'La mairie vous répondra à cette adresse électronique.',
      ],
      ...(v.trackingUrl ? { link: { href: v.trackingUrl, label: 'Suivre ma demande' } } : {}),
    }),
  }),
  requestMessage: defineTemplate({
    name: 'requestMessage',
    variables: z.object({
      ...communeVars,
      text: communeText,
      /** The message itself, for requesters without an account (they cannot read it online). */
      message: z.string().optional(),
      trackingUrl: z.url().optional(),
    }),
    render: (v) => ({
      subject: v.text.subject,
      paragraphs: [
        ...v.text.paragraphs,
        ...(v.message ? [`« ${v.message} »`] : []),
        v.trackingUrl
          ? 'Lisez le message et répondez depuis votre espace « Mes demandes ».'
          : 'Pour répondre, contactez la mairie en rappelant le numéro de votre demande.',
      ],
      ...(v.trackingUrl ? { link: { href: v.trackingUrl, label: 'Lire le message' } } : {}),
    }),
  }),
  requestStatusChanged: defineTemplate({
    name: 'requestStatusChanged',
    variables: z.object({
      ...communeVars,
      text: communeText,
      message: z.string().optional(),
      /** A refusal: the reason given is `message`; the voies et délais de recours follow it. */
      appeal: z.array(z.string().min(1)).optional(),
      trackingUrl: z.url().optional(),
    }),
    render: (v) => ({
      subject: v.text.subject,
      paragraphs: [
        ...v.text.paragraphs,
        ...(v.message ? [v.appeal ? `Motif du refus\u00a0: «\u00a0${v.message}\u00a0»` : `« ${v.message} »`] : []),
        ...(v.appeal ?? []),
        v.trackingUrl
          ? 'Retrouvez l’historique complet de votre demande dans votre espace « Mes demandes ».'
          : 'Pour toute question, contactez la mairie en rappelant le numéro de votre demande.',
      ],
      ...(v.trackingUrl ? { link: { href: v.trackingUrl, label: 'Voir ma demande' } } : {}),
    }),
  }),
  requestToSecretary: defineTemplate({
    name: 'requestToSecretary',
    variables: z.object({
      ...communeVars,
      number: z.string().min(1),
      procedureTitle: z.string().min(1),
      requesterName: z.string().min(1),
      /** Empty when the requester left no address (anonymous street report). */
      requesterEmail: z.union([z.string().refine(isMailAddress), z.literal('')]),
      submittedAt: z.string().min(1),
      /** "Question : réponse" lines of the form. */
      lines: z.array(z.string()),
      attachmentCount: z.number().int().min(0),
      processUrl: z.url(),
      validDays: z.number().int(),
    }),
    render: (v) => ({
      subject: `Nouvelle demande n° ${v.number} : ${v.procedureTitle}`,
      paragraphs: [
        'Bonjour,',
        `${v.requesterEmail ? `${v.requesterName} (${v.requesterEmail})` : `${v.requesterName} (sans adresse électronique)`} a déposé une demande « ${v.procedureTitle} » sur le guichet numérique le ${v.submittedAt}.`,
        ...v.lines,
        v.attachmentCount > 0
          ? `L’accusé de réception et ${v.attachmentCount} pièce(s) jointe(s) de l’usager sont joints à ce courriel.`
          : 'L’accusé de réception est joint à ce courriel.',
        v.requesterEmail
          ? 'Pour répondre à l’usager, répondez simplement à ce courriel : votre réponse lui sera adressée directement.'
          : 'L’usager n’a pas laissé d’adresse électronique : il ne peut pas être recontacté par courriel.',
        `Une fois la demande traitée, indiquez-le avec le lien ci-dessous (valable ${v.validDays} jours, utilisable une seule fois) : l’usager verra le nouveau statut dans son espace.`,
      ],
      link: { href: v.processUrl, label: 'Indiquer que la demande est traitée' },
      footer: `— Guichet numérique de ${v.communeName} (mode simple). Une réponse à ce courriel est adressée à l’usager.`,
    }),
  }),
} as const;

export type MailTemplateName = keyof typeof MAIL_TEMPLATES;
export type MailVariables<N extends MailTemplateName> = z.infer<(typeof MAIL_TEMPLATES)[N]['variables']>;

/** A paragraph's lines separated by `<br>` elements (text stays text: preact escapes it). */
function withLineBreaks(paragraph: string): Array<string | ReturnType<typeof h>> {
  return paragraph.split('\n').flatMap((line, i) => (i === 0 ? [line] : [h('br', null), line]));
}

/** Renders a template; throws a ZodError when the variables do not match. */
export function renderMail<N extends MailTemplateName>(name: N, vars: MailVariables<N>): RenderedMail {
  const template = MAIL_TEMPLATES[name] as unknown as MailTemplate;
  const parsed = template.variables.parse(vars) as { communeName: string };
  const content = template.render(parsed);
  const footer =
    content.footer ??
    `— ${parsed.communeName}. Ce message vous est envoyé par le guichet numérique de la commune ; merci de ne pas y répondre directement.`;
  const text = [
    ...content.paragraphs,
    ...(content.link ? [`${content.link.label} : ${content.link.href}`] : []),
    '',
    footer,
  ].join('\n\n');
  const html = `<!doctype html>${renderToStaticMarkup(
    h(
      'html',
      { lang: 'fr' },
      h('head', null, h('meta', { charset: 'utf-8' }), h('title', null, content.subject)),
      h(
        'body',
        null,
        ...content.paragraphs.map((p) => h('p', null, ...withLineBreaks(p))),
        content.link ? h('p', null, h('a', { href: content.link.href }, content.link.label)) : null,
        h('hr', null),
        h('p', null, h('small', null, footer)),
      ),
    ),
  )}`;
  return { subject: content.subject, text, html };
}
