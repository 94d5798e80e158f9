-- The ANTS national search lists meeting points with their coordinates (domain rules §9): an
-- agenda's place may carry them, entered by the administrator. A place without coordinates is not
-- published to the ANTS.
ALTER TABLE appointment_agenda
  ADD COLUMN latitude double precision CHECK (latitude BETWEEN -90 AND 90),
  ADD COLUMN longitude double precision CHECK (longitude BETWEEN -180 AND 180),
  ADD CONSTRAINT appointment_agenda_coordinates_pair CHECK ((latitude IS NULL) = (longitude IS NULL));
