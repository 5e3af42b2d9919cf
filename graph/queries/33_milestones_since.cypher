// What has happened since a date? Every capability milestone dated on or after a date (ISO text, possibly
// partial, so text comparison is date comparison), newest first, with its level, the tool it was reached
// with and how many crafts the capability reaches.
// @param since "2024-01"  the earliest date (YYYY, YYYY-MM or YYYY-MM-DD)
// @stores embedded neo4j
MATCH (m:Milestone)-[:MARKS]->(c:Capability)
WHERE m.date >= $since
OPTIONAL MATCH (m)-[:ACHIEVED_WITH]->(t:Tool)
OPTIONAL MATCH (c)-[:PERFORMS]->(:Task)<-[:HAS_TASK]-(cr:Craft)
RETURN m.date AS date, m.level AS level, c.id AS capability, m.description AS description,
       t.name AS tool, count(DISTINCT cr) AS crafts_reached, m.id AS milestone
ORDER BY date DESC, milestone
