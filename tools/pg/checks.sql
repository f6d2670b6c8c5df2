-- The same work as a background check, done in PostgreSQL: an indexed lookup of a person's
-- records plus a durable insert into a hash-chained access-log table, in one transaction.
CREATE TABLE person_records (
  seq       bigint PRIMARY KEY,
  id_type   text   NOT NULL,
  id_number text   NOT NULL,
  kind      text   NOT NULL,
  decided   date   NOT NULL,
  body      bytea  NOT NULL
);
CREATE INDEX person_records_subject ON person_records (id_type, id_number);
CREATE TABLE access_head (id int PRIMARY KEY, seq bigint NOT NULL, hash bytea NOT NULL);
INSERT INTO access_head VALUES (1, -1, decode(repeat('00', 32), 'hex'));
CREATE TABLE access_log (seq bigint PRIMARY KEY, entry bytea NOT NULL, leaf bytea NOT NULL, chain bytea NOT NULL);
CREATE FUNCTION access_append() RETURNS trigger AS $$
DECLARE head access_head%ROWTYPE;
BEGIN
  SELECT * INTO head FROM access_head WHERE id = 1 FOR UPDATE;
  NEW.seq   := head.seq + 1;
  NEW.leaf  := sha256('\x00'::bytea || NEW.entry);
  NEW.chain := sha256(head.hash || NEW.leaf);
  UPDATE access_head SET seq = NEW.seq, hash = NEW.chain WHERE id = 1;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER access_chain BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION access_append();
-- 1,000,000 records over 300,000 people, about 600 bytes each.
INSERT INTO person_records
SELECT s, 'resident_id', 'P' || (s % 300000), CASE WHEN s % 50 = 0 THEN 'ban' ELSE 'penalty' END,
       date '2023-01-01' + (s % 1000), convert_to(repeat('当事人未取得健康合格证明即从事婴幼儿照护工作。', 10), 'UTF8')
FROM generate_series(0, 999999) AS s;
ANALYZE person_records;
