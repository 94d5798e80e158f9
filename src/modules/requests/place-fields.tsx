/**
 * The place of a street report: an address field that is not the citizen's own address (no
 * `prefill: 'address'`). Its postcode and city start with the commune's, and the page gets the
 * addresses module's enhancement (assets/js/address-field.mjs: suggestions while typing, « Utiliser
 * ma position »), which reads Guichet's own endpoints only. Without JavaScript: plain fields.
 */
import type { ComponentChildren } from 'preact';
import type { Commune } from '../../platform/tenancy/communes.js';
import type { Answers, FormPage } from '../forms/index.js';

export const ADDRESS_FIELD_SCRIPT = '/static/js/address-field.mjs';

/** The page's place fields (top-level address fields that are not the citizen's address). */
export function placeFieldIds(page: FormPage | undefined): string[] {
  return (page?.fields ?? []).filter((f) => f.type === 'address' && f.prefill !== 'address').map((f) => f.id);
}

/** The answers to show: a place never answered starts with the commune's postcode and name. */
export function withPlaceDefaults(
  page: FormPage | undefined,
  answers: Answers,
  defaults: { postcode: string | null; city: string },
): Answers {
  const out: Answers = { ...answers };
  for (const id of placeFieldIds(page)) {
    if (id in out) continue;
    out[id] = { line1: '', postcode: defaults.postcode ?? '', city: defaults.city };
  }
  return out;
}

/** Wraps a form page whose place fields the script enhances. */
export function PlaceLookup({
  commune,
  page,
  children,
}: {
  commune: Commune;
  page: FormPage;
  children: ComponentChildren;
}) {
  const ids = placeFieldIds(page);
  if (ids.length === 0) return <>{children}</>;
  return (
    <div
      data-guichet-places={ids.join(' ')}
      data-suggest={`/c/${commune.slug}/adresses/suggestions`}
      data-nearest={`/c/${commune.slug}/adresses/proche`}
    >
      {children}
    </div>
  );
}
