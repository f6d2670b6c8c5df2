-- pgbench: one background check = lookup by subject + chained, durable access-log insert.
\set p random(0, 299999)
BEGIN;
SELECT seq, kind, decided FROM person_records WHERE id_type = 'resident_id' AND id_number = 'P' || :p;
INSERT INTO access_log (seq, entry, leaf, chain)
VALUES (0, convert_to('{"principal":"inst-bench","subject":"' || md5('P' || :p) || '","purpose":"hiring","consentRef":"bench"}', 'UTF8'), '', '');
COMMIT;
