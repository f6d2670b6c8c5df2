-- pgbench: one ~1 KiB penalty record per transaction, committed durably (fsync on,
-- synchronous_commit on).
\set n random(1, 2000000000)
INSERT INTO records (seq, body, leaf, chain)
VALUES (0, convert_to('{"kind":"penalty","body":{"decisionNo":"bench-' || :n || '","facts":"' || repeat('经查，当事人监控录像保存不足90日。', 24) || '"}}', 'UTF8'), '', '');
