/** Storage of the commune's notification texts and settings (tenant tables, filtered by commune). */
import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../platform/db/tenant.js';
import { type NotificationTemplateRow, notificationSetting, notificationTemplate } from './schema.js';

export async function listTemplateOverrides(tx: Tx, communeId: string): Promise<NotificationTemplateRow[]> {
  return tx.db.select().from(notificationTemplate).where(eq(notificationTemplate.communeId, communeId));
}

export async function findTemplateOverride(
  tx: Tx,
  communeId: string,
  key: string,
): Promise<NotificationTemplateRow | undefined> {
  const rows = await tx.db
    .select()
    .from(notificationTemplate)
    .where(and(eq(notificationTemplate.communeId, communeId), eq(notificationTemplate.key, key)));
  return rows[0];
}

export async function upsertTemplateOverride(
  tx: Tx,
  values: { communeId: string; key: string; subject: string | null; body: string; updatedBy: string | null },
): Promise<void> {
  const now = new Date();
  await tx.db
    .insert(notificationTemplate)
    .values({ ...values, updatedAt: now })
    .onConflictDoUpdate({
      target: [notificationTemplate.communeId, notificationTemplate.key],
      set: { subject: values.subject, body: values.body, updatedBy: values.updatedBy, updatedAt: now },
    });
}

/** Deletes the commune's text; true when there was one. */
export async function deleteTemplateOverride(tx: Tx, communeId: string, key: string): Promise<boolean> {
  const rows = await tx.db
    .delete(notificationTemplate)
    .where(and(eq(notificationTemplate.communeId, communeId), eq(notificationTemplate.key, key)))
    .returning({ key: notificationTemplate.key });
  return rows.length > 0;
}

export async function findSmsOnStatusChange(tx: Tx, communeId: string): Promise<boolean> {
  const rows = await tx.db
    .select({ on: notificationSetting.smsOnStatusChange })
    .from(notificationSetting)
    .where(eq(notificationSetting.communeId, communeId));
  return rows[0]?.on ?? false;
}

export async function upsertSmsOnStatusChange(
  tx: Tx,
  values: { communeId: string; smsOnStatusChange: boolean; updatedBy: string | null },
): Promise<void> {
  const now = new Date();
  await tx.db
    .insert(notificationSetting)
    .values({ ...values, updatedAt: now })
    .onConflictDoUpdate({
      target: notificationSetting.communeId,
      set: { smsOnStatusChange: values.smsOnStatusChange, updatedBy: values.updatedBy, updatedAt: now },
    });
}
