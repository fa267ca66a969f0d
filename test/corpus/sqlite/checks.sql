-- SQLite through its shell, built with the weft plugin and run on libweft:
-- each check prints "ok <name>" or "FAIL <name>"; the corpus runner
-- counts the ok lines: one for each check.
.bail on
.headers off
.mode list
PRAGMA journal_mode = WAL;
PRAGMA foreign_keys = ON;

CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id) ON DELETE CASCADE,
                 salary REAL, boss INTEGER REFERENCES emp(id));
CREATE INDEX emp_dept ON emp(dept, salary);
INSERT INTO dept(name) VALUES ('eng'), ('ops'), ('sales');
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO emp(name, dept, salary, boss)
  SELECT 'e' || i, 1 + i % 3, 1000 + (i * 37) % 500, CASE WHEN i > 1 THEN i / 2 END FROM n;

SELECT CASE WHEN count(*) = 3000 THEN 'ok' ELSE 'FAIL' END, 'insert-recursive-cte' FROM emp;
SELECT CASE WHEN sum(salary) = (SELECT sum(1000 + (value * 37) % 500) FROM generate_series(1, 3000))
  THEN 'ok' ELSE 'FAIL' END, 'aggregate-vs-series' FROM emp;
-- the management chain of employee 3000 by a recursive CTE: 3000, 1500, ... 1
WITH RECURSIVE chain(id, depth) AS (SELECT 3000, 0 UNION ALL SELECT e.boss, depth + 1 FROM emp e JOIN chain ON e.id = chain.id WHERE e.boss IS NOT NULL)
SELECT CASE WHEN max(depth) = 11 THEN 'ok' ELSE 'FAIL' END, 'recursive-chain' FROM chain;
-- window functions
SELECT CASE WHEN count(*) = 3 THEN 'ok' ELSE 'FAIL' END, 'window-rank' FROM (
  SELECT dept, name, rank() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS r FROM emp) WHERE r = 1;
SELECT CASE WHEN max(run) = (SELECT sum(salary) FROM emp WHERE dept = 1) THEN 'ok' ELSE 'FAIL' END, 'window-running-sum'
  FROM (SELECT sum(salary) OVER (ORDER BY id ROWS UNBOUNDED PRECEDING) AS run FROM emp WHERE dept = 1);
-- joins, group by, having, subqueries
SELECT CASE WHEN group_concat(name, ',') = 'eng,ops,sales' THEN 'ok' ELSE 'FAIL' END, 'join-group-having' FROM (
  SELECT d.name FROM dept d JOIN emp e ON e.dept = d.id GROUP BY d.id HAVING count(*) = 1000 ORDER BY d.name);
SELECT CASE WHEN (SELECT count(*) FROM emp WHERE salary > (SELECT avg(salary) FROM emp)) BETWEEN 1000 AND 2000
  THEN 'ok' ELSE 'FAIL' END, 'scalar-subquery';
-- the index is used and gives the same answer as a scan
SELECT CASE WHEN (SELECT count(*) FROM emp INDEXED BY emp_dept WHERE dept = 2 AND salary > 1400)
              = (SELECT count(*) FROM emp NOT INDEXED WHERE dept = 2 AND salary > 1400) THEN 'ok' ELSE 'FAIL' END, 'index-vs-scan';
-- transactions and savepoints
BEGIN;
UPDATE emp SET salary = salary * 2 WHERE dept = 3;
SAVEPOINT s1;
UPDATE emp SET salary = 0 WHERE dept = 3;
ROLLBACK TO s1;
RELEASE s1;
ROLLBACK;
SELECT CASE WHEN max(salary) < 1500 AND min(salary) >= 1000 AND count(*) = 3000 THEN 'ok' ELSE 'FAIL' END, 'rollback-savepoint' FROM emp;
-- foreign keys cascade and triggers
CREATE TABLE audit(msg TEXT);
CREATE TRIGGER emp_del AFTER DELETE ON emp BEGIN INSERT INTO audit VALUES ('del ' || old.id); END;
PRAGMA foreign_keys = OFF;
DELETE FROM dept WHERE name = 'sales';
PRAGMA foreign_keys = ON;
SELECT CASE WHEN (SELECT count(*) FROM audit) = 0 AND (SELECT count(*) FROM emp WHERE dept = 3) = 1000 THEN 'ok' ELSE 'FAIL' END, 'fk-off-no-cascade';
INSERT INTO dept(id, name) VALUES (3, 'sales');
UPDATE emp SET boss = NULL;
DELETE FROM dept WHERE id = 3;
SELECT CASE WHEN (SELECT count(*) FROM audit) = 1000 AND (SELECT count(*) FROM emp) = 2000 THEN 'ok' ELSE 'FAIL' END, 'fk-cascade-trigger';
-- constraint errors are errors, not crashes
CREATE TABLE u(x UNIQUE CHECK (x > 0));
INSERT INTO u VALUES (1);
INSERT OR IGNORE INTO u VALUES (1);
INSERT OR REPLACE INTO u VALUES (1);
SELECT CASE WHEN count(*) = 1 THEN 'ok' ELSE 'FAIL' END, 'conflict-clauses' FROM u;
-- JSON
SELECT CASE WHEN json_extract('{"a":[1,2,{"b":"c"}]}', '$.a[2].b') = 'c'
             AND json_array_length(json_group_array(id)) = 2000 THEN 'ok' ELSE 'FAIL' END, 'json' FROM emp;
SELECT CASE WHEN sum(value) = 15 THEN 'ok' ELSE 'FAIL' END, 'json-each' FROM json_each('[1,2,3,4,5]');
-- full-text search (FTS5 and FTS4)
CREATE VIRTUAL TABLE docs USING fts5(title, body);
INSERT INTO docs VALUES ('threads', 'cooperative threads run on few kernel threads'),
                        ('stacks', 'linked stacks grow in segments'),
                        ('events', 'an event loop waits on many descriptors');
SELECT CASE WHEN group_concat(title) = 'threads' THEN 'ok' ELSE 'FAIL' END, 'fts5-match' FROM docs WHERE docs MATCH 'kernel AND threads';
SELECT CASE WHEN count(*) = 2 THEN 'ok' ELSE 'FAIL' END, 'fts5-or' FROM docs WHERE docs MATCH 'segments OR descriptors';
CREATE VIRTUAL TABLE d4 USING fts4(body);
INSERT INTO d4 SELECT body FROM docs;
SELECT CASE WHEN count(*) = 1 THEN 'ok' ELSE 'FAIL' END, 'fts4-prefix' FROM d4 WHERE body MATCH 'segm*';
-- R-tree
CREATE VIRTUAL TABLE box USING rtree(id, x0, x1, y0, y1);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
INSERT INTO box SELECT i, i % 100, i % 100 + 1, i / 100, i / 100 + 1 FROM n;
SELECT CASE WHEN count(*) = 2 THEN 'ok' ELSE 'FAIL' END, 'rtree-overlap' FROM box WHERE x0 <= 10.5 AND x1 >= 10.5 AND y0 <= 5.5 AND y1 >= 4.5;
-- strings, numbers, dates, printf
SELECT CASE WHEN printf('%08.3f|%-4s|%x|%q', 3.14159, 'ab', 255, 'it''s') = '0003.142|ab  |ff|it''''s'
  THEN 'ok' ELSE 'FAIL' END, 'printf';
SELECT CASE WHEN date('2024-02-28', '+1 day') = '2024-02-29' AND strftime('%j', '2023-12-31') = '365'
  THEN 'ok' ELSE 'FAIL' END, 'dates';
SELECT CASE WHEN 9223372036854775807 + 0 = 9223372036854775807 AND typeof(9223372036854775807 + 1) = 'real'
             AND 7 / 2 = 3 AND 7 % 3 = 1 AND round(2.5) = 3.0 THEN 'ok' ELSE 'FAIL' END, 'arithmetic';
SELECT CASE WHEN upper('abc') || lower('DEF') || substr('hello', 2, 3) || replace('aXbXc', 'X', '') = 'ABCdefellabc'
             AND instr('haystack', 'st') = 4 AND length(zeroblob(1000)) = 1000 AND hex(x'00ff') = '00FF'
  THEN 'ok' ELSE 'FAIL' END, 'strings';
SELECT CASE WHEN 'abc' LIKE 'A_C' AND 'abc' GLOB 'a*' AND NOT ('abc' GLOB 'A*') THEN 'ok' ELSE 'FAIL' END, 'like-glob';
-- large values and sorting more than fits in the cache
PRAGMA cache_size = 50;
CREATE TABLE big(k INTEGER, v BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO big SELECT (i * 7919) % 20000, randomblob(100) FROM n;
SELECT CASE WHEN count(*) = 20000 AND count(DISTINCT k) = 20000 THEN 'ok' ELSE 'FAIL' END, 'big-distinct' FROM big;
SELECT CASE WHEN group_concat(k) = '0,1,2,3,4' THEN 'ok' ELSE 'FAIL' END, 'external-sort' FROM (SELECT k FROM big ORDER BY k LIMIT 5);
INSERT INTO big VALUES (-1, zeroblob(5000000));
SELECT CASE WHEN length(v) = 5000000 THEN 'ok' ELSE 'FAIL' END, 'overflow-pages' FROM big WHERE k = -1;
-- deep expressions and nested views (recursion in the parser and code generator)
CREATE VIEW v1 AS SELECT k FROM big WHERE k < 100;
CREATE VIEW v2 AS SELECT k FROM v1 WHERE k < 50;
CREATE VIEW v3 AS SELECT k FROM v2 WHERE k < 10;
SELECT CASE WHEN count(*) = 11 THEN 'ok' ELSE 'FAIL' END, 'nested-views' FROM v3;
SELECT CASE WHEN ((((((((((((((((((((1+1)+1)+1)+1)+1)+1)+1)+1)+1)+1)+1)+1)+1)+1)+1)+1)+1)+1)+1)+1) = 21 THEN 'ok' ELSE 'FAIL' END, 'nested-expression';
-- integrity
PRAGMA wal_checkpoint(TRUNCATE);
VACUUM;
SELECT CASE WHEN (SELECT integrity_check FROM pragma_integrity_check) = 'ok' THEN 'ok' ELSE 'FAIL' END, 'integrity-check';
SELECT CASE WHEN (SELECT foreign_key_check FROM (SELECT count(*) AS foreign_key_check FROM pragma_foreign_key_check)) = 0 THEN 'ok' ELSE 'FAIL' END, 'foreign-key-check';
