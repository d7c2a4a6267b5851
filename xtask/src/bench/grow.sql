-- ?1 anonymous, live shares with random 22-character ids, created a
-- millisecond apart before ?3, expiring at ?4, all with the snapshot ?2.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
INSERT INTO shares (id, owner_id, delete_token_hash, title, snapshot,
                    created_at, expires_at, revoked_at, indexable)
SELECT substr(hex(randomblob(11)), 1, 22), NULL, randomblob(32),
       'Seeded share ' || i, ?2, ?3 - i, ?4, NULL, 0
FROM n
