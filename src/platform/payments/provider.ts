/**
 * Online payment providers behind one small interface. The platform knows the protocols; the
 * module that bills (the family portal) keeps its orders and decides what a payment does to an
 * invoice. Only `payfip` exists today (payfip.ts, decision 0033): the DGFiP's service that the
 * collectivités managed in Hélios must offer.
 */

export interface PaymentOrder {
  /** The debt's reference (refdet for PayFiP): the invoice number, 6 to 30 characters. */
  reference: string;
  /** Financial year of the debt (4 digits). */
  year: number;
  amountCents: number;
  /** What the payer reads on the payment page (< 100 characters). */
  label: string;
  email: string;
  /** Called server to server when the payment ends. */
  notificationUrl: string;
  /** Where the payer's browser comes back. */
  returnUrl: string;
}

export interface StartedPayment {
  /** The provider's operation id (PayFiP idOp). */
  operationId: string;
  /** Where to send the payer's browser. */
  redirectUrl: string;
}

export type PaymentOutcome = 'paid' | 'refused' | 'abandoned' | 'pending';

/** What the provider itself says of an operation (never what a browser says). */
export interface PaymentDetail {
  operationId: string;
  outcome: PaymentOutcome;
  /** The provider's raw result code (PayFiP resultrans: P, V, A, R, Z…). */
  resultCode: string | null;
  reference: string;
  amountCents: number;
  /** Authorisation number (numauto), when paid. */
  authorisation: string | null;
  /** Date and time of the transaction as the provider gives them (dattrans + heurtrans). */
  transactionAt: string | null;
}

export interface PaymentProvider {
  readonly name: 'payfip';
  start(order: PaymentOrder): Promise<StartedPayment>;
  detail(operationId: string): Promise<PaymentDetail>;
}

/** A refused request; `code` is the provider's (PayFiP M3, P1…) or `local` when checked before any call. */
export class PaymentError extends Error {
  override name = 'PaymentError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
