/**
 * The ladder's fields in an anonymous form: the honeypot (always), and the challenge when one is
 * due — the ALTCHA widget (served from /static/, enhanced by altcha-setup.mjs) and, for browsers
 * without JavaScript, a short question that the script hides once the widget runs.
 */
import { h } from 'preact';
import { ErrorMessage, type FieldErrors, Input } from '../views/components.js';
import {
  ALTCHA_FIELD,
  CHALLENGE_ERROR_KEY,
  type ChallengeView,
  HONEYPOT_FIELD,
  QUESTION_ANSWER_FIELD,
  QUESTION_TOKEN_FIELD,
} from './ladder.js';

/** The page script that runs the widget (pass it in the page's `scripts`). */
export const ANTISPAM_SCRIPT = '/static/js/altcha-setup.mjs';

export function AntiSpamFields({ challenge, errors }: { challenge: ChallengeView; errors: FieldErrors }) {
  const honeypotError = errors[HONEYPOT_FIELD];
  const challengeError = errors[CHALLENGE_ERROR_KEY];
  return (
    <>
      {/* Shown only when filled (a person can then empty it); otherwise out of sight and of the tab order. */}
      <div class={honeypotError ? undefined : 'guichet-honeypot'}>
        {honeypotError ? (
          <Input name={HONEYPOT_FIELD} label="Ne pas remplir ce champ" autocomplete="off" error={honeypotError} />
        ) : (
          <div class="govuk-form-group">
            <label class="govuk-label" for={HONEYPOT_FIELD}>
              Ne pas remplir ce champ
            </label>
            <input
              class="govuk-input"
              id={HONEYPOT_FIELD}
              name={HONEYPOT_FIELD}
              type="text"
              autocomplete="off"
              tabindex={-1}
            />
          </div>
        )}
      </div>
      {challenge ? (
        <div class={`govuk-form-group${challengeError ? ' govuk-form-group--error' : ''}`}>
          <fieldset
            class="govuk-fieldset"
            aria-describedby={challengeError ? `${CHALLENGE_ERROR_KEY}-error` : undefined}
          >
            <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">
              <span id={CHALLENGE_ERROR_KEY}>Vérification anti-robot</span>
            </legend>
            <p class="govuk-body">
              Beaucoup de messages sont arrivés en peu de temps : confirmez que vous n’êtes pas un robot. Cette
              vérification est faite par la mairie elle-même, sans service extérieur ni cookie.
            </p>
            {challengeError ? <ErrorMessage id={`${CHALLENGE_ERROR_KEY}-error`}>{challengeError}</ErrorMessage> : null}
            {h('altcha-widget', {
              challenge: challenge.altcha,
              name: ALTCHA_FIELD,
              language: 'fr',
              configuration: JSON.stringify({ hideFooter: true, hideLogo: true }),
            })}
            <div class="govuk-form-group" data-guichet-question="">
              <label class="govuk-label" for={QUESTION_ANSWER_FIELD}>
                {challenge.question.text}
              </label>
              <input
                class="govuk-input govuk-input--width-3"
                id={QUESTION_ANSWER_FIELD}
                name={QUESTION_ANSWER_FIELD}
                type="text"
                inputmode="numeric"
                autocomplete="off"
                spellcheck={false}
              />
              <input type="hidden" name={QUESTION_TOKEN_FIELD} value={challenge.question.token} />
            </div>
          </fieldset>
        </div>
      ) : null}
    </>
  );
}
