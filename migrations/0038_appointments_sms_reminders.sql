-- Reminders by SMS too (issue 12 item 3), only when the person asked for them at booking and gave
-- a mobile number: the consent is stored with the booking, the number stays in its `phone`.
ALTER TABLE appointment_booking
  ADD COLUMN sms_reminders boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT appointment_booking_sms_needs_phone CHECK (NOT sms_reminders OR phone IS NOT NULL);
