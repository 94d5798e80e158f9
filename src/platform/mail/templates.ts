/**
 * French mail templates, the machinery: each module defines its own (`mail-templates.ts`). A template renders a subject, a plain-text body and an HTML body
 * from typed variables; HTML is produced by preact, so every variable is escaped. A paragraph
 * may hold line breaks: `<br>` in HTML.
 */
import { h } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';
import { z } from 'zod';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/**
 * A mail a module sends. Modules define their templates (`src/modules/<m>/mail-templates.ts`) and
 * list them in their `mailTemplates` contribution; the outbox stores `name` with each mail.
 */
export interface MailTemplate<S extends z.ZodType = z.ZodType> {
  /** Stable identifier, stored with every queued mail (`mail_outbox.template`). */
  name: string;
  variables: S;
  /** A mail a person is waiting for (sign-up, reset, second factor): sent ahead of the bulk. */
  priority?: 'security';
  /**
   * Mails anyone can have sent to any address are capped per address and hour: beyond, they are
   * dropped (the person asking gets the same answer; a log line says so).
   */
  hourlyCapPerRecipient?: number;
  render(vars: z.infer<S>): {
    subject: string;
    paragraphs: string[];
    link?: { href: string; label: string };
    /** Replaces the default "do not reply" footer (mails whose replies reach a person). */
    footer?: string;
    /**
     * The address of a 1×1 image in the HTML part only (the awareness module's opening count,
     * indicative: many mail clients block images, others fetch them all).
     */
    pixel?: string;
  };
}

/** Every template's variables include the commune's name (the signature of the footer). */
export const mailCommuneVariables = { communeName: z.string().min(1) };

/**
 * The part of a citizen notification written by the commune (or Guichet's default text), already
 * filled: a one-line subject and plain-text paragraphs (see modules/requests/notifications).
 */
export const mailCommuneText = z.object({
  subject: z.string().min(1),
  paragraphs: z.array(z.string().min(1)).min(1),
});

/** Declares a template with its variables' type inferred from the schema. */
export function defineMailTemplate<S extends z.ZodType>(template: MailTemplate<S>): MailTemplate<S> {
  return template;
}

/** A paragraph's lines separated by `<br>` elements (text stays text: preact escapes it). */
function withLineBreaks(paragraph: string): Array<string | ReturnType<typeof h>> {
  return paragraph.split('\n').flatMap((line, i) => (i === 0 ? [line] : [h('br', null), line]));
}

/**
 * Renders a template; throws a ZodError when the variables do not match. The footer says whether
 * replying reaches someone (a Reply-To of the commune or its service) or not.
 */
export function renderMail<S extends z.ZodType>(
  template: MailTemplate<S>,
  vars: z.infer<S>,
  options: { repliesReachTheCommune?: boolean } = {},
): RenderedMail {
  const parsed = template.variables.parse(vars) as z.infer<S> & { communeName: string };
  const content = template.render(parsed);
  const footer =
    content.footer ??
    (options.repliesReachTheCommune
      ? `— ${parsed.communeName}. Ce message vous est envoyé par le guichet numérique de la commune ; si vous y répondez, votre réponse parvient au service de la mairie qui suit votre demande.`
      : `— ${parsed.communeName}. Ce message vous est envoyé par le guichet numérique de la commune ; merci de ne pas y répondre directement.`);
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
        content.pixel ? h('img', { src: content.pixel, alt: '', width: 1, height: 1 }) : null,
      ),
    ),
  )}`;
  return { subject: content.subject, text, html };
}
