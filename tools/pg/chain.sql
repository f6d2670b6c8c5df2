-- The same durable, hash-chained append done the way a user would otherwise do it: a table
-- whose trigger locks the head row and computes sha256(prev ‖ leaf).
CREATE TABLE chain_head (id int PRIMARY KEY, seq bigint NOT NULL, hash bytea NOT NULL);
INSERT INTO chain_head VALUES (1, -1, decode(repeat('00', 32), 'hex'));
CREATE TABLE records (
  seq   bigint PRIMARY KEY,
  body  bytea  NOT NULL,
  leaf  bytea  NOT NULL,
  chain bytea  NOT NULL
);
CREATE FUNCTION chain_append() RETURNS trigger AS $$
DECLARE head chain_head%ROWTYPE;
BEGIN
  SELECT * INTO head FROM chain_head WHERE id = 1 FOR UPDATE;
  NEW.seq   := head.seq + 1;
  NEW.leaf  := sha256('\x00'::bytea || NEW.body);
  NEW.chain := sha256(head.hash || NEW.leaf);
  UPDATE chain_head SET seq = NEW.seq, hash = NEW.chain WHERE id = 1;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER records_chain BEFORE INSERT ON records FOR EACH ROW EXECUTE FUNCTION chain_append();
