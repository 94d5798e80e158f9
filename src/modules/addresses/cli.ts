/** `guichet adresses importer <fichier.csv> --commune <identifiant>`: the import, from a server's shell. */
import { readFile } from 'node:fs/promises';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { importAddresses } from './use-cases/import-addresses.js';

export async function addressesImportCommand(
  ctx: Pick<AppContext, 'database' | 'communes'>,
  slug: string,
  file: string,
  print: (line: string) => void,
  printError: (line: string) => void,
): Promise<number> {
  const commune = await ctx.communes.bySlug(slug);
  if (!commune) {
    printError(`Commune inconnue : ${slug}`);
    return 2;
  }
  let csv: string;
  try {
    const bytes = await readFile(file);
    csv = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    printError(
      (error as NodeJS.ErrnoException).code
        ? `Impossible de lire ${file} : ${(error as Error).message}`
        : `${file} n’est pas encodé en UTF-8 : téléchargez à nouveau le fichier de la Base Adresse Nationale.`,
    );
    return 1;
  }
  try {
    const outcome = await importAddresses(ctx.database, commune, csv, { type: 'system', accountId: null });
    print(`${outcome.imported} adresses importées pour ${commune.name}.`);
    for (const r of outcome.rejected.slice(0, 20)) print(`Ligne ${r.line} ignorée : ${r.reason}`);
    if (outcome.rejected.length > 20) print(`… et ${outcome.rejected.length - 20} autres lignes ignorées.`);
    return 0;
  } catch (error) {
    if (error instanceof AppError && error.fields) {
      printError(Object.values(error.fields).join('\n'));
      return 1;
    }
    throw error;
  }
}
