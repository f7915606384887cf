-- PLACEHOLDER so that 0005_memory applies on the r4-memory branch alone: delete this file when the real
-- migration with this number (history 0003, wake 0004) is merged.
SELECT 1;
