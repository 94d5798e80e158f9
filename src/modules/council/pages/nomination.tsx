/**
 * A nomination item on the secretary's screen (CGCT L2122-7, L2121-21): the candidates with their
 * date of birth, each secret-ballot round's counts and outcome, the form of the next round and
 * the result. Also the sentences the projector view shows.
 */
import {
  Button,
  CsrfField,
  DateInput,
  type FieldErrors,
  Input,
  Panel,
  Select,
  Table,
  WarningText,
} from '../../../platform/views/components.js';
import { formatDate } from '../../../platform/views/format.js';
import { type FormBody, formString } from '../../../platform/views/page-kit.js';
import type { SeancePage } from '../queries.js';
import type { CandidateRow, ItemRow, MemberRow, NominationRoundRow } from '../schema.js';
import { nominationClosed } from '../use-cases/nominations.js';

const ORDINALS = ['', 'premier', 'deuxième', 'troisième'];

export function roundName(round: number): string {
  return `${ORDINALS[round] ?? `${round}e`} tour`;
}

function voices(n: number): string {
  return `${n} voix`;
}

export function candidateName(members: readonly MemberRow[], candidates: readonly CandidateRow[], id: string | null) {
  const candidate = candidates.find((c) => c.id === id);
  return members.find((m) => m.id === candidate?.memberId)?.fullName ?? 'Candidat';
}

/** The outcome of a round as a sentence (secretary's screen, projector). */
export function roundSentence(
  round: NominationRoundRow,
  candidates: readonly CandidateRow[],
  members: readonly MemberRow[],
): string {
  const name = candidateName(members, candidates, round.electedCandidateId);
  const got = round.electedCandidateId ? (round.votes[round.electedCandidateId] ?? 0) : 0;
  const base = `${round.exprimes} suffrage${round.exprimes > 1 ? 's' : ''} exprimé${round.exprimes > 1 ? 's' : ''}`;
  switch (round.outcome) {
    case 'absolute':
      return `${name} est élu(e) au ${roundName(round.round)} à la majorité absolue : ${voices(got)} sur ${base} (${round.absoluteMajority} requises).`;
    case 'relative':
      return `${name} est élu(e) au troisième tour à la majorité relative : ${voices(got)} sur ${base}.`;
    case 'age':
      return `Égalité des voix au troisième tour (${voices(got)} sur ${base}) : ${name}, candidat le plus âgé, est élu(e) (article L2122-7 du CGCT).`;
    case 'next_round':
      return `${roundName(round.round).replace(/^./, (c) => c.toUpperCase())} : aucun candidat n’a la majorité absolue (${round.absoluteMajority} voix sur ${base}) ; un ${roundName(round.round + 1)} est nécessaire.`;
    case 'no_votes':
      return 'Aucun suffrage exprimé au troisième tour : personne n’est élu. Le conseil devra reprendre le scrutin.';
    case 'same_age':
      return 'Égalité au troisième tour entre candidats nés le même jour : la loi ne les départage pas, personne n’est élu.';
  }
}

export function RoundsTable({
  rounds,
  candidates,
  members,
  caption,
}: {
  rounds: readonly NominationRoundRow[];
  candidates: readonly CandidateRow[];
  members: readonly MemberRow[];
  caption: string;
}) {
  return (
    <Table
      caption={caption}
      captionSize="s"
      columns={[
        { label: 'Tour' },
        ...candidates.map((c) => ({ label: candidateName(members, candidates, c.id), numeric: true })),
        { label: 'Blancs', numeric: true },
        { label: 'Nuls', numeric: true },
        { label: 'Exprimés', numeric: true },
        { label: 'Majorité absolue', numeric: true },
      ]}
      rows={rounds.map((r) => [
        `${r.round}`,
        ...candidates.map((c) => String(r.votes[c.id] ?? 0)),
        String(r.blancs),
        String(r.nuls),
        String(r.exprimes),
        r.round < 3 ? String(r.absoluteMajority) : 'Non requise',
      ])}
    />
  );
}

export function NominationBlock({
  page,
  item,
  csrf,
  base,
  errors,
  values,
}: {
  page: SeancePage;
  item: ItemRow;
  csrf: string;
  base: string;
  errors: FieldErrors;
  values: FormBody;
}) {
  const candidates = page.candidates.get(item.id) ?? [];
  const rounds = page.rounds.get(item.id) ?? [];
  const closed = nominationClosed(rounds);
  const idp = `p${item.position}`;
  const v = (key: string) => formString(values, key);
  const last = rounds.at(-1);
  const next = rounds.length + 1;
  return (
    <>
      <p class="govuk-body">
        Nomination au scrutin secret (articles L2122-7 et L2121-21 du CGCT) : majorité absolue des suffrages exprimés
        aux deux premiers tours, majorité relative au troisième ; à égalité, le plus âgé est élu. Les bulletins blancs
        et nuls ne sont pas des suffrages exprimés.
      </p>
      {errors.form ? <WarningText>{errors.form}</WarningText> : null}
      {candidates.length ? (
        <Table
          caption="Candidats"
          captionSize="s"
          columns={[{ label: 'Candidat' }, { label: 'Date de naissance' }]}
          rows={candidates.map((c) => [candidateName(page.members, candidates, c.id), formatDate(c.birthDate)])}
        />
      ) : (
        <p class="govuk-body">Aucun candidat déclaré pour l’instant.</p>
      )}
      {rounds.length ? (
        <>
          <RoundsTable rounds={rounds} candidates={candidates} members={page.members} caption="Tours de scrutin" />
          {rounds.map((r) => (
            <p class="govuk-body" key={r.id}>
              {roundSentence(r, candidates, page.members)}
            </p>
          ))}
        </>
      ) : null}
      {closed && last?.electedCandidateId ? (
        <Panel title="Résultat">{candidateName(page.members, candidates, last.electedCandidateId)} est élu(e).</Panel>
      ) : null}
      {!closed && page.opening && candidates.length ? (
        <form method="post" action={`${base}/points/${item.id}/tours`} novalidate>
          <CsrfField token={csrf} />
          <h3 class="govuk-heading-s">Dépouillement du {roundName(next)}</h3>
          <div class="guichet-vote-counts">
            {candidates.map((c, i) => (
              <Input
                key={c.id}
                name={`voix-${c.id}`}
                id={i === 0 ? `${idp}-votes` : `${idp}-voix-${i + 1}`}
                label={`Voix de ${candidateName(page.members, candidates, c.id)}`}
                inputmode="numeric"
                width={3}
                value={v(`voix-${c.id}`)}
                error={i === 0 ? errors.votes : undefined}
              />
            ))}
            <Input
              name="blancs"
              id={`${idp}-blancs`}
              label="Bulletins blancs"
              inputmode="numeric"
              width={3}
              value={v('blancs')}
              error={errors.blancs}
            />
            <Input
              name="nuls"
              id={`${idp}-nuls`}
              label="Bulletins nuls"
              inputmode="numeric"
              width={3}
              value={v('nuls')}
              error={errors.nuls}
            />
          </div>
          <Button>Enregistrer le {roundName(next)}</Button>
        </form>
      ) : null}
      {!closed && page.opening ? (
        <form method="post" action={`${base}/points/${item.id}/candidats`} novalidate>
          <CsrfField token={csrf} />
          <h3 class="govuk-heading-s">Déclarer un candidat</h3>
          <Select
            name="memberId"
            id={`${idp}-candidate`}
            label="Candidat"
            value={v('memberId')}
            error={errors.candidate}
            options={[
              { value: '', label: 'Choisir un élu' },
              ...page.members
                .filter((m) => !candidates.some((c) => c.memberId === m.id))
                .map((m) => ({ value: m.id, label: m.fullName })),
            ]}
          />
          <DateInput
            name="birthDate"
            id={`${idp}-birthDate`}
            legend="Date de naissance"
            legendSize="s"
            hint="Elle départage une égalité au troisième tour. Par exemple 14 7 1962."
            value={{ day: v('birthDate-day'), month: v('birthDate-month'), year: v('birthDate-year') }}
            {...(errors.birthDate ? { error: errors.birthDate } : {})}
          />
          <Button variant="secondary">Déclarer le candidat</Button>
        </form>
      ) : null}
    </>
  );
}
